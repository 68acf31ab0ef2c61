-- The lists of referrals are read in deadline order (the inbox and the outgoing list,
-- a page at a time), and every referral shown asks whether it was redirected: indexes
-- for exactly those reads, so that a page costs the same with ten or a million rows.
CREATE INDEX referrals_redirected_from ON referrals (redirected_from);
CREATE INDEX referrals_inbox_by_deadline ON referrals (to_agency_id, deadline_at, id);
CREATE INDEX referrals_outgoing_by_deadline ON referrals (from_agency_id, deadline_at, id);
