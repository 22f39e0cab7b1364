DROP TABLE event_invitations;
DROP TABLE event_registrations;
DROP TABLE event_registration_settings;
