-- The change feed (GET /changes); see the PostgreSQL migration. SQLite has one
-- writer at a time, so insert order is commit order and the row id is the feed
-- position: the trigger copies it into `seq` in the writing transaction.
CREATE TABLE changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    seq           BIGINT UNIQUE,
    txid          BIGINT NOT NULL DEFAULT 0,
    object_type   TEXT NOT NULL,
    object_id     BIGINT NOT NULL,
    parent_id     BIGINT,
    action        TEXT NOT NULL,
    public_action TEXT,
    owner_id      BIGINT,
    version       BIGINT NOT NULL,
    occurred_at   TIMESTAMP NOT NULL
);
CREATE INDEX changes_type_seq_idx ON changes (object_type, seq);
CREATE TRIGGER changes_seq AFTER INSERT ON changes
BEGIN
    UPDATE changes SET seq = NEW.id WHERE id = NEW.id;
END;
