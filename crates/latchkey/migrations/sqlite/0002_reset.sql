-- Reset flow state. Everything a step needs is here, so any instance can
-- serve any step. The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE reset_sessions (
    id               TEXT    PRIMARY KEY,   -- SHA-256 (hex) of the cookie token
    csrf             TEXT    NOT NULL,      -- token every form of this session carries
    step             TEXT    NOT NULL,      -- identify, captcha, method, code, password, done, help
    account_id       BIGINT  REFERENCES accounts (id) ON DELETE CASCADE, -- NULL: unknown identifier
    captcha_hash     TEXT,                  -- HMAC of the upper-cased answer
    captcha_png      BLOB,
    method           TEXT,                  -- sms, voice, totp
    code_hash        TEXT,                  -- HMAC of the code sent
    code_expires_at  BIGINT,
    code_tries       BIGINT  NOT NULL DEFAULT 0,
    client_address   TEXT,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL
);
CREATE INDEX reset_sessions_expiry ON reset_sessions (expires_at);

-- Messages of the built-in provider: what would have been texted, called or
-- mailed. The demo and the tests read them here.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT  NOT NULL,
    channel    TEXT    NOT NULL,            -- sms, voice, email
    recipient  TEXT    NOT NULL,
    body       TEXT    NOT NULL
);
