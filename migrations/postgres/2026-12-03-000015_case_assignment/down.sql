DROP INDEX cases_assigned;
ALTER TABLE cases DROP COLUMN assigned_to;
