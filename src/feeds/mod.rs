//! Feeds for portals and calendar programs: Atom feeds of public positions and of
//! announced and open consultations, and iCalendar files of project events.
//!
//! Decisions worth knowing:
//! - A feed shows what the anonymous public may see, whoever asks (a feed URL is
//!   pasted into readers and shared): it runs the resource's own list as an anonymous
//!   caller (`pagination::first_items`), so drafts never appear.
//! - Newest first and bounded: the [`FEED_ENTRIES`] most recently changed positions and
//!   consultations, the [`CALENDAR_EVENTS`] latest-starting events.
//! - Ids are stable: `tag:<domain>,2026:positions/<id>` for entries and
//!   `event-<id>@<domain>` for events, with the domain `RAZEM_FEED_DOMAIN` (the
//!   request's host when unset). Links point at the API resources.
//! - Each answer has an `ETag` (a digest of the body) and `Cache-Control: no-cache`, so
//!   readers polling with `If-None-Match` get a 304; and names the licence of the data
//!   in `Link: <…>; rel="license"`.

mod atom;
pub mod handlers;
mod ical;

use utoipa_actix_web::service_config::ServiceConfig;

/// Entries of an Atom feed.
pub const FEED_ENTRIES: usize = 50;
/// Events of a calendar.
pub const CALENDAR_EVENTS: usize = 500;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::positions_feed)
        .service(handlers::consultations_feed)
        .service(handlers::events_calendar)
        .service(handlers::project_events_calendar);
}
