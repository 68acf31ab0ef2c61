-- The audit trail: append-only and hash-chained. Each entry's hash covers its content
-- and the previous entry's hash; `seq` numbers the chain without gaps.
CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id TEXT,
    actor_agency_id TEXT,
    actor_role TEXT,
    on_behalf_of TEXT,
    action TEXT NOT NULL,
    action_kind TEXT NOT NULL CHECK (action_kind IN ('C', 'R', 'U', 'D', 'E')),
    object_type TEXT,
    object_id TEXT,
    purpose TEXT,
    subject_pseudonym TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    source_ip TEXT,
    request_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entries_time ON audit_entries (occurred_at);
CREATE INDEX audit_entries_actor ON audit_entries (actor_user_id, occurred_at);
CREATE INDEX audit_entries_object ON audit_entries (object_type, object_id);

-- Append-only: the database itself refuses changes and deletions.
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
