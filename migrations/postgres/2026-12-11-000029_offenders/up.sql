-- The law-enforcement compartment: investigations, their suspects, the links from a
-- suspect to victims' cases and signals, suspects handed to the prosecution (the
-- referral state machine), the prosecution's decisions and the courts' judgments. The
-- investigation's reference and every suspect's identity are encrypted under the
-- compartment's own keys; `suspect_key` is the suspect's pseudonym under the
-- compartment's own linkage key (or `u:` and the digest of an unlinkable record).
CREATE TABLE investigations (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    reference TEXT NOT NULL,
    region TEXT NOT NULL,
    exploitation_forms TEXT NOT NULL,
    started_on DATE NOT NULL,
    opened_by TEXT NOT NULL REFERENCES users (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX investigations_by_agency ON investigations (agency_id, created_at);

CREATE TABLE suspects (
    id TEXT PRIMARY KEY NOT NULL,
    investigation_id TEXT NOT NULL REFERENCES investigations (id),
    identity TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_country_group TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('organiser', 'recruiter', 'exploiter', 'facilitator', 'other')),
    suspect_key TEXT NOT NULL,
    registered_on DATE NOT NULL,
    registered_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX suspects_by_investigation ON suspects (investigation_id, created_at);

CREATE TABLE suspect_victims (
    id TEXT PRIMARY KEY NOT NULL,
    suspect_id TEXT NOT NULL REFERENCES suspects (id),
    case_id TEXT REFERENCES cases (id),
    signal_id TEXT REFERENCES signals (id),
    linked_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((case_id IS NULL) <> (signal_id IS NULL))
);
CREATE UNIQUE INDEX suspect_victims_case ON suspect_victims (suspect_id, case_id) WHERE case_id IS NOT NULL;
CREATE UNIQUE INDEX suspect_victims_signal ON suspect_victims (suspect_id, signal_id) WHERE signal_id IS NOT NULL;

CREATE TABLE suspect_referrals (
    id TEXT PRIMARY KEY NOT NULL,
    suspect_id TEXT NOT NULL REFERENCES suspects (id),
    from_agency_id TEXT NOT NULL REFERENCES agencies (id),
    to_agency_id TEXT NOT NULL REFERENCES agencies (id),
    sent_by TEXT NOT NULL REFERENCES users (id),
    message TEXT,
    state TEXT NOT NULL CHECK (state IN ('sent', 'accepted', 'in_progress', 'completed', 'declined', 'withdrawn', 'redirected', 'expired')),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decline_reason TEXT,
    ended_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX suspect_referrals_by_receiver ON suspect_referrals (to_agency_id, state, created_at);
CREATE INDEX suspect_referrals_by_sender ON suspect_referrals (from_agency_id, created_at);
CREATE INDEX suspect_referrals_by_suspect ON suspect_referrals (suspect_id);

-- One row per step: a decision (`decision` set) or a judgment (`outcome` and
-- `instance` set, `sentence` a JSON array of bands). Appeals are later rows.
CREATE TABLE prosecution_steps (
    id TEXT PRIMARY KEY NOT NULL,
    suspect_id TEXT NOT NULL REFERENCES suspects (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    decision TEXT CHECK (decision IN ('summons', 'dismissal_evidence', 'dismissal_policy', 'out_of_court', 'joined')),
    outcome TEXT CHECK (outcome IN ('convicted_trafficking', 'convicted_other', 'acquitted', 'other')),
    instance TEXT CHECK (instance IN ('first_instance', 'appeal', 'cassation')),
    sentence TEXT NOT NULL DEFAULT '[]',
    dated_on DATE NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((decision IS NULL) <> (outcome IS NULL)),
    CHECK ((outcome IS NULL) = (instance IS NULL))
);
CREATE INDEX prosecution_steps_by_suspect ON prosecution_steps (suspect_id, dated_on);

-- The monitor's offender side: one row per offender event (coarse codes, the quarter,
-- the suspect's key), counted once per outbox message; and per suspect and victim the
-- number of links between them made and not taken away (victims' keys, moved with a
-- relink).
CREATE TABLE monitor_offender_facts (
    event_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    quarter TEXT NOT NULL,
    year TEXT NOT NULL,
    agency_kind TEXT NOT NULL,
    region TEXT NOT NULL,
    exploitation_forms TEXT NOT NULL,
    age_band TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_country_group TEXT NOT NULL,
    role TEXT NOT NULL,
    decision TEXT,
    judgment TEXT,
    instance TEXT,
    sentence TEXT NOT NULL,
    days_since_registration BIGINT,
    suspect_key TEXT NOT NULL
);
CREATE INDEX monitor_offender_facts_by_suspect ON monitor_offender_facts (suspect_key);

CREATE TABLE monitor_offender_victims (
    suspect_key TEXT NOT NULL,
    victim_key TEXT NOT NULL,
    links BIGINT NOT NULL CHECK (links <> 0),
    PRIMARY KEY (suspect_key, victim_key)
);
CREATE INDEX monitor_offender_victims_by_victim ON monitor_offender_victims (victim_key);
