-- A receiving agency's own case opened from a referral it accepted: the referral it
-- came from (one case per referral), so the chain of cases and referrals can be shown.
ALTER TABLE cases ADD COLUMN origin_referral_id TEXT REFERENCES referrals (id);
CREATE UNIQUE INDEX cases_origin ON cases (origin_referral_id);

-- The monitor's relinks: a key a corrected person was counted under, and the key they
-- are counted under now; an event that still arrives under the earlier key (from an
-- agency that copied the earlier identity) is counted under the new one.
CREATE TABLE monitor_relinks (
    from_key TEXT PRIMARY KEY NOT NULL,
    to_key TEXT NOT NULL
);
