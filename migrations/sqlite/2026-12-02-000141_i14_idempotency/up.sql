-- Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header) on POST: one row
-- per caller and key, the response kept for replays. `status` is NULL while the
-- first request runs; the unique key makes concurrent duplicates collide here, on
-- every instance.
CREATE TABLE idempotency_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    caller      TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER,
    headers     TEXT,
    body        TEXT,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    UNIQUE (caller, idem_key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
