-- A version's static assets live in a manifest of their own, named by the version
-- (script_versions.assets holds its id, '' for none): versions that serve the same site share
-- one row, and reading a version (every serving one is held in memory) no longer reads its site.
-- created_at (epoch milliseconds) is when the manifest was last stored: one that no version
-- names is removed some time after that.
CREATE TABLE asset_manifests (
    id         TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO asset_manifests (id, json, created_at)
    SELECT 'v:' || id, assets, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM script_versions WHERE assets <> '{}';
UPDATE script_versions SET assets = 'v:' || id WHERE assets <> '{}';
UPDATE script_versions SET assets = '' WHERE assets = '{}';
CREATE INDEX script_versions_assets ON script_versions (assets);
