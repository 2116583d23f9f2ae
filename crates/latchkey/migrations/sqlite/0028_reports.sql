-- Reports: the department the directory gives each person (accounts with
-- no way to reset, by department), and an index that lets a report read a
-- range of the trail by day, action and actor without the events' rows.
ALTER TABLE accounts ADD COLUMN department TEXT;
CREATE INDEX audit_events_at_action ON audit_events (at, action, actor);
DROP INDEX audit_events_at;
-- A third role, `report` (reads the reports, nothing else), and staff
-- handed a temporary password change it at their next sign-in. SQLite
-- changes no CHECK in place: the table is rebuilt (the consoles' sessions
-- end with the old table; staff sign in again after the upgrade).
CREATE TABLE staff_rebuilt (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT    NOT NULL,
    username_key         TEXT    NOT NULL UNIQUE,   -- lower case
    role                 TEXT    NOT NULL CHECK (role IN ('agent', 'admin', 'report')),
    password_hash        TEXT    NOT NULL,
    totp_secret          TEXT    NOT NULL,          -- sealed
    totp_last_step       BIGINT,                    -- a step is never accepted twice
    disabled_at          BIGINT,
    created_at           BIGINT  NOT NULL,
    must_change_password BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO staff_rebuilt
    (id, username, username_key, role, password_hash, totp_secret, totp_last_step, disabled_at, created_at)
    SELECT id, username, username_key, role, password_hash, totp_secret, totp_last_step, disabled_at, created_at
    FROM staff;
DROP TABLE staff;
ALTER TABLE staff_rebuilt RENAME TO staff;
-- Their earlier passwords (Argon2id), so a new one is not one of them.
CREATE TABLE staff_password_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id    BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    hash        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX staff_password_history_staff ON staff_password_history (staff_id, id);
