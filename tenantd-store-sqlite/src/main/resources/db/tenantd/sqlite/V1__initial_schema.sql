CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_on  TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_sha256 TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    name         TEXT NOT NULL,
    created_on   TEXT NOT NULL
);

CREATE TABLE namespaces (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    name            TEXT NOT NULL,
    created_on      TEXT NOT NULL,
    modified_on     TEXT NOT NULL,
    trusted_workers INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name)
);

-- namespace_id is '' for plain (non-namespaced) workers.
CREATE TABLE scripts (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    namespace_id       TEXT NOT NULL,
    name               TEXT NOT NULL,
    current_version_id TEXT,
    tags               TEXT NOT NULL DEFAULT '[]',
    created_on         TEXT NOT NULL,
    modified_on        TEXT NOT NULL,
    UNIQUE (account_id, namespace_id, name)
);

CREATE TABLE script_versions (
    id                  TEXT PRIMARY KEY,
    script_id           TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
    number              INTEGER NOT NULL,
    main_module         TEXT NOT NULL,
    service_worker      INTEGER NOT NULL,
    compatibility_date  TEXT NOT NULL,
    compatibility_flags TEXT NOT NULL,
    modules             TEXT NOT NULL,
    bindings            TEXT NOT NULL,
    etag                TEXT NOT NULL,
    startup_time_ms     INTEGER NOT NULL,
    created_on          TEXT NOT NULL
);

CREATE INDEX script_versions_by_script ON script_versions (script_id, number);
