-- Saved recovery codes (NIST SP 800-63B-4): a set of ten per account, each
-- 64 random bits shown once and kept only as a keyed hash (HMAC under the
-- server's key), each used once. A new set replaces the old.
CREATE TABLE recovery_codes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    slot       BIGINT NOT NULL,
    tag        TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (account_id, slot)
);
