-- A keyed MAC per audit entry: HMAC-SHA256, with a key kept outside the database, over
-- the entry's hash. Entries written before the key was set have none (NULL); once an
-- entry carries one, every later entry must. The hash chain itself is unchanged.
ALTER TABLE audit_entries ADD COLUMN mac TEXT;
