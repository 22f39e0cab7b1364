-- One counter per read-model kind, raised by every transaction that changes that kind's
-- stored documents (`read_model::flush`, in the write's own transaction). A cached list
-- page remembers the counter it was built at and is served only while the database
-- still holds that value: the row is updated under its lock, so the counter's order is
-- the writes' commit order, which a max(updated_at) or max(sequence) is not.
CREATE TABLE read_generations (
    kind TEXT PRIMARY KEY,
    generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO read_generations (kind) VALUES ('position'), ('project'), ('practice'), ('consultation');
