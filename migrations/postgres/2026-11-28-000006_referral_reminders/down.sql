ALTER TABLE referrals DROP COLUMN escalated_at;
ALTER TABLE referrals DROP COLUMN reminded_at;
