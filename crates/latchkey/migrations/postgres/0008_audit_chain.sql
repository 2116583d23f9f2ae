-- The audit trail as a hash chain: each event carries its place (`seq`,
-- dense from 1), the hash of the event before it and its own hash (SHA-256
-- over the previous hash and the event's fields). A changed, removed or
-- reordered event breaks the chain at that event (`latchkey audit verify`).
-- `audit_head` holds the last place and hash: appending claims it first, so
-- appends are serialised on every backend, and a cut-off tail shows as a
-- head beyond the last event. Events written before this migration are
-- chained, in id order, when the service first opens the database.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_account ON audit_events (account_id, seq);

CREATE TABLE audit_head (
    id    BIGINT  PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
