-- Notes on a case: a contact, call, meeting, visit or observation, written by a worker
-- of the owning agency or of an agency that shares the case through a referral. The
-- text is encrypted like identity; the note's kind, date and who may read it are not.
CREATE TABLE case_notes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('contact','phone_call','meeting','visit',
        'observation','other')),
    occurred_on DATE NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('own_agency','shared')),
    body TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);
