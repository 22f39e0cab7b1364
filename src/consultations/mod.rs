//! Consultations (konsultacje): an organizer consults a draft within a window of time,
//! collects comments (uwagi) in the standard comment table, decides on each and
//! publishes a report: `/api/v1/consultations`.
//!
//! Decisions worth knowing:
//! - Status by the clock. Only `draft`, `announced`, `report_published` and `cancelled`
//!   are stored; the API reports the status computed from the stored one and the current
//!   time: an announced consultation is `open` from `opens_at` and `closed` from
//!   `closes_at` (`ConsultationStatus::at`). Lists filter by it in SQL. The history shows
//!   the clock's moves (`automatic`) among the stored ones. Nothing runs in the
//!   background, and tests move time by the data (windows in the past or future).
//! - Moves: `draft → announced`, `closed → report_published`, `cancelled` from `draft`,
//!   `announced`, `open`; asking for `open` or `closed` is 409 (change the window).
//!   Announcing a window that has already begun or ended (recording a past consultation)
//!   is allowed: it is open or closed at once.
//! - Minimum periods per subject kind are configuration (`RAZEM_CONSULTATION_MIN_DAYS_*`,
//!   see `config::ConsultationMinDays` for the defaults and their sources); a shorter
//!   window needs a `shortened_reason` (422 otherwise), checked on create, on every change
//!   of the window, kind or reason, and again on announcement.
//! - Changing the window: free until it opens; once open, `opens_at` and `eligibility`
//!   are fixed and `closes_at` may only move later (an extension); once closed, fixed.
//!   A published report and a cancelled consultation no longer change.
//! - Visibility: drafts (and drafts cancelled before announcement) are for admins and
//!   the organizer's editors (and its tokens with `consultations:read`); 404 for others.
//!   Only never-announced consultations can be deleted.
//! - `comment_count` is computed; comments do not change the consultation's version, so
//!   incoming comments never invalidate an editor's `If-Match`. Comments have their own
//!   versions (ETag/If-Match on amendments and dispositions).
//! - Comments: see [`comments`]. Numbers (Lp.) are `max + 1` under the consultation's
//!   lock (`repo::lock`: `FOR UPDATE` on PostgreSQL), with a unique index behind it, and
//!   comments are never deleted: no gaps, even under concurrent submissions.
//! - Who comments: a partner token (`consultations:comment`) for its own organization
//!   only; an editor for one of their associations; the organizer's editors record
//!   comments received by e-mail, letter or at a meeting, from organizations or persons,
//!   with their real `received_at` inside the window, until the report is published
//!   (letters posted on the last day arrive later). No anonymous comments: without a
//!   captcha or moderation a public endpoint would collect spam, and residents who have
//!   no account write or speak at a meeting and are recorded.
//! - Eligibility: `public` anyone; `members` the organizations that were members of the
//!   organizing association on the day of receipt (the memberships table); `invited` the
//!   listed organizations. A submitter speaking for itself that is not eligible gets 403
//!   `not_eligible`; a comment the organizer records from an ineligible submitter is 422.
//! - Persons' names are personal data: shown to the organizer; everyone else reads
//!   `submitter_label` "osoba fizyczna" (also in the report and its CSV).
//! - Dispositions: `PUT …/disposition` by the organizer only; `response` required unless
//!   `accepted`; repeating a decision keeps its `decided_at` and decider; `pending` takes
//!   it back; no changes once the report is published. `report_published` needs a closed
//!   consultation with every comment decided (409 `comments_pending`).
//! - Report: JSON by default, the CSV comment table with `Accept: text/csv` (BOM, `;`,
//!   CRLF, quoted by the `csv` crate, formula-like cells prefixed with `'`); any other
//!   `Accept` is 406.

pub mod comments;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod read;
pub mod repo;
pub mod service;
pub mod view;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_consultations)
        .service(handlers::create_consultation)
        .service(handlers::get_consultation)
        .service(handlers::update_consultation)
        .service(handlers::delete_consultation)
        .service(handlers::transition_consultation)
        .service(handlers::consultation_history)
        .service(comments::handlers::list_comments)
        .service(comments::handlers::create_comment)
        .service(comments::handlers::get_comment)
        .service(comments::handlers::update_comment)
        .service(comments::handlers::decide_comment)
        .service(comments::handlers::consultation_report);
}
