DROP INDEX referrals_assigned;
ALTER TABLE referrals DROP COLUMN assigned_to;
