-- What an agency says of itself, kept by its own coordinators: the services it offers,
-- whom it takes (age bands, genders, nationality groups and forms of exploitation, each
-- a JSON list of codes, empty meaning everyone, with a note), the languages it speaks
-- (ISO 639 codes), the regions it serves besides its own, when and how professionals
-- reach it (public only when the agency says so), and its places: in total and free,
-- with when and by whom the figure was last reported. No personal data of clients.
CREATE TABLE agency_profiles (
    agency_id TEXT PRIMARY KEY NOT NULL REFERENCES agencies (id),
    services TEXT NOT NULL DEFAULT '[]',
    age_bands TEXT NOT NULL DEFAULT '[]',
    genders TEXT NOT NULL DEFAULT '[]',
    nationality_groups TEXT NOT NULL DEFAULT '[]',
    forms TEXT NOT NULL DEFAULT '[]',
    eligibility_note TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    regions TEXT NOT NULL DEFAULT '[]',
    hours TEXT,
    phone TEXT,
    contact_public BOOLEAN NOT NULL DEFAULT FALSE,
    places_total INTEGER CHECK (places_total IS NULL OR places_total >= 0),
    places_free INTEGER CHECK (places_free IS NULL OR (places_free >= 0 AND places_free <= places_total)),
    capacity_updated_at TIMESTAMP,
    capacity_updated_by TEXT REFERENCES users (id),
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id)
);
