-- Limits a script asked for in its upload metadata: {"cpu_ms": N, "subrequests": N}.
ALTER TABLE script_versions ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
