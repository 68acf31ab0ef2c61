DROP TABLE monitor_snapshots;
DROP TABLE monitor_persons;
