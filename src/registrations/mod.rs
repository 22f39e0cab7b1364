//! Registration for project events and invitations to them (issue 18):
//! `/api/v1/events/{id}/registration` (the settings), `/events/{id}/registrations`,
//! `/registrations/{cancel_code}`, `/events/{id}/invitations`.
//!
//! Decisions worth knowing:
//! - The settings are a resource of their own (one per event, `PUT` creates or
//!   replaces them), so an event's representation and version stay as they were.
//! - Anyone registers (no account), with explicit consent; the answer carries a cancel
//!   code shown once and stored as its SHA-256, like API tokens. Rate-limited per client
//!   address through the database counters of `throttle` (every instance counts).
//! - The capacity counts `confirmed` and `attended`. Every write that can change who
//!   holds a seat first takes the event's lock (`repo::lock_event`: `FOR NO KEY UPDATE`
//!   on PostgreSQL; on SQLite `Db::transaction` holds the write lock), so concurrent registrations never exceed
//!   it. A freed or added seat goes to the waiting list, longest waiting first.
//! - Personal data (name, e-mail, organization name) is shown to the organizers only
//!   (administrators, the lead organization's editors and its `projects:write` tokens),
//!   masked in the audit record, never logged (the access log hides cancel codes), and
//!   erased when the registration is cancelled and `RAZEM_REGISTRATION_RETENTION_DAYS`
//!   after the event's last day (`razem purge`, and an hourly task in `razem serve`).
//!   The change feed shows registrations to the organizers only, and carries no data.
//! - Checking in sets the event's `participants_count` to the number checked in.
//! - Invitations: one per organization and event (a unique key), so inviting the
//!   members of an association again invites nobody twice.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

/// Deleting an event deletes its invitations, registrations and settings through the
/// write path first (the app's assembly installs this once per process).
pub fn install() {
    use crate::write::cascade::on_delete;
    on_delete(
        "project_event",
        "registrations",
        service::remove_under_event,
    );
}

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::get_settings)
        .service(handlers::put_settings)
        .service(handlers::delete_settings)
        .service(handlers::register)
        .service(handlers::list_registrations)
        .service(handlers::get_registration)
        .service(handlers::approve)
        .service(handlers::reject)
        .service(handlers::check_in)
        .service(handlers::cancel)
        .service(handlers::get_by_code)
        .service(handlers::cancel_by_code)
        .service(handlers::invite)
        .service(handlers::list_invitations)
        .service(handlers::get_invitation);
}
