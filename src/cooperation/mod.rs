//! The cooperation standard and its local index of cooperation quality (seed 003):
//! `/api/v1/cooperation-standard`, `/api/v1/cooperation-assessments`,
//! `/api/v1/cooperation-surveys`, `/api/v1/cooperation-index` and
//! `/api/v1/organizations/{id}/cooperation-index`.
//!
//! Decisions worth knowing:
//! - The catalogue is stored as immutable versions (one JSON tree each). An edit is a
//!   new version; an assessment names its `catalogue_id`, so its questions and results
//!   never change under it.
//! - An assessment is one JST's for one year, `draft → collecting → closed →
//!   published` (and `closed → collecting`), written by the JST's editors and admins;
//!   drafts are theirs alone (404 for others; lists filter in SQL; the feed shows them
//!   only from `collecting` on).
//! - Survey codes are shown once and stored as SHA-256 (like API tokens). A code is
//!   used up by `UPDATE … SET used_at WHERE id = ? AND used_at IS NULL` inside the
//!   answer's transaction: of two racing answers one changes the row, the other gets
//!   409. Responses keep their group only (no code, no person) and are plain rows: they
//!   never appear in the change feed. Failed survey look-ups and answers count against
//!   the sign-in limiter per client address (`throttle::LoginThrottle`).
//! - AssessmentResults are computed in Rust from the answers (`results::compute`), unrounded
//!   until the end: the same numbers on both databases.

pub mod dto;
pub mod handlers;
pub mod index;
pub mod model;
pub mod repo;
pub mod results;
pub mod service;
pub mod survey;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::current_catalogue)
        .service(handlers::list_catalogues)
        .service(handlers::get_catalogue)
        .service(handlers::create_catalogue)
        .service(handlers::list_assessments)
        .service(handlers::create_assessment)
        .service(handlers::get_assessment)
        .service(handlers::update_assessment)
        .service(handlers::delete_assessment)
        .service(handlers::transition_assessment)
        .service(handlers::create_invitations)
        .service(handlers::assessment_results)
        .service(handlers::get_survey)
        .service(handlers::answer_survey)
        .service(handlers::jst_index)
        .service(handlers::side_by_side);
}
