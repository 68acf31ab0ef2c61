-- Emails per recipient. The dispatcher turns each `email` outbox row (an event for the
-- users of some roles at an agency) into one row here per recipient, in one
-- transaction, and sends each row as one message whose Message-ID is derived from the
-- row id: a retry after a crash sends the same message again, never a different one.
-- Rows of users who asked for a daily digest wait until the digest hour and are sent
-- together. The payload holds ids and codes only, never personal data.
CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    digest BOOLEAN NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX mail_queue_outbox_user ON mail_queue (outbox_id, user_id);
CREATE INDEX mail_queue_due ON mail_queue (state, available_at);
