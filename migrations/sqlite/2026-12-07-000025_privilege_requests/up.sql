-- Four eyes on privilege: a change of who may do what (a role, a reactivation, a reset
-- second factor, an invitation to case work) asked for by one admin waits here until a
-- second admin approves it (and it is carried out) or an admin rejects it; a pending
-- request past `expires_at` has expired. An invitation's account does not exist yet: its
-- agency, address, name, language and role wait in the request.
CREATE TABLE privilege_requests (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('role_change', 'reactivation', 'second_factor_reset', 'case_work_invitation')),
    target_user_id TEXT REFERENCES users (id),
    agency_id TEXT REFERENCES agencies (id),
    email TEXT,
    display_name TEXT,
    locale TEXT,
    role TEXT,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP
);
CREATE INDEX privilege_requests_by_state ON privilege_requests (state, requested_at);
CREATE INDEX privilege_requests_by_target ON privilege_requests (target_user_id, kind, state);
