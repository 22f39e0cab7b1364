//! Indicators of a project (wskaźniki): `/api/v1/projects/{id}/indicators`.
//!
//! An indicator counts a result in whole units (29 trainings, 1 610 participants):
//! `baseline`, `target`, and `achieved` as of a date. Its `progress_percent` is
//! achieved / target as a percentage rounded half up to one decimal (computed exactly
//! in integers; over 100 when the target is exceeded; `null` with no measurement or a
//! target of 0). Names are unique within a project; a project has at most 100.
//! Indicators are embedded in their project, so every write bumps the project's version.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_indicators)
        .service(handlers::create_indicator)
        .service(handlers::get_indicator)
        .service(handlers::update_indicator)
        .service(handlers::delete_indicator);
}
