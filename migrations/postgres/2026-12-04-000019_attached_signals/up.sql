-- A signal logged about a person the agency already knows, attached to that person's
-- case instead of creating a new person: the signal keeps the case's person, and the
-- case lists it on its timeline. Signals that opened a case are found through
-- `cases.signal_id` as before.
ALTER TABLE signals ADD COLUMN case_id TEXT REFERENCES cases (id);
CREATE INDEX signals_case ON signals (case_id);
-- The weaker "similar" match of a person being entered: a keyed hash of the sound of
-- the family name with the year of birth (never the name in clear). Filled for persons
-- stored before this migration by the application when it starts.
ALTER TABLE persons ADD COLUMN similar_index TEXT;
CREATE INDEX persons_similar ON persons (agency_id, similar_index);
