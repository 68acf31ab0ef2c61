-- When an unanswered referral was reminded (at its deadline) and escalated (later), so
-- each happens once.
ALTER TABLE referrals ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE referrals ADD COLUMN escalated_at TIMESTAMP;
