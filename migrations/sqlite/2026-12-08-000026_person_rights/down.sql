ALTER TABLE cases DROP COLUMN restriction_ground;
ALTER TABLE cases DROP COLUMN restricted_by;
ALTER TABLE cases DROP COLUMN restricted_at;
