-- Help desk staff, their short sessions, and what staff can set on an
-- account. Staff sign in with a password (Argon2id) and an authenticator
-- code, always; their sessions record which caller they verified, how and
-- when, and a code they sent a caller; one-time reset links are stored as
-- the SHA-256 of the token sent.
CREATE TABLE staff (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL,
    username_key   TEXT    NOT NULL UNIQUE,   -- lower case
    role           TEXT    NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash  TEXT    NOT NULL,
    totp_secret    TEXT    NOT NULL,          -- sealed
    totp_last_step BIGINT,                    -- a step is never accepted twice
    disabled_at    BIGINT,
    created_at     BIGINT  NOT NULL
);

CREATE TABLE staff_sessions (
    id                 TEXT    PRIMARY KEY,   -- SHA-256 (hex) of the cookie token
    csrf               TEXT    NOT NULL,
    stage              TEXT    NOT NULL,      -- signin, factor (password right), active
    staff_id           BIGINT  REFERENCES staff (id) ON DELETE CASCADE,
    caller_id          BIGINT  REFERENCES accounts (id) ON DELETE SET NULL,  -- the caller verified
    caller_verified_at BIGINT,
    code_account_id    BIGINT  REFERENCES accounts (id) ON DELETE CASCADE,   -- a code sent to a caller
    code_hash          TEXT,
    code_expires_at    BIGINT,
    code_tries         BIGINT  NOT NULL DEFAULT 0,
    created_at         BIGINT  NOT NULL,
    last_seen_at       BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);

CREATE TABLE reset_links (
    token_hash  TEXT    PRIMARY KEY,          -- SHA-256 (hex) of the token sent
    account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by  TEXT    NOT NULL,             -- staff:USERNAME
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);

-- Set by the help desk; cleared by the next password change.
ALTER TABLE accounts ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
