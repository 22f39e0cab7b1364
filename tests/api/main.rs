//! The integration suite: every test drives the application over HTTP against a
//! fresh database of the backend `TEST_DATABASE_URL` selects.

mod helpers;

mod associations;
mod audit;
mod auth;
mod bad_bytes;
mod changes;
mod comments;
mod conditional;
mod consultations;
mod cooperation;
mod errors;
mod exports;
mod faults;
mod feed_walk;
mod feeds;
mod idempotency;
mod identifiers;
mod memberships;
mod milestones;
mod openapi;
mod organizations;
mod positions;
mod practices;
mod presidencies;
mod project_events;
mod projects;
mod read_model;
mod registrations;
mod search;
mod security;
mod sessions;
mod synthetic;
mod teryt;
mod throttling;
mod tokens;
mod users;
mod webhooks;
mod working_groups;
