ALTER TABLE read_docs DROP COLUMN valid_until;
