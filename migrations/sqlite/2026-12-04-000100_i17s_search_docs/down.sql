DROP TRIGGER search_docs_fts_update;
DROP TRIGGER search_docs_fts_delete;
DROP TRIGGER search_docs_fts_insert;
DROP TABLE search_fts;
DROP TABLE search_docs;
