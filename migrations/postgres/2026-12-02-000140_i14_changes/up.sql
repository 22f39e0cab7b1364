-- The change feed (GET /changes): one row per committed create, update or delete,
-- written by the write path in the write's own transaction.
--
-- `seq` is the feed position. It is NOT taken at insert: on PostgreSQL transactions
-- commit in another order than they insert, so a reader of `seq > cursor` would skip
-- a row that took a lower number and committed later. A row is written with the id
-- of its transaction (`txid`) and no `seq`; the sequencer (changes::repo::sequence)
-- numbers, under one advisory lock, only the rows whose transaction ended before the
-- oldest transaction still running (`txid < pg_snapshot_xmin(pg_current_snapshot())`).
-- No transaction can add a row below that horizon any more, so numbers are handed out
-- in commit order of what is final, and a committed `seq` is never followed by a
-- lower one.
CREATE TABLE changes (
    id            BIGSERIAL PRIMARY KEY,
    seq           BIGINT UNIQUE,
    txid          BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    object_type   TEXT NOT NULL,
    object_id     BIGINT NOT NULL,
    -- The object's parent (association, project, consultation) for its URL.
    parent_id     BIGINT,
    -- What those who may see the object unpublished see: created, updated, deleted.
    action        TEXT NOT NULL,
    -- What everyone else sees (NULL: nothing, e.g. a change of a draft).
    public_action TEXT,
    -- The organization whose editors and tokens see `action`.
    owner_id      BIGINT,
    version       BIGINT NOT NULL,
    occurred_at   TIMESTAMP NOT NULL
);
CREATE INDEX changes_unsequenced_idx ON changes (id) WHERE seq IS NULL;
CREATE INDEX changes_type_seq_idx ON changes (object_type, seq);
