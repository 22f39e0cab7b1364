-- The cooperation standard and its quality index (seed 003): immutable catalogue
-- versions, assessments of a JST for a year, one-time survey codes and the answers.

-- One version of the catalogue (planes → areas → indicators, with the tools per area)
-- as a JSON document. Never changed once stored: an edit is a new version, so an
-- assessment keeps the catalogue it was made with.
CREATE TABLE cooperation_catalogues (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT NOT NULL,
    -- what changed against the previous version
    note       TEXT,
    content    TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE cooperation_assessments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    jst_id         BIGINT NOT NULL REFERENCES organizations (id),
    year           INTEGER NOT NULL,
    catalogue_id   BIGINT NOT NULL REFERENCES cooperation_catalogues (id),
    -- the assessed areas, comma-separated in catalogue order (e.g. I.1,I.2)
    area_codes     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'collecting', 'closed', 'published')),
    min_group_size INTEGER NOT NULL CHECK (min_group_size >= 1),
    -- answers generated for the demo data set, not collected
    demonstration  BOOLEAN NOT NULL DEFAULT FALSE,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (jst_id, year)
);
CREATE INDEX cooperation_assessments_status_idx ON cooperation_assessments (status, year);

-- One-time survey codes: only the SHA-256 of a code is stored (like API tokens).
-- A code answers once: used_at is set by a conditional UPDATE (WHERE used_at IS NULL).
CREATE TABLE cooperation_survey_codes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id    BIGINT NOT NULL REFERENCES cooperation_assessments (id) ON DELETE CASCADE,
    respondent_group TEXT NOT NULL CHECK (respondent_group IN ('jst', 'ngo')),
    code_hash        TEXT NOT NULL UNIQUE,
    created_at       TIMESTAMP NOT NULL,
    used_at          TIMESTAMP
);
CREATE INDEX cooperation_survey_codes_assessment_idx ON cooperation_survey_codes (assessment_id);

-- An anonymous response: no link to its code and nothing about the respondent but the group.
CREATE TABLE cooperation_responses (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id    BIGINT NOT NULL REFERENCES cooperation_assessments (id) ON DELETE CASCADE,
    respondent_group TEXT NOT NULL CHECK (respondent_group IN ('jst', 'ngo')),
    submitted_at     TIMESTAMP NOT NULL
);
CREATE INDEX cooperation_responses_assessment_idx ON cooperation_responses (assessment_id);

-- score NULL: don't know.
CREATE TABLE cooperation_answers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    response_id    BIGINT NOT NULL REFERENCES cooperation_responses (id) ON DELETE CASCADE,
    indicator_code TEXT NOT NULL,
    score          INTEGER CHECK (score BETWEEN 0 AND 5),
    UNIQUE (response_id, indicator_code)
);
