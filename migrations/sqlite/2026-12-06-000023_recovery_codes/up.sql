-- One-time recovery codes of a second factor: a user who lost the authenticator signs
-- in with one of them instead of a code from the app. Each is stored only as the
-- SHA-256 of the code (80 random bits), used once, and all of a user's codes are
-- replaced when new ones are made.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);
