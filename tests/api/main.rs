//! The integration suite: every test drives the application over HTTP against a
//! fresh database of the backend `TEST_DATABASE_URL` selects.

mod helpers;

mod associations;
mod auth;
mod errors;
mod openapi;
mod organizations;
mod positions;
mod users;
