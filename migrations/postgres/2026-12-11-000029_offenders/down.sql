DROP TABLE monitor_offender_victims;
DROP TABLE monitor_offender_facts;
DROP TABLE prosecution_steps;
DROP TABLE suspect_referrals;
DROP TABLE suspect_victims;
DROP TABLE suspects;
DROP TABLE investigations;
