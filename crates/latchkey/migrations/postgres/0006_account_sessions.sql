-- Signed-in sessions (sign-in, registration, update). As for resets, the
-- cookie carries a random token and only its SHA-256 is stored, and every
-- step's state is here so any instance can serve any request.
CREATE TABLE account_sessions (
    id               TEXT    PRIMARY KEY,   -- SHA-256 (hex) of the cookie token
    csrf             TEXT    NOT NULL,
    stage            TEXT    NOT NULL,      -- signin (anonymous), factor (password proven), active
    account_id       BIGINT  REFERENCES accounts (id) ON DELETE CASCADE,
    factor_at        BIGINT,                -- when a second factor was last proven in this session
    code_for         TEXT,                  -- factor or phone: what the code in flight proves
    method           TEXT,                  -- sms, voice, totp
    code_hash        TEXT,                  -- HMAC of the code sent
    code_expires_at  BIGINT,
    code_tries       BIGINT  NOT NULL DEFAULT 0,
    enrol_phone      TEXT,                  -- E.164 number being registered, until its code is verified
    enrol_secret     TEXT,                  -- sealed authenticator secret being registered
    client_address   TEXT,
    created_at       BIGINT  NOT NULL,
    last_seen_at     BIGINT  NOT NULL,      -- for the idle timeout
    expires_at       BIGINT  NOT NULL       -- the absolute timeout
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);
CREATE INDEX account_sessions_expiry ON account_sessions (expires_at);
