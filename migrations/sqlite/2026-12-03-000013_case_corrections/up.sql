-- The rectification record of a case: each correction of the person or the case names
-- the fields it changed and keeps their earlier values, encrypted (erased with the
-- case). Visible to the owning agency only.
CREATE TABLE case_corrections (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    corrected_by TEXT NOT NULL REFERENCES users (id),
    fields TEXT NOT NULL,
    earlier TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_corrections_case ON case_corrections (case_id, created_at);

-- The monitor moves a corrected person's events to its new key; the revision tells a
-- held copy of a month that its facts changed although their number did not.
ALTER TABLE monitor_months ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
