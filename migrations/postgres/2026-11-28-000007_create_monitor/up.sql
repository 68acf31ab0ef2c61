-- The monitor's facts, written only by the monitor sink of the dispatcher from monitor
-- events in the outbox, and read only by the monitor. One row per event and
-- exploitation form ('unknown' when the event names none): grouping by form counts
-- an event under each of its forms; elsewhere only the row with weight 1 counts it.
-- No id of a case, person, user or referral, no free text, no date finer than a month:
-- event_id is the id of the outbox message that carried the event (so a message
-- delivered twice is counted once), and the pseudonym is the keyed hash of the
-- person's canonical identifiers (none for anonymous signals).
CREATE TABLE monitor_facts (
    event_id TEXT NOT NULL,
    form TEXT NOT NULL,
    weight SMALLINT NOT NULL CHECK (weight IN (0, 1)),
    kind TEXT NOT NULL,
    month TEXT NOT NULL,
    quarter TEXT NOT NULL,
    year TEXT NOT NULL,
    sender_kind TEXT NOT NULL,
    sender_region TEXT NOT NULL,
    receiver_kind TEXT,
    receiver_region TEXT,
    age_band TEXT NOT NULL,
    gender TEXT NOT NULL,
    nationality_group TEXT NOT NULL,
    reporting_basis TEXT,
    hours_to_answer BIGINT,
    pseudonym TEXT,
    PRIMARY KEY (event_id, form)
);
CREATE INDEX monitor_facts_kind_month ON monitor_facts (kind, month);
CREATE INDEX monitor_facts_year_pseudonym ON monitor_facts (year, pseudonym);
