//! The rotating presidency of an alliance: `/api/v1/associations/{id_or_slug}/presidencies`.
//!
//! Only alliances have presidencies. Terms (`starts_on` to `ends_on`, both inclusive)
//! never overlap, and the holder is a member of the alliance on every day of its term.
//! Administrators manage them.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_presidencies)
        .service(handlers::create_presidency)
        // Before `/{presidency_id}`, which would not match "current" anyway.
        .service(handlers::current_presidency)
        .service(handlers::get_presidency)
        .service(handlers::update_presidency)
        .service(handlers::delete_presidency);
}
