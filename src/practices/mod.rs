//! The good-practice base (Baza Dobrych Praktyk, seed 001): categories, practices, their
//! lifecycle, the map and adoptions: `/api/v1/practice-categories`, `/api/v1/practices`.
//!
//! Decisions worth knowing:
//! - A practice is created as a `draft`; its status changes only through
//!   `POST /practices/{id}/transitions` (each move is kept in `practice_transitions`,
//!   the creation first, `from: null`). Only administrators publish.
//! - Visibility: drafts and submitted practices are for admins and the implementer's
//!   editors (404 for others; lists filter in SQL). Non-public contacts (personal data)
//!   are shown to the same people only; contact e-mail addresses are masked in the audit
//!   record and never logged.
//! - Editors are editors of organizations of any kind (`users.associations`): a gmina's
//!   editor writes the gmina's practices, an association office's editor its own.
//! - Locations are stored as whole millionths of a degree (`lat_e6`, `lon_e6`), so both
//!   backends compare the same integers. `near` + `radius_km` narrow by a bounding box in
//!   SQL (the index) and keep a row by the haversine distance computed in Rust, reading
//!   on until a page is full: the same rows on both databases, pages never short.
//! - `adoption_count` is computed from `practice_adoptions`, never stored; recording or
//!   removing an adoption bumps the practice's version (its representation changed).
//! - `GET /practices/map` is `application/geo+json` (RFC 7946, `[lon, lat]`), published
//!   practices only, at most `service::MAP_MAX_FEATURES` features.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod read;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_categories)
        .service(handlers::create_category)
        .service(handlers::get_category)
        .service(handlers::list_practices)
        .service(handlers::create_practice)
        // Before `/practices/{id}`, which would take `map` for an id.
        .service(handlers::practice_map)
        .service(handlers::get_practice)
        .service(handlers::update_practice)
        .service(handlers::delete_practice)
        .service(handlers::transition_practice)
        .service(handlers::practice_history)
        .service(handlers::list_adoptions)
        .service(handlers::add_adoption)
        .service(handlers::get_adoption)
        .service(handlers::remove_adoption);
}
