-- The read model: the public representation of a resource kept rendered, written in the
-- transaction of every change that alters it (src/read_model). A GET by id is one
-- primary-key lookup returning `doc`; a list page concatenates `item`s. Rows that are
-- not here (drafts, rows written before this table) are rendered per request;
-- `razem read-model rebuild` fills it for existing rows.
CREATE TABLE read_docs (
    kind TEXT NOT NULL,
    id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    doc TEXT NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
