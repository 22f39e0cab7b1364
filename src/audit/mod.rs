//! Reading the audit log (`GET /audit`). Records are written by the shared write path
//! (`crate::write`), in the write's own transaction.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;

pub fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(handlers::list_audit);
}
