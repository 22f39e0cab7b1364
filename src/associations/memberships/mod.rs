//! Dated membership of organizations in associations and alliances:
//! `/api/v1/associations/{id_or_slug}/members`.
//!
//! Alliances take associations (regional or national) as members; associations take
//! local governments. `joined_on` and `left_on` are both inclusive: a member is a
//! member on every day from `joined_on` to `left_on`. Memberships of one organization
//! in one association never overlap.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_members)
        .service(handlers::create_member)
        .service(handlers::get_member)
        .service(handlers::update_member)
        .service(handlers::delete_member);
}
