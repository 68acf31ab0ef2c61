-- Sealing: an audited transaction inserts its entry unsealed (no chain position, no
-- hashes) together with its own transaction id, and never waits for another's entry.
-- One sealer at a time links the entries of finished transactions into the chain: it
-- sets `seq`, `prev_hash`, `hash` and `mac`, the only change the triggers allow.
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_pkey;
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_id_key;
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_pkey PRIMARY KEY (id);
ALTER TABLE audit_entries
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL;
CREATE UNIQUE INDEX audit_entries_seq ON audit_entries (seq);
-- The inserting transaction's id (set by the insert trigger, never by the inserter);
-- entries written before sealing existed have none and are all sealed.
ALTER TABLE audit_entries ADD COLUMN xid BIGINT;
CREATE INDEX audit_entries_unsealed ON audit_entries (xid) WHERE seq IS NULL;
-- An entry is sealed whole or not at all. (`mac` is the unsealed entry's MAC until the
-- sealer replaces it with the sealed entry's.)
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_sealed_whole CHECK (
    (seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL)
);

-- Inserts are unsealed and carry the inserting transaction's id.
CREATE FUNCTION audit_entries_insert_unsealed() RETURNS trigger AS $$
BEGIN
    IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit entries are inserted unsealed';
    END IF;
    NEW.xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entries_insert BEFORE INSERT ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_insert_unsealed();

-- Append-only, except for sealing: an unsealed entry may get its position, hashes and
-- MAC once, with every other column unchanged. Deletes and TRUNCATE stay refused.
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
        AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_agency_id,
             NEW.actor_role, NEW.on_behalf_of, NEW.action, NEW.action_kind,
             NEW.object_type, NEW.object_id, NEW.purpose, NEW.subject_pseudonym,
             NEW.outcome, NEW.source_ip, NEW.request_id, NEW.details, NEW.xid)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_agency_id,
             OLD.actor_role, OLD.on_behalf_of, OLD.action, OLD.action_kind,
             OLD.object_type, OLD.object_id, OLD.purpose, OLD.subject_pseudonym,
             OLD.outcome, OLD.source_ip, OLD.request_id, OLD.details, OLD.xid)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
