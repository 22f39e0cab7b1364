-- The good-practice base (Baza Dobrych Praktyk): categories, practices and what hangs on them.
CREATE TABLE practice_categories (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE practices (
    id               BIGSERIAL PRIMARY KEY,
    title            TEXT NOT NULL,
    -- why the practice is good and worth spreading (Skrót)
    summary          TEXT,
    -- the full presentation (Pełna prezentacja), Markdown, each optional
    situation_before TEXT,
    goals            TEXT,
    actions          TEXT,
    results          TEXT,
    resources        TEXT,
    lessons          TEXT,
    -- the implementing body; it decides who may edit and see unpublished states
    implementer_id   BIGINT NOT NULL REFERENCES organizations (id),
    -- the local government where it runs, when there is one
    jst_id           BIGINT REFERENCES organizations (id),
    unit_kind        TEXT CHECK (unit_kind IN ('gmina_miejska', 'gmina_wiejska', 'gmina_miejsko_wiejska',
                         'miasto_na_prawach_powiatu', 'powiat', 'wojewodztwo', 'zwiazek', 'stowarzyszenie')),
    teryt            TEXT,
    street           TEXT,
    postal_code      TEXT,
    city             TEXT,
    voivodeship      TEXT,
    phone            TEXT,
    website          TEXT,
    -- NULL when unknown (the old base's "0" meant unknown)
    population       BIGINT,
    -- WGS 84 in millionths of a degree: exact integers, the same on both backends
    lat_e6           INTEGER,
    lon_e6           INTEGER,
    project_id       BIGINT REFERENCES projects (id),
    entered_on       DATE,
    reviewed_on      DATE,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'archived')),
    -- lower-cased, diacritics-folded title, summary and city: the same search on both backends
    search_text      TEXT NOT NULL,
    -- the folded title, the key of the default order
    sort_title       TEXT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK ((lat_e6 IS NULL) = (lon_e6 IS NULL))
);
CREATE INDEX practices_title_idx ON practices (sort_title, id);
CREATE INDEX practices_updated_idx ON practices (updated_at, id);
CREATE INDEX practices_implementer_idx ON practices (implementer_id, sort_title, id);
CREATE INDEX practices_jst_idx ON practices (jst_id);
CREATE INDEX practices_teryt_idx ON practices (teryt);
CREATE INDEX practices_location_idx ON practices (lat_e6, lon_e6);
CREATE INDEX practices_project_idx ON practices (project_id);

CREATE TABLE practice_category_links (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES practice_categories (id),
    PRIMARY KEY (practice_id, category_id)
);
CREATE INDEX practice_category_links_category_idx ON practice_category_links (category_id, practice_id);

CREATE TABLE practice_partners (
    practice_id     BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (practice_id, organization_id)
);
CREATE INDEX practice_partners_org_idx ON practice_partners (organization_id, practice_id);

-- contact persons or offices; personal data (RODO): non-public ones are shown only to
-- the implementer's editors and administrators
CREATE TABLE practice_contacts (
    id          BIGSERIAL PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT,
    email       TEXT,
    phone       TEXT,
    public      BOOLEAN NOT NULL
);
CREATE INDEX practice_contacts_practice_idx ON practice_contacts (practice_id, id);

CREATE TABLE practice_attachments (
    id          BIGSERIAL PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    media_type  TEXT,
    size_bytes  BIGINT
);
CREATE INDEX practice_attachments_practice_idx ON practice_attachments (practice_id, id);

CREATE TABLE practice_transitions (
    id            BIGSERIAL PRIMARY KEY,
    practice_id   BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    note          TEXT,
    actor_user_id BIGINT,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX practice_transitions_practice_idx ON practice_transitions (practice_id, id);

-- another local government took the practice over
CREATE TABLE practice_adoptions (
    id              BIGSERIAL PRIMARY KEY,
    practice_id     BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    adopted_on      DATE NOT NULL,
    note            TEXT,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (practice_id, organization_id)
);
CREATE INDEX practice_adoptions_org_idx ON practice_adoptions (organization_id);
