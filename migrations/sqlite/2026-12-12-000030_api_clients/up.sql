-- Accounts of external systems (an agency's own case system, its hospital record): a
-- user row of kind `client`, with the agency and role it acts as, that never signs in
-- with a password or a second factor but exchanges its client secret for an access
-- token (OAuth 2.0 client credentials). Only a digest of the secret is kept.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'client'));

CREATE TABLE client_secrets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    secret_hash TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX client_secrets_by_hash ON client_secrets (secret_hash);
