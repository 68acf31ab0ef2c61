-- Case work: persons, signals, cases, consents, referrals, the case timeline and
-- idempotency keys.
--
-- Columns holding identity or free text contain only ciphertexts made by the
-- application (`v1.<key id>.<nonce>.<ciphertext>`); the database alone reveals no name.
-- Coarse attributes (gender, nationality group, age band, region, exploitation forms)
-- are stored in the clear: they are what the receiving agency sees before accepting and
-- what the monitor counts. Code lists are JSON arrays of codes as text.

-- A person as one agency knows them. `identity` is one encrypted JSON document (names,
-- date of birth or stated age, nationalities, languages, contact details); NULL once
-- retention erased it. The blind indexes let the agency find the person by exact family
-- name or date of birth; the pseudonym links the person across agencies in the monitor.
CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    identity TEXT,
    gender TEXT NOT NULL CHECK (gender IN ('female','male','non_binary_or_other','unknown')),
    nationality_group TEXT NOT NULL
        CHECK (nationality_group IN ('dutch','eu_eea_ch','non_eu','stateless','unknown')),
    family_name_index TEXT,
    birth_date_index TEXT,
    pseudonym TEXT,
    erased_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX persons_agency_family_name ON persons (agency_id, family_name_index);
CREATE INDEX persons_agency_birth_date ON persons (agency_id, birth_date_index);

-- A signal: an observation that someone may be a victim, with or without a person.
CREATE TABLE signals (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    person_id TEXT REFERENCES persons (id),
    observed_on DATE NOT NULL,
    region TEXT NOT NULL,
    exploitation_forms TEXT NOT NULL,
    indicators TEXT NOT NULL,
    indicator_list_version TEXT NOT NULL,
    palermo_act BOOLEAN NOT NULL,
    palermo_means BOOLEAN NOT NULL,
    palermo_purpose BOOLEAN NOT NULL,
    palermo_elements_met BOOLEAN NOT NULL,
    reporting_basis TEXT NOT NULL
        CHECK (reporting_basis IN ('legal_duty','consent','public_task','legitimate_interest','anonymous')),
    summary TEXT,
    age_band TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP,
    CHECK ((reporting_basis = 'anonymous') = (person_id IS NULL))
);
CREATE INDEX signals_agency_created ON signals (agency_id, created_at);

-- A case: the file one agency keeps on one person.
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    signal_id TEXT REFERENCES signals (id),
    opened_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open','closed')),
    region TEXT NOT NULL,
    exploitation_forms TEXT NOT NULL,
    notes TEXT,
    close_reason TEXT CHECK (close_reason IN ('support_completed','referred_on',
        'person_unreachable','no_indication','person_declined','duplicate','other')),
    close_note TEXT,
    closed_at TIMESTAMP,
    legal_basis_used BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX cases_signal_unique ON cases (signal_id);
CREATE INDEX cases_agency_status ON cases (agency_id, status, updated_at);
CREATE INDEX cases_closed_at ON cases (status, closed_at);

-- Consent (by the person or a parent or guardian) or a legal basis with a written
-- reason, scoped to recipient kinds and purposes.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('consent','legal_basis')),
    recipient_kinds TEXT NOT NULL,
    purposes TEXT NOT NULL,
    given_by TEXT CHECK (given_by IN ('person','parent_or_guardian')),
    legal_basis TEXT CHECK (legal_basis IN ('statutory_duty','child_protection','vital_interest')),
    reason TEXT,
    given_on DATE NOT NULL,
    expires_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT REFERENCES users (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'consent' AND given_by IS NOT NULL AND legal_basis IS NULL)
        OR (kind = 'legal_basis' AND legal_basis IS NOT NULL AND given_by IS NULL))
);
CREATE INDEX consents_case ON consents (case_id);

-- A referral of a case to another agency's inbox. The summary attributes are fixed
-- when it is sent: they are all the receiver sees before accepting.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    from_agency_id TEXT NOT NULL REFERENCES agencies (id),
    to_agency_id TEXT NOT NULL REFERENCES agencies (id),
    sent_by TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('shelter','care_coordination','law_enforcement',
        'residence_procedure','legal_aid','health_care','youth_protection','registration','other')),
    urgency TEXT NOT NULL CHECK (urgency IN ('urgent','normal')),
    message TEXT,
    state TEXT NOT NULL CHECK (state IN ('sent','accepted','in_progress','completed',
        'declined','withdrawn','redirected','expired')),
    deadline_at TIMESTAMP NOT NULL,
    exploitation_forms TEXT NOT NULL,
    age_band TEXT NOT NULL,
    gender TEXT NOT NULL,
    nationality_group TEXT NOT NULL,
    region TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decline_reason TEXT CHECK (decline_reason IN ('no_capacity','not_eligible','wrong_region',
        'person_unreachable','other')),
    note TEXT,
    outcome TEXT CHECK (outcome IN ('support_provided','person_declined','contact_lost',
        'transferred_on','other')),
    redirected_from TEXT REFERENCES referrals (id),
    ended_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (from_agency_id <> to_agency_id)
);
CREATE INDEX referrals_inbox ON referrals (to_agency_id, state, deadline_at);
CREATE INDEX referrals_outbox ON referrals (from_agency_id, created_at);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_due ON referrals (state, deadline_at);

-- The timeline of a case: what happened, when, by which agency. No personal data.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    occurred_at TIMESTAMP NOT NULL,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    user_id TEXT REFERENCES users (id),
    referral_id TEXT REFERENCES referrals (id),
    details TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, occurred_at, ordinal);

-- Idempotency keys of creating requests, per user: the first response (encrypted, as
-- it may hold identity) is replayed for the same key and body.
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
