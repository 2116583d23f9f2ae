-- Every notice goes out through this queue: written with the change it
-- reports, claimed by one worker at a time with a lease (a crashed
-- worker's rows come back when it runs out), retried with backoff until
-- its lifetime ends, and marked sent once the provider took it. The
-- message is sealed under the server's key, and blanked once sent.
CREATE TABLE deliveries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at    BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,            -- notice
    channel       TEXT    NOT NULL,            -- sms, voice, email
    recipient     TEXT    NOT NULL,
    account_id    BIGINT,
    sealed        TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'pending', -- pending, sent, expired
    attempts      BIGINT  NOT NULL DEFAULT 0,
    next_at       BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT,
    last_error    TEXT,
    done_at       BIGINT
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);
CREATE INDEX deliveries_of_account ON deliveries (account_id, id);
