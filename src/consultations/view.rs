//! How consultations appear on the wire: rows with their embeds (documents, invited
//! organizations, comment counts, answering positions) and the history with the
//! clock's moves.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::dto::{AnsweringPosition, Consultation, ConsultationTransition, Document};
use super::model::{ConsultationRow, TransitionRow, parse_forms};
use super::repo;
use crate::auth::policy::DraftVisibility;
use crate::config::ConsultationMinDays;
use crate::db::DbConnection;
use crate::domain::ConsultationStatus;
use crate::error::{ApiError, ApiResult};
use crate::organizations::dto::OrganizationSummary;
use crate::organizations::service::Summaries;
use crate::positions::dto::Legislation;
use crate::positions::model::PositionRow;

/// What a response shows besides the rows: the time the status is computed at, the
/// configured minimum periods and which draft positions the caller may see.
#[derive(Debug, Clone)]
pub struct View {
    pub now: NaiveDateTime,
    pub min_days: ConsultationMinDays,
    pub position_drafts: DraftVisibility,
}

/// Full consultations for these rows, with every embed, in a constant number of
/// queries (six, however many rows), in the rows' order.
pub fn with_details(
    conn: &mut DbConnection,
    rows: Vec<ConsultationRow>,
    view: &View,
) -> ApiResult<Vec<Consultation>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let invitees = repo::invitees_of(conn, &ids)?;
    let documents = repo::documents_of(conn, &ids)?;
    let counts = super::comments::repo::counts(conn, &ids)?;
    let positions = crate::positions::repo::answering(conn, &ids, &view.position_drafts)?;

    let mut organization_ids: Vec<i64> = rows.iter().map(|r| r.organizer_id).collect();
    organization_ids.extend(invitees.iter().map(|(_, o)| *o));
    organization_ids.extend(positions.iter().map(|p| p.association_id));
    let organizations = Summaries::fetch(conn, organization_ids)?;
    let summary = |id: i64| organizations.get(id);

    let mut invited_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (consultation_id, organization_id) in invitees {
        invited_of
            .entry(consultation_id)
            .or_default()
            .push(organization_id);
    }
    let mut documents_of: HashMap<i64, Vec<Document>> = HashMap::new();
    for row in documents {
        documents_of
            .entry(row.consultation_id)
            .or_default()
            .push(repo::document_data(row).into());
    }
    let mut positions_of: HashMap<i64, Vec<AnsweringPosition>> = HashMap::new();
    for row in positions {
        let Some(consultation_id) = row.consultation_id else {
            continue;
        };
        let association = summary(row.association_id)?;
        positions_of
            .entry(consultation_id)
            .or_default()
            .push(answering_position(row, association));
    }

    rows.into_iter()
        .map(|row| {
            let invited_ids = invited_of.remove(&row.id).unwrap_or_default();
            let invited = invited_ids
                .iter()
                .map(|id| summary(*id))
                .collect::<ApiResult<Vec<_>>>()?;
            let legislation = Legislation::from_columns(
                &row.legislation_register_number,
                &row.legislation_title,
                &row.legislation_url,
            );
            let subject_kind = row.subject_kind;
            Ok(Consultation {
                id: row.id,
                organizer_id: row.organizer_id,
                organizer: summary(row.organizer_id)?,
                direction: row.direction,
                status: row.status_at(view.now),
                title: row.title,
                description: row.description,
                subject_kind,
                legislation,
                legal_basis: row.legal_basis,
                forms: parse_forms(&row.forms)?,
                eligibility: row.eligibility,
                invited_ids,
                invited,
                opens_at: crate::time::to_utc(row.opens_at),
                closes_at: crate::time::to_utc(row.closes_at),
                minimum_days: view.min_days.for_kind(subject_kind),
                shortened_reason: row.shortened_reason,
                announced_at: row.announced_at.map(crate::time::to_utc),
                report_published_on: row.report_published_on,
                documents: documents_of.remove(&row.id).unwrap_or_default(),
                comment_count: counts.get(&row.id).copied().unwrap_or(0),
                positions: positions_of.remove(&row.id).unwrap_or_default(),
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
                updated_at: crate::time::to_utc(row.updated_at),
            })
        })
        .collect()
}

/// One full consultation.
pub fn one(conn: &mut DbConnection, row: ConsultationRow, view: &View) -> ApiResult<Consultation> {
    with_details(conn, vec![row], view)?
        .pop()
        .ok_or_else(|| ApiError::internal("consultation vanished"))
}

/// The history as the API shows it: the stored moves, with the clock's moves to
/// `open` and `closed` put in where they happened (up to `now`).
pub fn history(
    row: &ConsultationRow,
    stored: Vec<TransitionRow>,
    now: NaiveDateTime,
) -> Vec<ConsultationTransition> {
    let mut items: Vec<(NaiveDateTime, ConsultationTransition)> = stored
        .iter()
        .map(|t| {
            (
                t.created_at,
                ConsultationTransition {
                    id: Some(t.id),
                    from: t.from_status,
                    to: t.to_status,
                    at: crate::time::to_utc(t.created_at),
                    note: t.note.clone(),
                    actor_user_id: t.actor_user_id,
                    automatic: false,
                },
            )
        })
        .collect();
    let announced = stored
        .iter()
        .find(|t| t.to_status == ConsultationStatus::Announced);
    if let Some(announced) = announced {
        let since = announced.created_at;
        // The clock runs from the announcement up to the next move a person made.
        let next = stored
            .iter()
            .find(|t| t.id > announced.id)
            .map(|t| t.created_at);
        let until = next.unwrap_or(now).min(now);
        let clock = |from, to, at: NaiveDateTime| ConsultationTransition {
            id: None,
            from: Some(from),
            to,
            at: crate::time::to_utc(at),
            note: None,
            actor_user_id: None,
            automatic: true,
        };
        let opened_at = row.opens_at.max(since);
        let opened = opened_at < row.closes_at && opened_at <= until;
        if opened {
            items.push((
                opened_at,
                clock(
                    ConsultationStatus::Announced,
                    ConsultationStatus::Open,
                    opened_at,
                ),
            ));
        }
        let closed_at = row.closes_at.max(since);
        if closed_at <= until {
            let from = if opened {
                ConsultationStatus::Open
            } else {
                ConsultationStatus::Announced
            };
            items.push((
                closed_at,
                clock(from, ConsultationStatus::Closed, closed_at),
            ));
        }
    }
    // Stable: at equal instants the stored move (made first) stays first.
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, item)| item).collect()
}

/// A position that answers a consultation, as the consultation embeds it. The one place
/// consultations read a position's stored kind and status.
fn answering_position(row: PositionRow, association: OrganizationSummary) -> AnsweringPosition {
    AnsweringPosition {
        id: row.id,
        number: row.number,
        title: row.title,
        kind: row.kind,
        status: row.status,
        adopted_on: row.adopted_on,
        sent_on: row.sent_on,
        association_id: row.association_id,
        association,
    }
}
