-- History at the cost of one hash (docs/architecture.md, "Password
-- history"). Each account gets one history salt; each entry keeps, sealed
-- under the server's key, its password's Argon2id under that salt, so one
-- Argon2id checks a new password against the whole history. Once an entry
-- is sealed and no longer current, its own hash is dropped: a copy of the
-- database alone then holds one guessable hash per account, not 24.
ALTER TABLE accounts ADD COLUMN history_salt TEXT;

-- SQLite cannot drop a NOT NULL: the table is rebuilt, ids kept (they
-- order the history). Nothing references it.
CREATE TABLE password_history_sealed (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hash        TEXT,                        -- Argon2id PHC string, own salt
    sealed      TEXT,                        -- sealed PHC under the history salt
    created_at  BIGINT  NOT NULL
);
INSERT INTO password_history_sealed (id, account_id, hash, created_at)
    SELECT id, account_id, hash, created_at FROM password_history;
DROP TABLE password_history;
ALTER TABLE password_history_sealed RENAME TO password_history;
CREATE INDEX password_history_account ON password_history (account_id, id);
