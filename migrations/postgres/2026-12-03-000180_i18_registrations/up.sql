-- Registration for project events (issue 18): the settings of an event's registration,
-- the registrations (personal data: erased on cancellation and after the retention
-- period) and the invitations of member organizations.
CREATE TABLE event_registration_settings (
    id                BIGSERIAL PRIMARY KEY,
    event_id          BIGINT NOT NULL UNIQUE REFERENCES project_events (id) ON DELETE CASCADE,
    opens_at          TIMESTAMP NOT NULL,
    closes_at         TIMESTAMP NOT NULL,
    -- NULL: no limit
    capacity          BIGINT CHECK (capacity >= 0),
    waitlist          BOOLEAN NOT NULL,
    requires_approval BOOLEAN NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at)
);

CREATE TABLE event_registrations (
    id                BIGSERIAL PRIMARY KEY,
    event_id          BIGINT NOT NULL REFERENCES project_events (id) ON DELETE CASCADE,
    -- the lead organization of the event's project when the registration came in: its
    -- editors see the registration in the change feed
    organizer_id      BIGINT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled', 'attended')),
    -- personal data, NULL once erased
    name              TEXT,
    email             TEXT,
    organization_name TEXT,
    organization_id   BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    function          TEXT NOT NULL CHECK (function IN ('executive', 'council', 'staff', 'ngo', 'other')),
    -- SHA-256 of the cancel code (the code itself is shown once); NULL once erased
    cancel_code_hash  TEXT UNIQUE,
    consented_at      TIMESTAMP NOT NULL,
    checked_in_at     TIMESTAMP,
    erased_at         TIMESTAMP,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- one live registration per e-mail and event (erased rows hold NULL)
CREATE UNIQUE INDEX event_registrations_email_idx ON event_registrations (event_id, email);
CREATE INDEX event_registrations_event_idx ON event_registrations (event_id, status, id);
CREATE INDEX event_registrations_erase_idx ON event_registrations (erased_at, event_id);

CREATE TABLE event_invitations (
    id                 BIGSERIAL PRIMARY KEY,
    event_id           BIGINT NOT NULL REFERENCES project_events (id) ON DELETE CASCADE,
    organization_id    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- the association whose members were invited
    via_association_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (event_id, organization_id)
);
