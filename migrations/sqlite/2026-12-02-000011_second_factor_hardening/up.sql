-- Failed second-factor codes are counted apart from failed passwords: a correct
-- password must not clear them, or a stolen password would buy endless code guesses.
-- A code failure also names the pending session it was made in, so each session may
-- try only a few codes.
ALTER TABLE login_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'password'
    CHECK (kind IN ('password', 'code'));
ALTER TABLE login_failures ADD COLUMN session_id TEXT;
CREATE INDEX login_failures_user_kind_time ON login_failures (user_id, kind, occurred_at);

-- A new authenticator being enrolled while one is confirmed waits here until a code from
-- it is given; until then the confirmed one stays the second factor.
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
