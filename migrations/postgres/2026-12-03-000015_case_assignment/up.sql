-- The worker of the owning agency responsible for a case: emails about the case go to
-- them, and to the agency's coordinators while nobody is.
ALTER TABLE cases ADD COLUMN assigned_to TEXT REFERENCES users (id);
CREATE INDEX cases_assigned ON cases (agency_id, assigned_to, status);
