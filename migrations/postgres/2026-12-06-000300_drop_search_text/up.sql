-- The folded `search_text` columns were the lists' old `LIKE '%…%'` filter. Every `q`
-- and `/search` now reads the search index (search_docs, issue 17), so the columns
-- were written on every change and never read: they go.
ALTER TABLE organizations DROP COLUMN search_text;
ALTER TABLE positions DROP COLUMN search_text;
ALTER TABLE consultations DROP COLUMN search_text;
ALTER TABLE projects DROP COLUMN search_text;
ALTER TABLE practices DROP COLUMN search_text;
