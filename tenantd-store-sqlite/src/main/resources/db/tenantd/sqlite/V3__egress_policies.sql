-- Egress allow/block lists of a namespace and of a script version: {"allow": [...], "block": [...]}.
ALTER TABLE namespaces ADD COLUMN egress TEXT NOT NULL DEFAULT '{}';
ALTER TABLE script_versions ADD COLUMN egress TEXT NOT NULL DEFAULT '{}';
