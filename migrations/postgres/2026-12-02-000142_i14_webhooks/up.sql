-- Webhook subscriptions of organizations and their deliveries (the outbox).
CREATE TABLE webhooks (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    -- Comma-delimited with a comma at each end (",position,consultation,"), so that
    -- the write path matches a type with one LIKE.
    types           TEXT NOT NULL,
    actions         TEXT NOT NULL,
    -- `whsec_` + base64 of the HMAC key. Kept as is: signing needs it. Shown once.
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    disabled_reason TEXT,
    failing_since   TIMESTAMP,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_organization_idx ON webhooks (organization_id, id);

-- One row per (subscription, change) written in the change's transaction, or per
-- ping; sent by the worker. `locked_until` is the claim of the instance sending it.
CREATE TABLE webhook_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    webhook_id       BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    change_id        BIGINT REFERENCES changes (id),
    event            TEXT NOT NULL,
    action           TEXT,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    locked_until     TIMESTAMP,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMP NOT NULL,
    last_attempt_at  TIMESTAMP,
    delivered_at     TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
