ALTER TABLE monitor_months DROP COLUMN revision;
DROP TABLE case_corrections;
