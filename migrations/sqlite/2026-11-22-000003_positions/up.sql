-- Positions (stanowiska): what an association or alliance adopts and sends to government.
CREATE TABLE positions (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the adopting body; a position keeps its association (no cascade)
    association_id              BIGINT NOT NULL REFERENCES organizations (id),
    -- 'N/YYYY', with its parts for the per-association, per-year uniqueness
    number                      TEXT,
    number_year                 INTEGER,
    number_seq                  INTEGER,
    kind                        TEXT NOT NULL CHECK (kind IN ('position', 'appeal', 'intervention', 'opinion', 'resolution')),
    title                       TEXT,
    summary                     TEXT,
    -- Markdown
    body                        TEXT,
    status                      TEXT NOT NULL CHECK (status IN ('draft', 'adopted', 'sent', 'answered', 'closed', 'withdrawn')),
    adopted_on                  DATE,
    -- adopted_on, or 9999-12-31 while there is none: the non-null sort key of the
    -- adoption-date sorts (drafts first in -adopted_on, last in adopted_on)
    adopted_sort                DATE NOT NULL,
    sent_on                     DATE,
    legislation_register_number TEXT,
    legislation_title           TEXT,
    legislation_url             TEXT,
    -- the consultation the position answers; no foreign key until consultations exist
    consultation_id             BIGINT,
    -- false while a draft; true from adoption on (a draft withdrawn before adoption stays private)
    published                   BOOLEAN NOT NULL DEFAULT 0,
    -- lower-cased, diacritics-folded title, summary, number and legislation: the same search on both backends
    search_text                 TEXT NOT NULL,
    version                     BIGINT NOT NULL DEFAULT 1,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    CHECK ((number IS NULL) = (number_year IS NULL) AND (number IS NULL) = (number_seq IS NULL))
);
CREATE UNIQUE INDEX positions_number_idx ON positions (association_id, number_year, number_seq);
-- one index per list order and its common narrowings: every page is a keyset index scan
CREATE INDEX positions_adopted_idx ON positions (adopted_sort, id);
CREATE INDEX positions_association_adopted_idx ON positions (association_id, adopted_sort, id);
CREATE INDEX positions_status_adopted_idx ON positions (status, adopted_sort, id);
CREATE INDEX positions_kind_adopted_idx ON positions (kind, adopted_sort, id);
CREATE INDEX positions_updated_idx ON positions (updated_at, id);
CREATE INDEX positions_register_number_idx ON positions (legislation_register_number);
CREATE INDEX positions_consultation_idx ON positions (consultation_id);

CREATE TABLE position_topics (
    position_id BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    topic       TEXT NOT NULL,
    PRIMARY KEY (position_id, topic)
);
CREATE INDEX position_topics_topic_idx ON position_topics (topic, position_id);

CREATE TABLE position_addressees (
    position_id     BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (position_id, organization_id)
);
CREATE INDEX position_addressees_org_idx ON position_addressees (organization_id, position_id);

CREATE TABLE position_co_signers (
    position_id     BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    signed_on       DATE NOT NULL,
    PRIMARY KEY (position_id, organization_id)
);
CREATE INDEX position_co_signers_org_idx ON position_co_signers (organization_id, position_id);

CREATE TABLE position_attachments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    position_id BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    media_type  TEXT,
    size_bytes  BIGINT CHECK (size_bytes >= 0)
);
CREATE INDEX position_attachments_position_idx ON position_attachments (position_id, id);

-- Replies of the addressees.
CREATE TABLE position_responses (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    position_id           BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    received_on           DATE NOT NULL,
    from_organization_id  BIGINT NOT NULL REFERENCES organizations (id),
    summary               TEXT NOT NULL,
    attachment_title      TEXT,
    attachment_url        TEXT,
    attachment_media_type TEXT,
    attachment_size_bytes BIGINT CHECK (attachment_size_bytes >= 0),
    created_at            TIMESTAMP NOT NULL
);
CREATE INDEX position_responses_position_idx ON position_responses (position_id, received_on, id);
CREATE INDEX position_responses_from_idx ON position_responses (from_organization_id);

-- Every move of the lifecycle (and the creation, with from_status NULL).
CREATE TABLE position_transitions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    position_id   BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    on_date       DATE NOT NULL,
    note          TEXT,
    actor_user_id BIGINT,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX position_transitions_position_idx ON position_transitions (position_id, id);
