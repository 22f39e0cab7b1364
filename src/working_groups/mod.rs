//! Working groups of associations and alliances (issue 18, seed 000: "Zespół branżowy
//! OPOS ds. USC"): `/api/v1/associations/{id_or_slug}/working-groups`,
//! `/api/v1/working-groups/{id}`, its `members` and `meetings`.
//!
//! Decisions worth knowing:
//! - Editors of the association (and administrators) write; everyone reads
//!   (`associations:read` for tokens), like the association's other sub-resources.
//! - A group's name is unique within its association. A group with members or
//!   meetings is not deleted (409): `dissolved_on` records its end, so its history stays.
//! - An organization is in a group once, with its `role` (`chair`, `member`) and
//!   optional `from`/`to` days (inclusive).
//! - A meeting lists the positions it discussed (`position_ids`): published positions or
//!   the association's own drafts, kept in `working_group_meeting_positions`.
//! - Members and meetings are changed (PATCH) and deleted with `If-Match`, by whoever
//!   may add them; a member's `to` records that it left, so deleting is for mistakes.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_working_groups)
        .service(handlers::create_working_group)
        .service(handlers::get_working_group)
        .service(handlers::update_working_group)
        .service(handlers::delete_working_group)
        .service(handlers::list_group_members)
        .service(handlers::add_group_member)
        .service(handlers::get_group_member)
        .service(handlers::update_group_member)
        .service(handlers::delete_group_member)
        .service(handlers::list_meetings)
        .service(handlers::create_meeting)
        .service(handlers::get_meeting)
        .service(handlers::update_meeting)
        .service(handlers::delete_meeting);
}
