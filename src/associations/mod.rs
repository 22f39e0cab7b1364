//! Associations and alliances: `/api/v1/associations`, the organizations of kind
//! `alliance`, `association` and `national_association`, looked up by id or slug,
//! with their computed `member_count` and `current_presidency`, and their own
//! sub-resources: dated memberships, the rotating presidency and the timeline.

pub mod dto;
pub mod handlers;
pub mod memberships;
pub mod milestones;
pub mod presidencies;
pub(crate) mod sub;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_associations)
        .service(handlers::create_association)
        .service(handlers::get_association)
        .service(handlers::update_association)
        .service(handlers::delete_association);
}
