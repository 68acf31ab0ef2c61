-- Emergency access ("breaking the glass"): a worker of an agency of an allowed kind read
-- a case of another agency for a stated reason on a ground, until `expires_at`. The
-- reason and the auditor's note are encrypted like a case's free text. Every access is
-- reviewed by an auditor: `pending` until marked `justified` or `escalated`.
CREATE TABLE emergency_accesses (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    owner_agency_id TEXT NOT NULL REFERENCES agencies (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    ground TEXT NOT NULL,
    reason TEXT,
    identity_shown BOOLEAN NOT NULL,
    started_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    review TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'justified', 'escalated')),
    reviewed_by TEXT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    review_note TEXT
);
CREATE INDEX emergency_accesses_by_case_user ON emergency_accesses (case_id, user_id, expires_at);
CREATE INDEX emergency_accesses_by_review ON emergency_accesses (review, started_at);
