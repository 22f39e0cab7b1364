-- Consultations (konsultacje): an organizer consults a draft within a window of time;
-- comments (uwagi) form the standard comment table, each with the organizer's disposition.
CREATE TABLE consultations (
    id                          BIGSERIAL PRIMARY KEY,
    -- who consults; a consultation keeps its organizer (no cascade)
    organizer_id                BIGINT NOT NULL REFERENCES organizations (id),
    direction                   TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    title                       TEXT NOT NULL,
    description                 TEXT,
    subject_kind                TEXT NOT NULL CHECK (subject_kind IN ('draft_act', 'strategy', 'programme', 'regulation', 'other')),
    legislation_register_number TEXT,
    legislation_title           TEXT,
    legislation_url             TEXT,
    legal_basis                 TEXT,
    -- the set of forms, comma-separated in a fixed order (e.g. 'online,written,meeting')
    forms                       TEXT NOT NULL,
    eligibility                 TEXT NOT NULL CHECK (eligibility IN ('public', 'members', 'invited')),
    opens_at                    TIMESTAMP NOT NULL,
    closes_at                   TIMESTAMP NOT NULL,
    -- why the window is shorter than the minimum for its subject kind
    shortened_reason            TEXT,
    -- the stored status: 'open' and 'closed' are never stored, they follow the clock
    -- from 'announced' (open from opens_at, closed from closes_at)
    status                      TEXT NOT NULL CHECK (status IN ('draft', 'announced', 'report_published', 'cancelled')),
    -- when it was announced: public from then on (a draft cancelled before stays private)
    announced_at                TIMESTAMP,
    report_published_on         DATE,
    -- lower-cased, diacritics-folded title, description and legislation: the same search on both backends
    search_text                 TEXT NOT NULL,
    version                     BIGINT NOT NULL DEFAULT 1,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at),
    CHECK ((status = 'report_published') = (report_published_on IS NOT NULL)),
    CHECK (status = 'draft' OR status = 'cancelled' OR announced_at IS NOT NULL)
);
-- one index per list order and its common narrowings: every page is a keyset index scan
CREATE INDEX consultations_opens_idx ON consultations (opens_at, id);
CREATE INDEX consultations_closes_idx ON consultations (closes_at, id);
CREATE INDEX consultations_organizer_opens_idx ON consultations (organizer_id, opens_at, id);
CREATE INDEX consultations_status_closes_idx ON consultations (status, closes_at, id);
CREATE INDEX consultations_updated_idx ON consultations (updated_at, id);
CREATE INDEX consultations_register_number_idx ON consultations (legislation_register_number);

-- The documents put to consultation, in their order.
CREATE TABLE consultation_documents (
    id              BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    url             TEXT,
    -- Markdown, when the document is given as text rather than a link
    text            TEXT,
    version         TEXT NOT NULL,
    CHECK ((url IS NULL) <> (text IS NULL))
);
CREATE INDEX consultation_documents_consultation_idx ON consultation_documents (consultation_id, id);

-- The organizations invited to comment (eligibility 'invited').
CREATE TABLE consultation_invitees (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (consultation_id, organization_id)
);
CREATE INDEX consultation_invitees_org_idx ON consultation_invitees (organization_id, consultation_id);

-- Every move of the lifecycle made by a person (and the creation, with from_status NULL);
-- the clock's moves to 'open' and 'closed' are not stored.
CREATE TABLE consultation_transitions (
    id              BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    note            TEXT,
    actor_user_id   BIGINT,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX consultation_transitions_consultation_idx ON consultation_transitions (consultation_id, id);

-- Comments (uwagi), numbered 1, 2, 3 … per consultation (Lp.) without gaps.
CREATE TABLE consultation_comments (
    id                   BIGSERIAL PRIMARY KEY,
    consultation_id      BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    number               INTEGER NOT NULL CHECK (number >= 1),
    -- an organization, or a person by name (exactly one)
    submitter_id         BIGINT REFERENCES organizations (id),
    submitter_name       TEXT,
    unit_reference       TEXT,
    content              TEXT NOT NULL,
    proposed_change      TEXT,
    justification        TEXT,
    channel              TEXT NOT NULL CHECK (channel IN ('api', 'email', 'letter', 'meeting')),
    received_at          TIMESTAMP NOT NULL,
    disposition_status   TEXT NOT NULL DEFAULT 'pending' CHECK (disposition_status IN ('pending', 'accepted', 'partially_accepted', 'rejected', 'explained', 'out_of_scope')),
    disposition_response TEXT,
    decided_at           TIMESTAMP,
    -- the person who decided (NULL for API tokens and demo data; the audit log names the token)
    decided_by           BIGINT,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    CHECK ((submitter_id IS NULL) <> (submitter_name IS NULL)),
    CHECK ((disposition_status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX consultation_comments_number_idx ON consultation_comments (consultation_id, number);
CREATE INDEX consultation_comments_submitter_idx ON consultation_comments (submitter_id, consultation_id);
CREATE INDEX consultation_comments_updated_idx ON consultation_comments (consultation_id, updated_at, id);

-- Positions answer consultations: the reference they have carried since the positions
-- migration now has its foreign key (the repository also checks it, for SQLite).
-- Until now nothing checked the reference: references to no consultation are cleared.
UPDATE positions SET consultation_id = NULL
 WHERE consultation_id IS NOT NULL AND consultation_id NOT IN (SELECT id FROM consultations);
ALTER TABLE positions
    ADD CONSTRAINT positions_consultation_fk FOREIGN KEY (consultation_id) REFERENCES consultations (id);
