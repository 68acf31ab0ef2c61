-- Human-readable case references: `YYYY-NNNNNN`, the year the case was opened and its
-- number within the agency's cases of that year; unique per agency. Counted per agency
-- and year in `case_reference_counters`. Existing cases are numbered in the order they
-- were opened.
ALTER TABLE cases ADD COLUMN reference TEXT;
CREATE TABLE case_reference_counters (
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
UPDATE cases SET reference = numbered.reference
FROM (
    SELECT id, strftime('%Y', created_at) || '-' || printf('%06d', n) AS reference
    FROM (
        SELECT id, created_at,
            row_number() OVER (
                PARTITION BY agency_id, strftime('%Y', created_at)
                ORDER BY created_at, id
            ) AS n
        FROM cases
    )
) AS numbered
WHERE cases.id = numbered.id;
INSERT INTO case_reference_counters (agency_id, year, last)
SELECT agency_id, CAST(strftime('%Y', created_at) AS INTEGER), COUNT(*)
FROM cases
GROUP BY agency_id, strftime('%Y', created_at);
CREATE UNIQUE INDEX cases_reference ON cases (agency_id, reference);
