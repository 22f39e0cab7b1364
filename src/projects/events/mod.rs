//! Events of projects — conferences, trainings, workshops, study visits, competitions,
//! meetings: `/api/v1/projects/{id}/events`, and `/api/v1/events`, the calendar of every
//! project for the portal.
//!
//! Decisions worth knowing:
//! - `starts_on` is the first day; `ends_on` the last of an event of several days
//!   (`null` for one day, never before `starts_on`). `starts_at`/`ends_at` are optional
//!   local times `HH:MM` at the venue (the Opole conference started at 11:00): a wall
//!   clock time, not an instant, so no time zone arithmetic.
//! - Lists are in calendar order: `start_sort` (minutes since 0001-01-01 of the start,
//!   midnight without a time) with ties by id, one integer keyset on both backends.
//! - `from`/`to` select events overlapping those days (`last_day` ≥ from, `starts_on`
//!   ≤ to). `city` is an exact match ignoring case and diacritics (`poznan` = `Poznań`),
//!   on a folded column with its own index.
//! - Managed like their project (admins, editors of the lead organization, its API
//!   tokens with `projects:write`); events are not embedded in the project, so writing
//!   one leaves the project's version alone.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_events)
        .service(handlers::list_project_events)
        .service(handlers::create_event)
        .service(handlers::get_event)
        .service(handlers::update_event)
        .service(handlers::delete_event);
}
