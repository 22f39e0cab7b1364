//! The change feed (`GET /changes`): every committed create, update and delete, oldest
//! first, as far as the caller may see it. The events are written by the write path
//! (`crate::write::feed`) in the write's own transaction; this module numbers them
//! (`repo::sequence`, PostgreSQL) and reads them.

pub mod dto;
pub mod handlers;
pub mod objects;
pub mod repo;
pub mod service;
pub mod types;

pub fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(handlers::list_changes);
}
