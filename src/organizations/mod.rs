//! Organizations of every kind: `/api/v1/organizations`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_organizations)
        .service(handlers::create_organization)
        .service(handlers::get_organization)
        .service(handlers::update_organization)
        .service(handlers::delete_organization);
}
