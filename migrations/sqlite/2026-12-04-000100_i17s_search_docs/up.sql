-- The search index (src/search): one row per searchable resource, written in the
-- transaction of every change that alters it (read_model::flush runs search::index).
-- `title_words` / `body_words` are the folded words (domain::words); `search_fts` is an
-- FTS5 index over them (external content, kept by the triggers below); queries stem
-- and match stems as prefixes. `public` and `owner_id` let the search filter drafts in
-- SQL. Rows written before this migration are indexed by `razem rebuild-read-model`.
CREATE TABLE search_docs (
    doc_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    resource_id BIGINT NOT NULL,
    owner_id BIGINT,
    public BOOLEAN NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_words TEXT NOT NULL,
    body_words TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (kind, resource_id)
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_words, body_words,
    content = 'search_docs', content_rowid = 'doc_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_docs_fts_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title_words, body_words)
    VALUES (new.doc_id, new.title_words, new.body_words);
END;
CREATE TRIGGER search_docs_fts_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_words, body_words)
    VALUES ('delete', old.doc_id, old.title_words, old.body_words);
END;
CREATE TRIGGER search_docs_fts_update AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_words, body_words)
    VALUES ('delete', old.doc_id, old.title_words, old.body_words);
    INSERT INTO search_fts (rowid, title_words, body_words)
    VALUES (new.doc_id, new.title_words, new.body_words);
END;
