-- With a hundred thousand scripts in a namespace: a page of its scripts in creation order is read
-- off this index, not sorted out of every script for each page; a namespace's script count is
-- found by its id (the unique index starts with the account); and the hourly sweep of asset
-- manifests finds the old ones without reading every manifest's JSON.
CREATE INDEX scripts_by_creation ON scripts (account_id, namespace_id, created_on, name);
CREATE INDEX scripts_by_namespace ON scripts (namespace_id);
CREATE INDEX asset_manifests_by_age ON asset_manifests (created_at, id);
