DROP TABLE outbox;
DROP TABLE agencies;
