DROP INDEX search_docs_doc_idx;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_words, body_words,
    content = 'search_docs', content_rowid = 'doc_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
