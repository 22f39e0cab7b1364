-- Search latency (issue 17, db::search_docs).
--
-- The FTS5 index again, with prefix indexes: every query term of three characters or
-- more is matched as a prefix (domain::words), and without a prefix index FTS5 answers
-- a prefix by merging the doclists of every word that has it ("samorzad"* merges
-- samorzadu, samorzadow, samorzadowych …: 30-90 ms at 100 000 positions); with one, a
-- prefix of 3 to 10 characters is one doclist (1-5 ms). Shorter terms match whole
-- words; a longer term is shared by few words, so its merge is short. The triggers of
-- 2026-12-04-000100 keep writing the new table; 'rebuild' indexes the stored rows.
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_words, body_words,
    content = 'search_docs', content_rowid = 'doc_id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3 4 5 6 7 8 9 10'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
-- What a match's entry is and who may see it, by doc_id, without reading the entry's
-- row (which holds its title and body: a row lookup per match cost 5-10 times more).
CREATE INDEX search_docs_doc_idx
    ON search_docs (doc_id, kind, resource_id, public, owner_id, updated_at);
