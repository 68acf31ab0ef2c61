DROP TABLE idempotency_keys;
DROP TABLE case_events;
DROP TABLE referrals;
DROP TABLE consents;
DROP TABLE cases;
DROP TABLE signals;
DROP TABLE persons;
