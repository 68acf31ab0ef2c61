-- The worker of the receiving agency responsible for a referral it accepted: emails to
-- the receiving agency about the referral go to them, and to its coordinators while
-- nobody is. "My referrals" lists a worker's own.
ALTER TABLE referrals ADD COLUMN assigned_to TEXT REFERENCES users (id);
CREATE INDEX referrals_assigned ON referrals (to_agency_id, assigned_to, state);
