-- What serves a script: deployments, each a percentage split over versions; the newest is active.
CREATE TABLE deployments (
    id         TEXT PRIMARY KEY,
    script_id  TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
    created_on TEXT NOT NULL,
    versions   TEXT NOT NULL,  -- [{"version_id": "...", "percentage": 100}]
    message    TEXT,
    source     TEXT NOT NULL
);

CREATE INDEX deployments_by_script ON deployments (script_id, created_on);

ALTER TABLE scripts ADD COLUMN deployment_id TEXT;
-- What made a version: wrangler or api.
ALTER TABLE script_versions ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
-- A version's static assets: {"manifest": {"/path": {"hash", "size", "sha256"}}, "config": {...}}.
ALTER TABLE script_versions ADD COLUMN assets TEXT NOT NULL DEFAULT '{}';

-- Static asset contents a script has uploaded, by the client's hash, deduplicated per script
-- (the hash is the client's claim, so one script's upload never stands in for another's).
CREATE TABLE assets (
    account_id   TEXT NOT NULL,
    namespace_id TEXT NOT NULL,
    script       TEXT NOT NULL,
    hash         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    PRIMARY KEY (account_id, namespace_id, script, hash)
);
-- Script-level settings that are not part of a version: logpush, observability, tail consumers, subdomain.
ALTER TABLE scripts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- Scripts stored before deployments existed are served by their current version alone.
INSERT INTO deployments (id, script_id, created_on, versions, message, source)
SELECT current_version_id, id, modified_on,
       json_array(json_object('version_id', current_version_id, 'percentage', 100)), NULL, 'api'
FROM scripts WHERE current_version_id IS NOT NULL;

UPDATE scripts SET deployment_id = current_version_id WHERE current_version_id IS NOT NULL;
