DROP INDEX persons_similar;
ALTER TABLE persons DROP COLUMN similar_index;
DROP INDEX signals_case;
ALTER TABLE signals DROP COLUMN case_id;
