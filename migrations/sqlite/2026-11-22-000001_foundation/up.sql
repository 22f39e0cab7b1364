-- Organizations of every kind: alliances, associations, local governments, ministries ...
CREATE TABLE organizations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    short_name   TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('alliance', 'association', 'national_association', 'jst', 'ngo',
                                               'government_body', 'foreign_partner', 'company', 'other')),
    legal_form   TEXT,
    description  TEXT,
    founded_on   DATE,
    street       TEXT,
    postal_code  TEXT,
    city         TEXT,
    voivodeship  TEXT,
    website      TEXT,
    email        TEXT,
    phone        TEXT,
    krs          TEXT,
    nip          TEXT,
    regon        TEXT,
    teryt        TEXT UNIQUE,
    jst_kind     TEXT,
    population   BIGINT,
    -- lower-cased, diacritics-folded name and short name: the same search on both backends
    search_text  TEXT NOT NULL,
    -- folded name for ordering; byte order so both backends sort alike
    sort_name    TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX organizations_sort_idx ON organizations (sort_name, id);
CREATE INDEX organizations_kind_sort_idx ON organizations (kind, sort_name, id);
CREATE INDEX organizations_updated_idx ON organizations (updated_at, id);
CREATE INDEX organizations_voivodeship_idx ON organizations (voivodeship);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT 1,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- The associations an editor may write for.
CREATE TABLE user_associations (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX user_associations_org_idx ON user_associations (organization_id);

-- Append-only record of every write, written in the write's own transaction.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at   TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_token_id BIGINT,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    request_id    TEXT,
    changes       TEXT
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id);
