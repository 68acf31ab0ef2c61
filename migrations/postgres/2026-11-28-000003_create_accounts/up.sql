-- Accounts: one agency and one role per user. A user without a password hash has been
-- invited and has not yet chosen one.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('caseworker','coordinator','analyst','auditor','admin')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    locale TEXT NOT NULL DEFAULT 'nl' CHECK (locale IN ('en', 'nl')),
    notify TEXT NOT NULL DEFAULT 'immediate' CHECK (notify IN ('immediate', 'digest')),
    password_hash TEXT,
    password_changed_at TIMESTAMP,
    totp_secret TEXT,
    totp_confirmed_at TIMESTAMP,
    totp_last_step BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_unique ON users (email);
CREATE INDEX users_agency_role ON users (agency_id, role);

-- Sessions: checked on every request, so logout, deactivation and role changes take
-- effect at once. A session is usable only once its second factor is verified.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    mfa_verified BOOLEAN NOT NULL DEFAULT FALSE,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens, stored as hashes; rotated on every use. A spent token presented
-- again revokes its whole session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    issued_at TIMESTAMP NOT NULL,
    spent_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Failed logins per account, for the growing delay and the hourly cap.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_user_time ON login_failures (user_id, occurred_at);

-- Single-use links (invitation, password reset), stored as hashes.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id);
