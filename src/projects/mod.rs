//! Partnership projects (e.g. the ZMP project co-financed by the EEA grants) with their
//! partners, funding, goals and indicators: `/api/v1/projects`. Indicators and events
//! are sub-resources of a project, in their own folders here (`crate::projects::indicators`, `crate::projects::events`).
//!
//! Decisions worth knowing:
//! - Money is exact (`crate::domain::Money`): a decimal string with at most two
//!   decimals on the wire (`{"amount": "10500000.00", "currency": "PLN"}`), whole minor
//!   units (grosze) in a `BIGINT` next to the currency in the database, always answered
//!   with two decimals. A JSON number, an exponent, a sign, a third decimal, leading
//!   zeros or a currency outside PLN, EUR, NOK, CHF, USD, GBP is 422 naming the field
//!   (`value.amount`, `funding[0].amount.currency`).
//! - `total_funding` is a list with one exact sum per currency, ordered by currency
//!   code: amounts in different currencies are never added up (no exchange rates). A
//!   sum above 999 999 999 999 999.99 — the largest amount — is refused (422
//!   `total_too_large` on `funding`) rather than answered out of range.
//! - The lead organization (`lead_id`) is always a partner with the role `leader`,
//!   listed first. Requests may list it in `partners` as `leader` (so a `partners` list
//!   read from a project can be sent back), but no other organization is a leader and
//!   the lead takes no other role (422). The leader is stored as the first row of
//!   `project_partners`, so the `partner` filter is one index lookup. Changing `lead_id`
//!   alone keeps the previous lead as a `partner`.
//! - `ends_on` is optional (open-ended) but never before `starts_on` and required once
//!   the project is `completed` or `settled`. `last_day` (`ends_on` or 9999-12-31) makes
//!   `active_on` one range test. Dates lie between 1990 and 2100.
//! - Indicators are embedded in the project; writing one bumps the project's version
//!   and `updated_at` (its representation changed). Events are not embedded.
//! - Everything of a project is public; writes belong to admins, editors of the lead
//!   organization and the lead's API tokens with `projects:write`. Partners' editors
//!   read only. Deleting a project deletes its indicators and events.

pub mod dto;
pub mod events;
pub mod handlers;
pub mod indicators;
pub mod model;
pub mod read;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_projects)
        .service(handlers::create_project)
        .service(handlers::get_project)
        .service(handlers::update_project)
        .service(handlers::delete_project);
}
