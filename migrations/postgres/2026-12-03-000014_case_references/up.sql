-- Human-readable case references: `YYYY-NNNNNN`, the year the case was opened and its
-- number within the agency's cases of that year; unique per agency. Counted per agency
-- and year in `case_reference_counters` (a row lock while a case opens). Existing cases
-- are numbered in the order they were opened.
ALTER TABLE cases ADD COLUMN reference TEXT;
CREATE TABLE case_reference_counters (
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
UPDATE cases SET reference = numbered.reference
FROM (
    SELECT id,
        to_char(created_at, 'YYYY') || '-' || lpad(n::text, GREATEST(6, length(n::text)), '0')
            AS reference
    FROM (
        SELECT id, created_at,
            row_number() OVER (
                PARTITION BY agency_id, to_char(created_at, 'YYYY')
                ORDER BY created_at, id
            ) AS n
        FROM cases
    ) AS ranked
) AS numbered
WHERE cases.id = numbered.id;
INSERT INTO case_reference_counters (agency_id, year, last)
SELECT agency_id, CAST(to_char(created_at, 'YYYY') AS INTEGER), COUNT(*)
FROM cases
GROUP BY agency_id, to_char(created_at, 'YYYY');
CREATE UNIQUE INDEX cases_reference ON cases (agency_id, reference);
