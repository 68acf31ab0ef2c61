DROP TABLE agency_profiles;
