-- A stored rendering may be true only until an instant: a consultation's status moves
-- with the clock (announced -> open at opens_at -> closed at closes_at) without a write,
-- so its document carries the next such instant. A read at or after it renders fresh
-- (and stores the new rendering); NULL: true until the next write.
ALTER TABLE read_docs ADD COLUMN valid_until TIMESTAMP;
