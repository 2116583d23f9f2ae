-- Throttles as a sliding log: each attempt is a row, counted over the
-- window that ends now, so no limit can be straddled across the boundary
-- of a window aligned to the clock (the fixed windows of 0004 could).
DROP TABLE throttle;
CREATE TABLE throttle_hits (
    key  TEXT   NOT NULL,   -- what is counted: "start:address:…", "send:reset:phone:…"
    at   BIGINT NOT NULL    -- when, in seconds since 1970
);
CREATE INDEX throttle_hits_key_at ON throttle_hits (key, at);
CREATE INDEX throttle_hits_at ON throttle_hits (at);
