-- A script's version numbers are unique: two writers that both read the latest number
-- cannot both store the next one (the second gets a conflict and tries again).
DROP INDEX script_versions_by_script;
CREATE UNIQUE INDEX script_versions_by_script ON script_versions (script_id, number);
