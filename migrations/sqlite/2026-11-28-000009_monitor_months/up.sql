-- How many events the monitor has counted per month, kept by the monitor sink in the
-- transaction that writes the facts. The monitor's in-memory tables compare it with
-- what they hold and reload a month only when its count has changed.
CREATE TABLE monitor_months (
    month TEXT PRIMARY KEY NOT NULL,
    events BIGINT NOT NULL CHECK (events >= 0)
);
INSERT INTO monitor_months (month, events)
    SELECT month, COUNT(DISTINCT event_id) FROM monitor_facts GROUP BY month;
-- Loading one month's facts.
CREATE INDEX monitor_facts_month ON monitor_facts (month);
