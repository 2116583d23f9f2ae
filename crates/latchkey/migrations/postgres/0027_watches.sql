-- The watch after a password change made here: until `watch_until` the
-- directory is read for wrong passwords and a lock. What each pass saw is
-- kept for the help desk's timeline; each notice goes once (its column is
-- claimed before it is sent). A new change replaces the row.
CREATE TABLE watches (
    account_id       BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    changed_at       BIGINT NOT NULL,
    watch_until      BIGINT NOT NULL,
    failures         BIGINT NOT NULL DEFAULT 0,
    first_failure_at BIGINT,
    last_failure_at  BIGINT,
    devices          TEXT   NOT NULL DEFAULT '',
    locked_at        BIGINT,
    warned_at        BIGINT,
    link_sent_at     BIGINT,
    unlocked_at      BIGINT,
    unlocked_by      TEXT
);
CREATE INDEX watches_until ON watches (watch_until);
