//! The read model of consultations: the public representation of every published
//! consultation, rendered when a write changes it (`read_model::flush`: the
//! consultation, a comment on it, a position that answers it or stopped answering it, an
//! organization it embeds) and served as stored bytes.
//!
//! A consultation's status moves with the clock (`announced` → `open` at `opens_at` →
//! `closed` at `closes_at`) without a write, so each stored rendering says until when it
//! is true (`valid_until`, the next such instant). A read after it renders fresh and
//! stores the new rendering (`read_docs::renew`). Drafts are never stored; callers who
//! see draft positions among the answering ones get the rendering per request.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDateTime;
use serde_json::value::RawValue;

use super::dto::Consultation;
use super::model::ConsultationRow;
use super::repo;
use super::view::{self, View};
use crate::auth::policy::DraftVisibility;
use crate::config::ConsultationMinDays;
use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc};
use crate::error::ApiResult;

/// The read model's name for consultations.
pub const KIND: &str = "consultation";

/// The minimum periods the stored renderings show (`minimum_days`): the server's
/// settings, installed with the app (the first one in a process keeps them).
static SETTINGS: OnceLock<ConsultationMinDays> = OnceLock::new();

/// Installs the settings the stored renderings are made with.
pub fn configure(min_days: ConsultationMinDays) {
    let _ = SETTINGS.set(min_days);
}

fn settings() -> ConsultationMinDays {
    SETTINGS.get().copied().unwrap_or_default()
}

/// Whether the stored renderings are what `view` shows: the public (no draft position
/// among the answering ones) with the same settings. Others render per request.
pub fn serves(view: &View) -> bool {
    view.min_days == settings()
        && matches!(&view.position_drafts, DraftVisibility::OfAssociations(ids) if ids.is_empty())
}

fn public_view(now: NaiveDateTime) -> View {
    View {
        now,
        min_days: settings(),
        position_drafts: DraftVisibility::OfAssociations(Vec::new()),
    }
}

/// When the status the clock gives `row` at `now` changes next, if ever: the first of
/// `opens_at` and `closes_at` after `now` at which it differs.
pub fn next_change(row: &ConsultationRow, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let current = row.status_at(now);
    let mut instants = [row.opens_at, row.closes_at];
    instants.sort();
    instants
        .into_iter()
        .find(|instant| *instant > now && row.status_at(*instant) != current)
}

fn document(consultation: &Consultation, until: Option<NaiveDateTime>) -> ApiResult<ReadDoc> {
    Ok(ReadDoc::render(
        consultation.id,
        consultation.version,
        consultation,
        consultation,
    )?
    .until(until))
}

/// The documents of the published ones of `ids`, as the current rows render them now.
pub fn fresh(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ReadDoc>> {
    let view = public_view(crate::time::now());
    let rows = repo::find_public(conn, ids)?;
    let until: Vec<Option<NaiveDateTime>> =
        rows.iter().map(|row| next_change(row, view.now)).collect();
    view::with_details(conn, rows, &view)?
        .iter()
        .zip(until)
        .map(|(consultation, until)| document(consultation, until))
        .collect()
}

/// The consultations a changed object alters: the consultation itself, the one a
/// comment is on (its count), the one a position answers and any whose stored document
/// still embeds it (it moved or went), and those that embed a changed organization.
pub fn affected(conn: &mut DbConnection, object: &str, id: i64) -> ApiResult<Vec<i64>> {
    match object {
        KIND => Ok(vec![id]),
        "consultation_comment" => repo::of_comment(conn, id),
        "position" => {
            let mut ids = repo::answered_by(conn, id)?;
            // An answering position is embedded as `{"id":…,"association_id":…`.
            let embedded = format!("{{\"id\":{id},\"association_id\":");
            ids.extend(read_docs::containing(conn, KIND, &embedded)?);
            Ok(ids)
        }
        "organization" => repo::embedding(conn, id),
        _ => Ok(Vec::new()),
    }
}

/// The items of a page, in its order: the stored renderings of the published ones when
/// the page's view is the public one and they are still true (one lookup for the page),
/// the others rendered now with the page's view (drafts, a caller who sees draft
/// positions among the answering ones, renderings the clock made untrue).
pub fn page_items(
    conn: &mut DbConnection,
    rows: Vec<(ConsultationRow, Arc<View>)>,
) -> ApiResult<Vec<Box<RawValue>>> {
    read_docs::page_items(
        conn,
        KIND,
        rows,
        |(row, _)| row.id,
        |(row, view)| row.published() && serves(view),
        |conn, rows| {
            // Every row of a page carries the same view.
            let Some(view) = rows.first().map(|(_, view)| Arc::clone(view)) else {
                return Ok(Vec::new());
            };
            let rows = rows.into_iter().map(|(row, _)| row).collect();
            view::with_details(conn, rows, &view)?
                .iter()
                .map(|consultation| read_docs::rendered_item(consultation.id, consultation))
                .collect()
        },
    )
}

/// After a public read rendered `consultation` from `row` because its stored rendering
/// had stopped being true: stores the new one (`read_docs::renew`).
pub fn renew(
    conn: &mut DbConnection,
    row_until: Option<NaiveDateTime>,
    consultation: &Consultation,
) -> ApiResult<()> {
    read_docs::renew(conn, KIND, &document(consultation, row_until)?)
}
