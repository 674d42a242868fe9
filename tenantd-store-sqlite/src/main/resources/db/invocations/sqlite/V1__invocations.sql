-- Invocation records, a chunk per script per stored batch: the records themselves are one
-- encoded value (RecordChunk), so a batch costs a row and its index entries per script, not per
-- record. A record's position is its chunk's position and its index in the chunk (16 bits).
-- first_ms/last_ms bound the records' start times, min_request/max_request their request ids
-- (which grow with time), tags and outcomes are the union of the records', for filtering chunks
-- before decoding them.
CREATE TABLE invocation_chunks (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    namespace TEXT NOT NULL,
    script TEXT NOT NULL,
    first_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    min_request TEXT NOT NULL,
    max_request TEXT NOT NULL,
    tags TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    records_count INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    records BLOB NOT NULL
);
CREATE INDEX invocation_chunks_by_account ON invocation_chunks (account_id, last_ms, position);
CREATE INDEX invocation_chunks_by_script ON invocation_chunks (account_id, script, last_ms, position);
CREATE INDEX invocation_chunks_by_namespace ON invocation_chunks (account_id, namespace, last_ms, position);
CREATE INDEX invocation_chunks_by_time ON invocation_chunks (last_ms);

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
