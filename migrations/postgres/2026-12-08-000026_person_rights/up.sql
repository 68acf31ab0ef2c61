-- The restriction of a person's record on their request (GDPR article 18): while
-- `restricted_at` is set the case is frozen (nothing is added or changed but the
-- ending of its referrals) and hidden from the receiving agencies; the ground is a code,
-- never free text.
ALTER TABLE cases ADD COLUMN restricted_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN restricted_by TEXT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN restriction_ground TEXT CHECK (restriction_ground IN (
    'accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending'));
