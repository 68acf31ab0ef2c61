DROP TABLE client_secrets;
ALTER TABLE users DROP COLUMN kind;
