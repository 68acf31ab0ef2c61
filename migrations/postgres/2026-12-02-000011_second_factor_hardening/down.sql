ALTER TABLE users DROP COLUMN totp_pending_secret;
DROP INDEX login_failures_user_kind_time;
ALTER TABLE login_failures DROP COLUMN session_id;
ALTER TABLE login_failures DROP COLUMN kind;
