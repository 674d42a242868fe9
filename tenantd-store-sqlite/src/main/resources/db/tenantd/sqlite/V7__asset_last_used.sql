-- When an asset's row was last stored or named by an upload session (milliseconds since the
-- epoch): rows no version uses are removed some time after that, and their blobs with them.
ALTER TABLE assets ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
UPDATE assets SET last_used = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
