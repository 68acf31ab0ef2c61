-- Where a session was started from, so its user can tell their sessions apart on the
-- account page and end one they do not recognise: the client address and the browser's
-- User-Agent (cut to 300 characters) at sign-in. Kept with the session row, which the
-- account page shows only to its own user.
ALTER TABLE sessions ADD COLUMN source_ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
