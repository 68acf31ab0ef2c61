-- Back to appending sealed entries under the chain's lock. Refused while an entry is
-- unsealed: seal first (any `schakel serve` or `schakel worker` does).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_entries WHERE seq IS NULL) THEN
        RAISE EXCEPTION 'unsealed audit entries remain: let the sealer run first';
    END IF;
END;
$$;
DROP TRIGGER audit_entries_insert ON audit_entries;
DROP FUNCTION audit_entries_insert_unsealed();
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_sealed_whole;
DROP INDEX audit_entries_unsealed;
ALTER TABLE audit_entries DROP COLUMN xid;
DROP INDEX audit_entries_seq;
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_pkey;
ALTER TABLE audit_entries
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL;
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_pkey PRIMARY KEY (seq);
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_id_key UNIQUE (id);
