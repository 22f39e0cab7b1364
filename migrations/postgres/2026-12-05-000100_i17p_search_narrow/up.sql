-- Search latency (issue 17, db::search_docs): the entries' long values (title, body,
-- their words, the tsvector) are kept out of the row (TOAST) down to 128 bytes instead
-- of 2 kB, so a row is its short columns and 5 rows a page become 50: the GIN bitmap of
-- a word with thousands of matches then reads a tenth of the pages, and the primary
-- key walked backwards (the candidates of a common word) reads few. CLUSTER rewrites
-- the stored rows so (in doc_id order, the order the candidates are read in).
ALTER TABLE search_docs SET (toast_tuple_target = 128);
CLUSTER search_docs USING search_docs_pkey;
