-- Temporary access passes the help desk issues to a verified caller who
-- lost every way: one live pass per account, kept only as a keyed hash
-- (HMAC under the server's key), used once, until it expires.
CREATE TABLE access_passes (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    tag        TEXT   NOT NULL,
    issued_by  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
