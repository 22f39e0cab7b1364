//! Webhooks: organizations' subscriptions to the change feed, and the outbox the
//! write path fills (`crate::write::feed`) and the worker empties.

pub mod address;
pub mod dto;
pub mod handlers;
pub mod openapi;
pub mod repo;
pub mod service;
pub mod sign;
pub mod worker;

pub fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(handlers::create_webhook)
        .service(handlers::list_webhooks)
        .service(handlers::get_webhook)
        .service(handlers::update_webhook)
        .service(handlers::delete_webhook)
        .service(handlers::list_deliveries)
        .service(handlers::retry_delivery)
        .service(handlers::ping_webhook);
}
