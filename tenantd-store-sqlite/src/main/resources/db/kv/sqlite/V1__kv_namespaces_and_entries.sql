-- Workers KV, in its own database file (kv.sqlite) beside tenantd.db.
CREATE TABLE kv_namespaces (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    title       TEXT NOT NULL,
    UNIQUE (account_id, title)
);

-- Keys are stored as their UTF-8 bytes: BLOBs compare byte by byte (KV's key order)
-- and, unlike TEXT, are not cut at a NUL character by SQLite's string functions.
-- expiration is in seconds since the epoch; NULL means never.
CREATE TABLE kv_entries (
    namespace_id TEXT NOT NULL REFERENCES kv_namespaces(id) ON DELETE CASCADE,
    key          BLOB NOT NULL,
    value        BLOB NOT NULL,
    metadata     TEXT,
    expiration   INTEGER,
    PRIMARY KEY (namespace_id, key)
) WITHOUT ROWID;

CREATE INDEX kv_entries_expiration ON kv_entries (expiration) WHERE expiration IS NOT NULL;
