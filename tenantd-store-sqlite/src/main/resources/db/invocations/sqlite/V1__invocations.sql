-- Invocation records: one row per recorded invocation, newest found by (account, time).
-- Rows are stored in the order invocations end, so retention walks them by position and
-- needs no index of its own; ids and request ids grow with time, so their indexes grow at the end.
CREATE TABLE invocations (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    time_ms INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    namespace TEXT NOT NULL,
    script TEXT NOT NULL,
    version_id TEXT NOT NULL,
    tags TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER NOT NULL,
    cpu_ms REAL NOT NULL,
    wall_ms REAL NOT NULL,
    subrequests INTEGER NOT NULL,
    method TEXT NOT NULL,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    logs TEXT NOT NULL,
    logs_truncated INTEGER NOT NULL,
    exception TEXT,
    size_bytes INTEGER NOT NULL
);
CREATE INDEX invocations_by_account_time ON invocations (account_id, time_ms, position);
CREATE INDEX invocations_by_script_time ON invocations (account_id, script, time_ms, position);
CREATE INDEX invocations_by_request ON invocations (account_id, request_id);

-- The tags an invocation's script had, one row each, for the tag filter.
CREATE TABLE invocation_tags (
    position INTEGER NOT NULL REFERENCES invocations (position) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, position)
) WITHOUT ROWID;
CREATE INDEX invocation_tags_by_position ON invocation_tags (position);

-- Per-minute totals of one script, outcome and status, with CPU and wall time histograms
-- (LatencyBuckets: bucket i counts durations up to its bound).
CREATE TABLE invocation_minutes (
    account_id TEXT NOT NULL,
    namespace TEXT NOT NULL,
    script TEXT NOT NULL,
    minute_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    subrequests INTEGER NOT NULL,
    cpu_ms_sum REAL NOT NULL,
    wall_ms_sum REAL NOT NULL,
    cpu_b0 INTEGER NOT NULL DEFAULT 0,
    cpu_b1 INTEGER NOT NULL DEFAULT 0,
    cpu_b2 INTEGER NOT NULL DEFAULT 0,
    cpu_b3 INTEGER NOT NULL DEFAULT 0,
    cpu_b4 INTEGER NOT NULL DEFAULT 0,
    cpu_b5 INTEGER NOT NULL DEFAULT 0,
    cpu_b6 INTEGER NOT NULL DEFAULT 0,
    cpu_b7 INTEGER NOT NULL DEFAULT 0,
    cpu_b8 INTEGER NOT NULL DEFAULT 0,
    cpu_b9 INTEGER NOT NULL DEFAULT 0,
    cpu_b10 INTEGER NOT NULL DEFAULT 0,
    cpu_b11 INTEGER NOT NULL DEFAULT 0,
    cpu_b12 INTEGER NOT NULL DEFAULT 0,
    cpu_b13 INTEGER NOT NULL DEFAULT 0,
    cpu_b14 INTEGER NOT NULL DEFAULT 0,
    cpu_b15 INTEGER NOT NULL DEFAULT 0,
    wall_b0 INTEGER NOT NULL DEFAULT 0,
    wall_b1 INTEGER NOT NULL DEFAULT 0,
    wall_b2 INTEGER NOT NULL DEFAULT 0,
    wall_b3 INTEGER NOT NULL DEFAULT 0,
    wall_b4 INTEGER NOT NULL DEFAULT 0,
    wall_b5 INTEGER NOT NULL DEFAULT 0,
    wall_b6 INTEGER NOT NULL DEFAULT 0,
    wall_b7 INTEGER NOT NULL DEFAULT 0,
    wall_b8 INTEGER NOT NULL DEFAULT 0,
    wall_b9 INTEGER NOT NULL DEFAULT 0,
    wall_b10 INTEGER NOT NULL DEFAULT 0,
    wall_b11 INTEGER NOT NULL DEFAULT 0,
    wall_b12 INTEGER NOT NULL DEFAULT 0,
    wall_b13 INTEGER NOT NULL DEFAULT 0,
    wall_b14 INTEGER NOT NULL DEFAULT 0,
    wall_b15 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, minute_ms, namespace, script, outcome, status)
) WITHOUT ROWID;
CREATE INDEX invocation_minutes_by_minute ON invocation_minutes (minute_ms);
