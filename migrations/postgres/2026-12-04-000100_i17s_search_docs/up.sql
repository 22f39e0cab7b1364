-- The search index (src/search): one row per searchable resource, written in the
-- transaction of every change that alters it (read_model::flush runs search::index).
-- `title_words` / `body_words` are the folded words (domain::words); `terms` is their
-- tsvector ('simple': PostgreSQL ships no Polish stemmer; queries stem instead and
-- match stems as prefixes). `public` and `owner_id` let the search filter drafts in SQL.
-- Rows written before this migration are indexed by `razem rebuild-read-model`.
CREATE TABLE search_docs (
    doc_id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    resource_id BIGINT NOT NULL,
    owner_id BIGINT,
    public BOOLEAN NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_words TEXT NOT NULL,
    body_words TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    terms TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_words), 'A')
        || setweight(to_tsvector('simple', body_words), 'B')
    ) STORED,
    UNIQUE (kind, resource_id)
);
CREATE INDEX search_docs_terms_idx ON search_docs USING GIN (terms);
