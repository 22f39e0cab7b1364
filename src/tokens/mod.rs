//! Partner API tokens: `/api/v1/tokens`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_tokens)
        .service(handlers::create_token)
        .service(handlers::get_token)
        .service(handlers::revoke_token);
}
