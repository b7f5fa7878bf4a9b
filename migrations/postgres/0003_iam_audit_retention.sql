-- Audit retention: pruning deletes events older than a cutoff across every account, oldest first.
CREATE INDEX audit_events_by_age ON audit_events (event_time, id);
