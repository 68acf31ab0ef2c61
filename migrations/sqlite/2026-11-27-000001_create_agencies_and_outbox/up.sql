-- Agencies: the organisations on the platform. Codes are checked here as in domain.
CREATE TABLE agencies (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('police','royal_marechaussee','labour_inspectorate','prosecution','municipality','care_coordination','coordination_centre','shelter_categorical','shelter_other','youth_care','asylum_reception','guardianship','immigration','health_care','ngo','legal_aid','education','rapporteur','other')),
    region TEXT NOT NULL CHECK (region IN ('noord_nederland','oost_nederland','midden_nederland','noord_holland','amsterdam','den_haag','rotterdam','zeeland_west_brabant','oost_brabant','limburg','national')),
    contact_email TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX agencies_name_unique ON agencies (name);
CREATE INDEX agencies_kind_region ON agencies (kind, region) WHERE active;

-- The transactional outbox: every email and monitor event is written here in the same
-- transaction as the change that causes it, and delivered later by the dispatcher.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'monitor')),
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (state, available_at);
