DROP TABLE monitor_relinks;
DROP INDEX cases_origin;
ALTER TABLE cases DROP COLUMN origin_referral_id;
