-- Working groups of associations and alliances (issue 18), e.g. "Zespół branżowy OPOS
-- ds. USC": their member organizations and their meetings with the positions discussed.
CREATE TABLE working_groups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    association_id  BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    mandate         TEXT,
    established_on  DATE,
    dissolved_on    DATE,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (association_id, name)
);

CREATE TABLE working_group_members (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    working_group_id BIGINT NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    organization_id  BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('chair', 'member')),
    from_on          DATE,
    to_on            DATE,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX working_group_members_group_idx ON working_group_members (working_group_id, id);

CREATE TABLE working_group_meetings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    working_group_id BIGINT NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    held_on          DATE NOT NULL,
    place            TEXT,
    agenda           TEXT,
    minutes          TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX working_group_meetings_group_idx ON working_group_meetings (working_group_id, held_on, id);

CREATE TABLE working_group_meeting_positions (
    meeting_id  BIGINT NOT NULL REFERENCES working_group_meetings (id) ON DELETE CASCADE,
    position_id BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, position_id)
);
