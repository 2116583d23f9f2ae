-- Reminders sent, each at most once: `kind` is `expiry:14`, `expiry:7`…
-- (days before the password expires) or `register`; `password_set_at` is
-- when the directory says the password was set, so a new password starts
-- its reminders afresh.
CREATE TABLE reminders_sent (
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    password_set_at BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, password_set_at)
);

-- A job that one instance at a time runs, when several share this
-- database: the holder and until when it holds it.
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    expires_at  BIGINT NOT NULL
);
