-- Throttle counters in fixed windows, shared by every instance.
CREATE TABLE throttle (
    key           TEXT    NOT NULL,   -- what is counted: "start:address:…", "send:phone:…"
    window_start  BIGINT  NOT NULL,
    hits          BIGINT  NOT NULL,
    PRIMARY KEY (key, window_start)
);
