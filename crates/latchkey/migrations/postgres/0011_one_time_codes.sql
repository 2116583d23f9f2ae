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

ALTER TABLE reset_sessions DROP COLUMN method, DROP COLUMN code_hash,
    DROP COLUMN code_expires_at, DROP COLUMN code_tries;
ALTER TABLE account_sessions DROP COLUMN code_for, DROP COLUMN method, DROP COLUMN code_hash,
    DROP COLUMN code_expires_at, DROP COLUMN code_tries;
ALTER TABLE staff_sessions DROP COLUMN code_account_id, DROP COLUMN code_hash,
    DROP COLUMN code_expires_at, DROP COLUMN code_tries;
