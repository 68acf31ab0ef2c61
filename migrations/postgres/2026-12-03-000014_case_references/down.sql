DROP INDEX cases_reference;
DROP TABLE case_reference_counters;
ALTER TABLE cases DROP COLUMN reference;
