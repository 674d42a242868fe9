-- D1 databases: each is a SQLite file <data-dir>/d1/<uuid>.sqlite; this is their catalogue.
CREATE TABLE d1_databases (
    uuid       TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version    TEXT NOT NULL,
    UNIQUE (account_id, name)
);
