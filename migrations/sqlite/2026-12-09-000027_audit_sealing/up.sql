-- SQLite keeps appending sealed entries: its single writer (BEGIN IMMEDIATE) already
-- orders audited transactions, so there is nothing to seal later and the table is
-- unchanged. (PostgreSQL's entries are inserted unsealed and sealed afterwards.)
SELECT 1;
