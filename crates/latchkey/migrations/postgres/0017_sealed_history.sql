-- History at the cost of one hash (docs/architecture.md, "Password
-- history"). Each account gets one history salt; each entry keeps, sealed
-- under the server's key, its password's Argon2id under that salt, so one
-- Argon2id checks a new password against the whole history. Once an entry
-- is sealed and no longer current, its own hash is dropped: a copy of the
-- database alone then holds one guessable hash per account, not 24.
ALTER TABLE accounts ADD COLUMN history_salt TEXT;
ALTER TABLE password_history ADD COLUMN sealed TEXT;
ALTER TABLE password_history ALTER COLUMN hash DROP NOT NULL;
