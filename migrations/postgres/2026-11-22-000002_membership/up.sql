-- Dated membership of an organization in an association or alliance.
-- `left_on` is the last day of membership (inclusive); NULL while it lasts.
CREATE TABLE memberships (
    id             BIGSERIAL PRIMARY KEY,
    association_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id      BIGINT NOT NULL REFERENCES organizations (id),
    joined_on      DATE NOT NULL,
    left_on        DATE,
    basis          TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (left_on IS NULL OR left_on >= joined_on),
    CHECK (member_id <> association_id)
);
CREATE INDEX memberships_association_idx ON memberships (association_id, joined_on, id);
CREATE INDEX memberships_member_idx ON memberships (member_id, association_id, joined_on);
CREATE INDEX memberships_updated_idx ON memberships (association_id, updated_at, id);

-- The rotating presidency of an alliance; both ends inclusive.
CREATE TABLE presidencies (
    id          BIGSERIAL PRIMARY KEY,
    alliance_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    holder_id   BIGINT NOT NULL REFERENCES organizations (id),
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX presidencies_alliance_idx ON presidencies (alliance_id, starts_on, id);
CREATE INDEX presidencies_holder_idx ON presidencies (holder_id, alliance_id);

-- The timeline of an association: dated events, optionally spanning several days.
CREATE TABLE milestones (
    id             BIGSERIAL PRIMARY KEY,
    association_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    starts_on      DATE NOT NULL,
    ends_on        DATE,
    title          TEXT NOT NULL,
    place          TEXT,
    description    TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX milestones_association_idx ON milestones (association_id, starts_on, id);
