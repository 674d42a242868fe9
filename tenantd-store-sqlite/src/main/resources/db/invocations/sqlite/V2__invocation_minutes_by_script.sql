-- Analytics of one script or one namespace over a long range read only that script's or
-- namespace's minutes instead of every minute of the account.
CREATE INDEX invocation_minutes_by_script ON invocation_minutes (account_id, script, minute_ms);
CREATE INDEX invocation_minutes_by_namespace ON invocation_minutes (account_id, namespace, minute_ms);
