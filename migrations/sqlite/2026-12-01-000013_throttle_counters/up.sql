-- Fixed-window counters shared by every instance on this database (issue 13): failed
-- sign-ins per account and per client address. `key` is the SHA-256 of what is
-- counted (no e-mail or address is stored); a row whose window has ended is reset by
-- the next attempt or removed by the periodic prune (the index serves the prune).
CREATE TABLE throttle_counters (
    key             TEXT PRIMARY KEY,
    -- when the current window began, in milliseconds since the Unix epoch
    window_start_ms BIGINT NOT NULL,
    attempts        BIGINT NOT NULL
);
CREATE INDEX throttle_counters_window_idx ON throttle_counters (window_start_ms);
