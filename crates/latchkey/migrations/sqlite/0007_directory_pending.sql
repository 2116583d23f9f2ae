-- Password changes on their way to the campus directory. A row is written
-- before the directory is asked and removed in the transaction that stores
-- the new hash here; a row that outlives its change (a crash, a database
-- error after the directory accepted, a directory that never answered) is
-- settled by the reconciler: it asks the directory whether the new password
-- works there, and stores it here if so, or drops it if not. One change per
-- account at a time. The password is sealed (ChaCha20-Poly1305 under the
-- service's key) only so the reconciler can ask; the row goes once settled.
CREATE TABLE directory_pending (
    account_id       BIGINT  PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    new_hash         TEXT    NOT NULL,   -- Argon2id PHC string, stored here once settled
    sealed_password  TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    next_try_at      BIGINT  NOT NULL,   -- the reconciler leaves it alone until then
    attempts         BIGINT  NOT NULL DEFAULT 0,
    last_error       TEXT
);
