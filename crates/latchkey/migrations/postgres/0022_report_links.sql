-- "This wasn't me" links in notices are signed, not stored; a used one's
-- nonce is kept here (until the link could no longer work) so that each
-- works once.
CREATE TABLE report_links_used (
    nonce      TEXT   PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    issued_at  BIGINT NOT NULL,
    used_at    BIGINT NOT NULL
);
-- A reset held until the help desk lifts it, after a report.
ALTER TABLE accounts ADD COLUMN reported_at BIGINT;
