//! The timeline of an association: `/api/v1/associations/{id_or_slug}/milestones`,
//! dated events listed in date order. Editors of the association manage them.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_milestones)
        .service(handlers::create_milestone)
        .service(handlers::get_milestone)
        .service(handlers::update_milestone)
        .service(handlers::delete_milestone);
}
