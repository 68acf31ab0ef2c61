DROP INDEX monitor_facts_month;
DROP TABLE monitor_months;
