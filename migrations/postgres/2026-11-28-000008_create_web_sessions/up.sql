-- The browser's handle on a session: the SHA-256 hash of the cookie's random token
-- (never the token), the session it belongs to, and the session's CSRF token, which
-- every form must carry back. Ending the session (logout, deactivation, a password
-- change elsewhere, expiry) ends the browser's access with it.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_session ON web_sessions (session_id);
