-- Accounts, their password history and verification methods.
-- Times are Unix seconds (UTC) on both backends, so the code reads one type.
CREATE TABLE accounts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL,
    username_key  TEXT    NOT NULL UNIQUE,   -- lower case: usernames are case-insensitive
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    phone         TEXT,                      -- E.164
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked')),
    locked_until  BIGINT,
    version       BIGINT  NOT NULL DEFAULT 0, -- bumped by every password change
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- The current password is the newest row; older rows are the history the
-- policy's `history` rule checks. Trimmed to the configured depth.
CREATE TABLE password_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hash        TEXT    NOT NULL,            -- Argon2id PHC string
    created_at  BIGINT  NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, id);

-- Registered verification methods (sms, voice, totp, …). Secrets are stored
-- encrypted by the service, never in clear.
CREATE TABLE methods (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    verified_at  BIGINT,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX methods_account ON methods (account_id);

-- Append-only record of what happened. Never a password or a code.
CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    account_id  BIGINT,
    address     TEXT,
    detail      TEXT    NOT NULL DEFAULT ''
);
