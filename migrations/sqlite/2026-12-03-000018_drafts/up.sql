-- Drafts of case-work forms, saved while they are typed: the author's alone, the
-- fields as typed encrypted like identity (bound to the draft's id), erased when the
-- form is submitted or discarded, and by the retention job once expired.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    form TEXT NOT NULL CHECK (form IN ('signal','correction','consent','referral','note')),
    case_id TEXT REFERENCES cases (id),
    content TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX drafts_user ON drafts (user_id, updated_at);
CREATE INDEX drafts_expiry ON drafts (expires_at);
CREATE INDEX drafts_case ON drafts (case_id);
