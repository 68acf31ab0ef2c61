-- The monitor's persons by number, and packed snapshots of its months.
--
-- Every pseudonym (or unlinkable record's key) the monitor has counted gets a number
-- once, shared by every instance, so an instance's in-memory copy holds a 32-bit number
-- per event instead of a map from pseudonyms to numbers of its own.
CREATE TABLE monitor_persons (
    number INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    unlinkable BOOLEAN NOT NULL
);
-- Numbered in the order of each person's first month, as the sink numbers them when
-- they first arrive: the copy keeps events ordered by person, and its counting pass is
-- faster when persons of the same period lie near each other.
INSERT INTO monitor_persons (key, unlinkable)
    SELECT pseudonym, pseudonym LIKE 'u:%' FROM monitor_facts
    WHERE pseudonym IS NOT NULL GROUP BY pseudonym ORDER BY MIN(month), pseudonym;

-- A month's events as the in-memory copy holds them (16 bytes each, format 1), with
-- the month's count and revision when it was packed. A copy that finds a snapshot
-- whose count and revision equal the month's in monitor_months loads it instead of
-- the month's facts; any other snapshot is ignored and written anew.
CREATE TABLE monitor_snapshots (
    month TEXT PRIMARY KEY NOT NULL,
    events BIGINT NOT NULL CHECK (events >= 0),
    revision BIGINT NOT NULL,
    format INTEGER NOT NULL,
    packed BYTEA NOT NULL
);
