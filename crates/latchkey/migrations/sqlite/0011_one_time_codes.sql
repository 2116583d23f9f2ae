-- One table for every one-time code in flight, whatever sent it: a reset,
-- a sign-in's second factor, a phone being registered, a help desk caller
-- check. A session holds at most one code; `holder` names it by kind and
-- id ("reset:…", "person:…", "staff:…"). Codes in flight are not carried
-- over from the session tables: they last minutes, and a new one is a
-- click away.
CREATE TABLE one_time_codes (
    holder      TEXT    PRIMARY KEY,
    purpose     TEXT    NOT NULL,   -- reset, signin, registration, caller
    subject     BIGINT  REFERENCES accounts (id) ON DELETE CASCADE,  -- the account it proves
    method      TEXT    NOT NULL,   -- sms, voice, totp
    tag         TEXT,               -- HMAC of the code sent; none for an app's code
    expires_at  BIGINT  NOT NULL,
    tries       BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX one_time_codes_expiry ON one_time_codes (expires_at);

ALTER TABLE reset_sessions DROP COLUMN method;
ALTER TABLE reset_sessions DROP COLUMN code_hash;
ALTER TABLE reset_sessions DROP COLUMN code_expires_at;
ALTER TABLE reset_sessions DROP COLUMN code_tries;
ALTER TABLE account_sessions DROP COLUMN code_for;
ALTER TABLE account_sessions DROP COLUMN method;
ALTER TABLE account_sessions DROP COLUMN code_hash;
ALTER TABLE account_sessions DROP COLUMN code_expires_at;
ALTER TABLE account_sessions DROP COLUMN code_tries;
-- SQLite drops no column a foreign key names: the table is rebuilt without them.
CREATE TABLE staff_sessions_rebuilt (
    id                 TEXT    PRIMARY KEY,   -- SHA-256 (hex) of the cookie token
    csrf               TEXT    NOT NULL,
    stage              TEXT    NOT NULL,      -- signin, factor (password right), active
    staff_id           BIGINT  REFERENCES staff (id) ON DELETE CASCADE,
    caller_id          BIGINT  REFERENCES accounts (id) ON DELETE SET NULL,  -- the caller verified
    caller_verified_at BIGINT,
    created_at         BIGINT  NOT NULL,
    last_seen_at       BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
INSERT INTO staff_sessions_rebuilt
    SELECT id, csrf, stage, staff_id, caller_id, caller_verified_at, created_at, last_seen_at, expires_at
    FROM staff_sessions;
DROP TABLE staff_sessions;
ALTER TABLE staff_sessions_rebuilt RENAME TO staff_sessions;
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
