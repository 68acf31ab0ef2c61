DROP TABLE monitor_facts;
