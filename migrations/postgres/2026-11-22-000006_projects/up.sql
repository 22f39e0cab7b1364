-- Partnership projects, their partners, funding, goals, indicators and events.
-- Money is exact: whole minor units (grosze, cents) in BIGINT next to a currency code.
CREATE TABLE projects (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT,
    -- Markdown
    description    TEXT,
    -- the lead organization (leader of the partnership); a project keeps it (no cascade)
    lead_id        BIGINT NOT NULL REFERENCES organizations (id),
    status         TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed', 'settled', 'suspended')),
    starts_on      DATE NOT NULL,
    ends_on        DATE,
    -- ends_on, or 9999-12-31 while open-ended: the non-null bound of `active_on`
    last_day       DATE NOT NULL,
    value_minor    BIGINT CHECK (value_minor >= 0),
    value_currency TEXT CHECK (value_currency IN ('PLN', 'EUR', 'NOK', 'CHF', 'USD', 'GBP')),
    -- lower-cased, diacritics-folded title (the `title` sort) and title, code and summary (`q`)
    sort_title     TEXT NOT NULL,
    search_text    TEXT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((value_minor IS NULL) = (value_currency IS NULL))
);
CREATE UNIQUE INDEX projects_code_idx ON projects (code);
-- one index per list order and its common narrowings: every page is a keyset index scan
CREATE INDEX projects_starts_idx ON projects (starts_on, id);
CREATE INDEX projects_lead_starts_idx ON projects (lead_id, starts_on, id);
CREATE INDEX projects_status_starts_idx ON projects (status, starts_on, id);
CREATE INDEX projects_title_idx ON projects (sort_title, id);
CREATE INDEX projects_updated_idx ON projects (updated_at, id);

-- Every organization taking part, the leader included (role 'leader', position 0).
CREATE TABLE project_partners (
    project_id      BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    role            TEXT NOT NULL CHECK (role IN ('leader', 'partner', 'associated')),
    -- the order the partners were given in
    position        INTEGER NOT NULL,
    PRIMARY KEY (project_id, organization_id)
);
CREATE INDEX project_partners_org_idx ON project_partners (organization_id, project_id);

CREATE TABLE project_funding (
    id           BIGSERIAL PRIMARY KEY,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    programme    TEXT,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL CHECK (currency IN ('PLN', 'EUR', 'NOK', 'CHF', 'USD', 'GBP'))
);
CREATE INDEX project_funding_project_idx ON project_funding (project_id, id);

CREATE TABLE project_goals (
    id         BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    goal       TEXT NOT NULL
);
CREATE INDEX project_goals_project_idx ON project_goals (project_id, id);

-- Measured results (wskaźniki): whole numbers of a unit.
CREATE TABLE project_indicators (
    id         BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    baseline   BIGINT NOT NULL DEFAULT 0 CHECK (baseline >= 0),
    target     BIGINT NOT NULL CHECK (target >= 0),
    achieved   BIGINT CHECK (achieved >= 0),
    as_of      DATE,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX project_indicators_name_idx ON project_indicators (project_id, name);
CREATE INDEX project_indicators_project_idx ON project_indicators (project_id, id);

CREATE TABLE project_events (
    id                  BIGSERIAL PRIMARY KEY,
    project_id          BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('conference', 'training', 'workshop', 'study_visit', 'competition', 'meeting')),
    title               TEXT NOT NULL,
    description         TEXT,
    starts_on           DATE NOT NULL,
    ends_on             DATE,
    -- ends_on, or starts_on for an event of one day: the overlap bound of `from`
    last_day            DATE NOT NULL,
    -- local times 'HH:MM' at the venue
    starts_at           TEXT,
    ends_at             TEXT,
    -- minutes since 0001-01-01 00:00 of the start (midnight when no time is given):
    -- the calendar's sort key, one integer on both backends
    start_sort          BIGINT NOT NULL,
    city                TEXT,
    -- lower-cased, diacritics-folded city: the `city` filter
    city_folded         TEXT,
    venue               TEXT,
    address             TEXT,
    participants_count  BIGINT CHECK (participants_count >= 0),
    organizations_count BIGINT CHECK (organizations_count >= 0),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX project_events_start_idx ON project_events (start_sort, id);
CREATE INDEX project_events_project_start_idx ON project_events (project_id, start_sort, id);
CREATE INDEX project_events_kind_start_idx ON project_events (kind, start_sort, id);
CREATE INDEX project_events_city_start_idx ON project_events (city_folded, start_sort, id);
CREATE INDEX project_events_updated_idx ON project_events (updated_at, id);
