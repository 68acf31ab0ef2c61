-- Documents on a case (a scan of a paper, an intake form, a report): PDF, JPEG or PNG,
-- the kind read from the content. Title and content are encrypted by the application
-- (bound to the document's id); the content is served only once the malware scanner
-- found it clean. Who reads a document: the uploader's agency, and, when the uploader
-- shared it, every agency that sees the case's identity. Erased with the case's
-- identity (title and content set to NULL, erased_at set).
CREATE TABLE case_documents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf','image/jpeg','image/png')),
    size_bytes BIGINT NOT NULL,
    title TEXT,
    content BYTEA,
    shared BOOLEAN NOT NULL DEFAULT FALSE,
    scan_state TEXT NOT NULL CHECK (scan_state IN ('pending','clean','quarantined')),
    scan_finding TEXT,
    scan_attempts INTEGER NOT NULL DEFAULT 0,
    scanned_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    erased_at TIMESTAMP
);
CREATE INDEX case_documents_case ON case_documents (case_id, created_at);
CREATE INDEX case_documents_pending ON case_documents (scan_state, created_at);
