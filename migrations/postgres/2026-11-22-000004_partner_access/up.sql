-- Partner API tokens: the secret is shown once and stored only as its SHA-256.
CREATE TABLE api_tokens (
    id                 BIGSERIAL PRIMARY KEY,
    name               TEXT NOT NULL,
    organization_id    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- the first characters of the secret, so people can tell their tokens apart
    token_prefix       TEXT NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    -- space-separated scopes
    scopes             TEXT NOT NULL,
    expires_at         TIMESTAMP,
    last_used_at       TIMESTAMP,
    revoked_at         TIMESTAMP,
    created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_organization_idx ON api_tokens (organization_id, id);

-- Rotating refresh tokens; a family is one sign-in and everything refreshed from it.
CREATE TABLE refresh_tokens (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family      TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
