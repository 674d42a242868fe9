-- What each namespace's entries count against its size limit (keys, values and metadata in
-- bytes, and 128 bytes per entry for storing it; KvStore.entryBytes), kept with every write so
-- that the limit is checked without reading the namespace. octet_length reads sizes from each
-- row's header, not the values.
ALTER TABLE kv_namespaces ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;

UPDATE kv_namespaces SET bytes = (
    SELECT COALESCE(SUM(octet_length(key) + octet_length(value) + COALESCE(octet_length(metadata), 0) + 128), 0)
    FROM kv_entries WHERE kv_entries.namespace_id = kv_namespaces.id);
