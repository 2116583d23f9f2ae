-- Reports: the department the directory gives each person (accounts with
-- no way to reset, by department), and an index that lets a report read a
-- range of the trail by day, action and actor without the events' rows.
ALTER TABLE accounts ADD COLUMN department TEXT;
CREATE INDEX audit_events_at_action ON audit_events (at, action, actor);
DROP INDEX audit_events_at;
-- A third role, `report` (reads the reports, nothing else), and staff
-- handed a temporary password change it at their next sign-in.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('agent', 'admin', 'report'));
ALTER TABLE staff ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
-- Their earlier passwords (Argon2id), so a new one is not one of them.
CREATE TABLE staff_password_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id    BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    hash        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX staff_password_history_staff ON staff_password_history (staff_id, id);
