//! Every query on consultations and their related rows.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::{
    AnsweringPosition, Consultation, ConsultationSort, ConsultationTransition, Document,
    check_consistency, parse_direction, parse_eligibility, parse_subject_kind,
};
use super::model::{
    ConsultationFields, ConsultationLinks, ConsultationRow, ConsultationState, DocumentData,
    DocumentRow, NewDocument, NewTransition, Stamp, TransitionRow, parse_forms,
};
use crate::auth::policy::DraftVisibility;
use crate::config::ConsultationMinDays;
use crate::db::DbConnection;
use crate::db::schema::{
    consultation_documents, consultation_invitees, consultation_transitions, consultations,
};
use crate::domain::{ConsultationStatus, Eligibility, OrganizationKind};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::organizations::dto::{OrganizationSummary, parse_kind as parse_organization_kind};
use crate::pagination::Cursor;
use crate::positions::dto::Legislation;
use crate::write::{self, Actor};

/// The audit log's name of a consultation.
const OBJECT: &str = "consultation";

// ------------------------------------------------------------------ locking

/// Takes the write lock of one consultation as the transaction's FIRST statement, so
/// that writes to it and to its comments queue up (comment numbers, the publication
/// rule). The one place with backend-specific SQL of consultations.
///
/// - PostgreSQL: locks the consultation row (`FOR UPDATE`).
/// - SQLite: a no-op write takes the database write lock at once (writers in this
///   process are serialized by `Db::transaction` already; this covers other processes).
pub fn lock(conn: &mut DbConnection, id: i64) -> ApiResult<()> {
    use diesel::sql_types::BigInt;
    match conn {
        DbConnection::Pg(pg) => {
            diesel::sql_query("SELECT id FROM consultations WHERE id = $1 FOR UPDATE")
                .bind::<BigInt, _>(id)
                .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("UPDATE consultations SET version = version WHERE id = ?")
                .bind::<BigInt, _>(id)
                .execute(sqlite)?;
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ reading

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<ConsultationRow>> {
    Ok(consultations::table.find(id).first(conn).optional()?)
}

/// Does a consultation with this id exist among those `drafts` lets one see (for
/// references from positions)? The same rule as [`list`]'s.
pub fn exists(conn: &mut DbConnection, id: i64, drafts: &DraftVisibility) -> ApiResult<bool> {
    let found: Option<ConsultationRow> = find(conn, id)?;
    Ok(found.is_some_and(|row| {
        row.published()
            || match drafts {
                DraftVisibility::All => true,
                DraftVisibility::OfAssociations(ids) => ids.contains(&row.organizer_id),
            }
    }))
}

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub drafts: DraftVisibility,
    pub organizer: Option<i64>,
    pub direction: Option<&'static str>,
    pub subject_kind: Option<&'static str>,
    pub status: Option<ConsultationStatus>,
    pub eligibility: Option<&'static str>,
    pub register_number: Option<String>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: ConsultationSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
    /// The instant the computed statuses are taken at.
    pub now: NaiveDateTime,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &ConsultationRow, sort: ConsultationSort) -> Cursor {
    let key = match sort {
        ConsultationSort::OpensAt | ConsultationSort::OpensAtDesc => row.opens_at,
        ConsultationSort::ClosesAt | ConsultationSort::ClosesAtDesc => row.closes_at,
        ConsultationSort::UpdatedAt | ConsultationSort::UpdatedAtDesc => row.updated_at,
    };
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(crate::time::cursor_key(key)),
        id: row.id,
    }
}

/// One page of consultations in keyset order. Drafts the caller may not see are
/// filtered here, in SQL; the status filter applies the clock in SQL too.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<ConsultationRow>> {
    use consultations::dsl as c;
    let mut query = c::consultations.into_boxed();
    match &filter.drafts {
        DraftVisibility::All => {}
        DraftVisibility::OfAssociations(ids) if ids.is_empty() => {
            query = query.filter(c::announced_at.is_not_null());
        }
        DraftVisibility::OfAssociations(ids) => {
            query = query.filter(
                c::announced_at
                    .is_not_null()
                    .or(c::organizer_id.eq_any(ids.clone())),
            );
        }
    }
    if let Some(organizer) = filter.organizer {
        query = query.filter(c::organizer_id.eq(organizer));
    }
    if let Some(direction) = filter.direction {
        query = query.filter(c::direction.eq(direction));
    }
    if let Some(kind) = filter.subject_kind {
        query = query.filter(c::subject_kind.eq(kind));
    }
    if let Some(eligibility) = filter.eligibility {
        query = query.filter(c::eligibility.eq(eligibility));
    }
    if let Some(status) = filter.status {
        let now = filter.now;
        let announced = ConsultationStatus::Announced.as_str();
        query = match status {
            ConsultationStatus::Announced => query
                .filter(c::status.eq(announced))
                .filter(c::opens_at.gt(now)),
            ConsultationStatus::Open => query
                .filter(c::status.eq(announced))
                .filter(c::opens_at.le(now))
                .filter(c::closes_at.gt(now)),
            ConsultationStatus::Closed => query
                .filter(c::status.eq(announced))
                .filter(c::closes_at.le(now)),
            stored => query.filter(c::status.eq(stored.as_str())),
        };
    }
    if let Some(number) = &filter.register_number {
        query = query.filter(c::legislation_register_number.eq(number.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            c::search_text
                .like(crate::organizations::repo::like_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(c::updated_at.ge(since));
    }
    let after = filter
        .after
        .as_ref()
        .map(Cursor::timestamp_position)
        .transpose()?;
    let id = c::id;
    query = match filter.sort {
        ConsultationSort::OpensAt => crate::keyset!(query, c::opens_at, id, after, true),
        ConsultationSort::OpensAtDesc => crate::keyset!(query, c::opens_at, id, after, false),
        ConsultationSort::ClosesAt => crate::keyset!(query, c::closes_at, id, after, true),
        ConsultationSort::ClosesAtDesc => crate::keyset!(query, c::closes_at, id, after, false),
        ConsultationSort::UpdatedAt => crate::keyset!(query, c::updated_at, id, after, true),
        ConsultationSort::UpdatedAtDesc => {
            crate::keyset!(query, c::updated_at, id, after, false)
        }
    };
    Ok(query.limit(filter.fetch).load(conn)?)
}

/// The related rows of one consultation that requests write as a whole.
pub fn links(conn: &mut DbConnection, id: i64) -> ApiResult<ConsultationLinks> {
    let invited_ids = consultation_invitees::table
        .select(consultation_invitees::organization_id)
        .filter(consultation_invitees::consultation_id.eq(id))
        .order(consultation_invitees::organization_id.asc())
        .load(conn)?;
    let documents: Vec<DocumentRow> = consultation_documents::table
        .filter(consultation_documents::consultation_id.eq(id))
        .order(consultation_documents::id.asc())
        .load(conn)?;
    Ok(ConsultationLinks {
        invited_ids,
        documents: documents.into_iter().map(document_data).collect(),
    })
}

/// Is this organization invited to comment on the consultation?
pub fn is_invited(
    conn: &mut DbConnection,
    consultation_id: i64,
    organization_id: i64,
) -> ApiResult<bool> {
    let found: Option<i64> = consultation_invitees::table
        .select(consultation_invitees::organization_id)
        .filter(consultation_invitees::consultation_id.eq(consultation_id))
        .filter(consultation_invitees::organization_id.eq(organization_id))
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

fn document_data(row: DocumentRow) -> DocumentData {
    DocumentData {
        title: row.title,
        url: row.url,
        text: row.text,
        version: row.version,
    }
}

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
    let invitees: Vec<(i64, i64)> = consultation_invitees::table
        .select((
            consultation_invitees::consultation_id,
            consultation_invitees::organization_id,
        ))
        .filter(consultation_invitees::consultation_id.eq_any(ids.clone()))
        .order((
            consultation_invitees::consultation_id,
            consultation_invitees::organization_id,
        ))
        .load(conn)?;
    let documents: Vec<DocumentRow> = consultation_documents::table
        .filter(consultation_documents::consultation_id.eq_any(ids.clone()))
        .order((
            consultation_documents::consultation_id,
            consultation_documents::id,
        ))
        .load(conn)?;
    let counts = super::comments::repo::counts(conn, &ids)?;
    let positions = crate::positions::repo::answering(conn, &ids, &view.position_drafts)?;

    let mut organization_ids: Vec<i64> = rows.iter().map(|r| r.organizer_id).collect();
    organization_ids.extend(invitees.iter().map(|(_, o)| *o));
    organization_ids.extend(positions.iter().map(|p| p.association_id));
    organization_ids.sort_unstable();
    organization_ids.dedup();
    let organizations: HashMap<i64, OrganizationSummary> =
        crate::organizations::repo::find_many(conn, &organization_ids)?
            .iter()
            .map(|o| (o.id, OrganizationSummary::from(o)))
            .collect();
    let summary = |id: i64| -> ApiResult<OrganizationSummary> {
        organizations
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("organization {id} vanished")))
    };

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
            .push(document_data(row).into());
    }
    let mut positions_of: HashMap<i64, Vec<AnsweringPosition>> = HashMap::new();
    for row in positions {
        let Some(consultation_id) = row.consultation_id else {
            continue;
        };
        positions_of
            .entry(consultation_id)
            .or_default()
            .push(AnsweringPosition {
                id: row.id,
                association_id: row.association_id,
                association: summary(row.association_id)?,
                number: row.number,
                kind: row.kind,
                title: row.title,
                status: row.status,
                adopted_on: row.adopted_on,
                sent_on: row.sent_on,
            });
    }

    rows.into_iter()
        .map(|row| {
            let invited_ids = invited_of.remove(&row.id).unwrap_or_default();
            let invited = invited_ids
                .iter()
                .map(|id| summary(*id))
                .collect::<ApiResult<Vec<_>>>()?;
            let legislation = (row.legislation_register_number.is_some()
                || row.legislation_title.is_some()
                || row.legislation_url.is_some())
            .then(|| Legislation {
                register_number: row.legislation_register_number.clone(),
                title: row.legislation_title.clone(),
                url: row.legislation_url.clone(),
            });
            let subject_kind = parse_subject_kind(&row.subject_kind);
            Ok(Consultation {
                id: row.id,
                organizer_id: row.organizer_id,
                organizer: summary(row.organizer_id)?,
                direction: parse_direction(&row.direction),
                status: row.status_at(view.now),
                title: row.title,
                description: row.description,
                subject_kind,
                legislation,
                legal_basis: row.legal_basis,
                forms: parse_forms(&row.forms),
                eligibility: parse_eligibility(&row.eligibility),
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
pub fn find_full(
    conn: &mut DbConnection,
    row: ConsultationRow,
    view: &View,
) -> ApiResult<Consultation> {
    with_details(conn, vec![row], view)?
        .pop()
        .ok_or_else(|| ApiError::internal("consultation vanished"))
}

/// Every stored move of a consultation, oldest first.
pub fn history(conn: &mut DbConnection, id: i64) -> ApiResult<Vec<TransitionRow>> {
    Ok(consultation_transitions::table
        .filter(consultation_transitions::consultation_id.eq(id))
        .order(consultation_transitions::id.asc())
        .load(conn)?)
}

fn parse_status(value: &str) -> ConsultationStatus {
    value.parse().unwrap_or(ConsultationStatus::Draft)
}

/// The history as the API shows it: the stored moves, with the clock's moves to
/// `open` and `closed` put in where they happened (up to `now`).
pub fn history_view(
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
                    from: t.from_status.as_deref().map(parse_status),
                    to: parse_status(&t.to_status),
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
        .find(|t| t.to_status == ConsultationStatus::Announced.as_str());
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

fn record_move(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation_id: i64,
    from: Option<ConsultationStatus>,
    to: ConsultationStatus,
    note: Option<&str>,
    at: NaiveDateTime,
) -> ApiResult<()> {
    diesel::insert_into(consultation_transitions::table)
        .values(NewTransition {
            consultation_id,
            from_status: from.map(ConsultationStatus::as_str),
            to_status: to.as_str(),
            note,
            actor_user_id: actor.user_id,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

// ------------------------------------------------------------------ checks

/// The organizer and the invited organizations must exist; only associations and
/// alliances have members to consult: 422 naming the field otherwise.
fn check_references(
    conn: &mut DbConnection,
    fields: &ConsultationFields,
    links: &ConsultationLinks,
) -> ApiResult<()> {
    let mut ids: Vec<i64> = vec![fields.organizer_id];
    ids.extend(&links.invited_ids);
    let found: HashMap<i64, OrganizationKind> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, parse_organization_kind(&o.kind)))
        .collect();
    let mut errors = Vec::new();
    match found.get(&fields.organizer_id) {
        None => errors.push(FieldError::new(
            "organizer_id",
            "not_found",
            format!("organization {} does not exist", fields.organizer_id),
        )),
        Some(kind)
            if parse_eligibility(&fields.eligibility) == Eligibility::Members
                && !kind.is_association() =>
        {
            errors.push(FieldError::new(
                "eligibility",
                "organizer_has_no_members",
                format!(
                    "only associations and alliances have members to consult; the organizer is a {kind}"
                ),
            ))
        }
        Some(_) => {}
    }
    if let Some(missing) = links.invited_ids.iter().find(|id| !found.contains_key(id)) {
        errors.push(FieldError::new(
            "invited_ids",
            "not_found",
            format!("organization {missing} does not exist"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The minimum window of the subject kind of these fields.
fn minimum_days(fields: &ConsultationFields, min_days: &ConsultationMinDays) -> u32 {
    min_days.for_kind(parse_subject_kind(&fields.subject_kind))
}

// ------------------------------------------------------------------ writing

fn write_links(
    conn: &mut DbConnection,
    id: i64,
    before: &ConsultationLinks,
    after: &ConsultationLinks,
) -> ApiResult<()> {
    if before.invited_ids != after.invited_ids {
        diesel::delete(
            consultation_invitees::table.filter(consultation_invitees::consultation_id.eq(id)),
        )
        .execute(conn)?;
        for organization_id in &after.invited_ids {
            diesel::insert_into(consultation_invitees::table)
                .values((
                    consultation_invitees::consultation_id.eq(id),
                    consultation_invitees::organization_id.eq(organization_id),
                ))
                .execute(conn)?;
        }
    }
    if before.documents != after.documents {
        diesel::delete(
            consultation_documents::table.filter(consultation_documents::consultation_id.eq(id)),
        )
        .execute(conn)?;
        for document in &after.documents {
            diesel::insert_into(consultation_documents::table)
                .values(NewDocument {
                    consultation_id: id,
                    title: &document.title,
                    url: document.url.as_deref(),
                    text: document.text.as_deref(),
                    version: &document.version,
                })
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Writes the consultation row if its version is still `expected_version` (else 412).
fn write_row(
    conn: &mut DbConnection,
    current: &ConsultationRow,
    expected_version: i64,
    fields: &ConsultationFields,
) -> ApiResult<ConsultationRow> {
    let updated: Option<ConsultationRow> = diesel::update(
        consultations::table
            .filter(consultations::id.eq(current.id))
            .filter(consultations::version.eq(expected_version)),
    )
    .set((
        fields,
        Stamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(consultations::all_columns)
    .get_result(conn)
    .optional()?;
    updated.ok_or_else(|| ApiError::precondition_failed(current.version))
}

/// Inserts a draft created at `now`, its related rows, its first history entry and its
/// audit record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: ConsultationFields,
    links: ConsultationLinks,
    min_days: &ConsultationMinDays,
    now: NaiveDateTime,
) -> ApiResult<ConsultationRow> {
    check_consistency(&fields, &links, Some(minimum_days(&fields, min_days)))?;
    check_references(conn, &fields, &links)?;
    let row: ConsultationRow = diesel::insert_into(consultations::table)
        .values((
            &fields,
            consultations::version.eq(1),
            consultations::created_at.eq(now),
            consultations::updated_at.eq(now),
        ))
        .returning(consultations::all_columns)
        .get_result(conn)?;
    write_links(conn, row.id, &ConsultationLinks::default(), &links)?;
    record_move(
        conn,
        actor,
        row.id,
        None,
        ConsultationStatus::Draft,
        None,
        now,
    )?;
    let state = ConsultationState { fields, links };
    write::record(
        conn,
        actor,
        "create",
        OBJECT,
        row.id,
        serde_json::to_value(&state).ok(),
    )?;
    Ok(row)
}

fn conflict_when(condition: bool, code: Code, detail: &str) -> ApiResult<()> {
    if condition {
        Err(ApiError::new(code, detail.to_owned()))
    } else {
        Ok(())
    }
}

/// Writes the new state of a consultation if its version is still `expected_version`,
/// within what its status still allows to change.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    current_links: ConsultationLinks,
    expected_version: i64,
    fields: ConsultationFields,
    links: ConsultationLinks,
    min_days: &ConsultationMinDays,
) -> ApiResult<ConsultationRow> {
    let before = ConsultationState {
        fields: ConsultationFields::from(current.clone()),
        links: current_links,
    };
    let after = ConsultationState { fields, links };
    if before == after {
        return Ok(current.clone());
    }
    let now = crate::time::now();
    let status = current.status_at(now);
    let (old, new) = (&before.fields, &after.fields);
    conflict_when(
        status.is_final(),
        Code::ConsultationFinal,
        &format!("a consultation in status '{status}' is part of the record and no longer changes"),
    )?;
    conflict_when(
        old.organizer_id != new.organizer_id && status != ConsultationStatus::Draft,
        Code::ConsultationNotDraft,
        "only a draft may move to another organizer",
    )?;
    let started = matches!(
        status,
        ConsultationStatus::Open | ConsultationStatus::Closed
    );
    conflict_when(
        started && old.opens_at != new.opens_at,
        Code::WindowStarted,
        "the window has opened: opens_at no longer changes",
    )?;
    conflict_when(
        status == ConsultationStatus::Closed && old.closes_at != new.closes_at,
        Code::ConsultationClosed,
        "the window has closed: closes_at no longer changes",
    )?;
    conflict_when(
        status == ConsultationStatus::Open && new.closes_at < old.closes_at,
        Code::WindowShortened,
        "an open consultation may be extended, not shortened: closes_at may only move later",
    )?;
    conflict_when(
        started && old.eligibility != new.eligibility,
        Code::WindowStarted,
        "the window has opened: who may comment (eligibility) no longer changes",
    )?;
    let window_changed = old.opens_at != new.opens_at
        || old.closes_at != new.closes_at
        || old.subject_kind != new.subject_kind
        || old.shortened_reason != new.shortened_reason;
    let minimum = window_changed.then(|| minimum_days(new, min_days));
    check_consistency(new, &after.links, minimum)?;
    check_references(conn, new, &after.links)?;
    let row = write_row(conn, current, expected_version, new)?;
    write_links(conn, row.id, &before.links, &after.links)?;
    write::record(
        conn,
        actor,
        "update",
        OBJECT,
        row.id,
        Some(write::diff(&before, &after)),
    )?;
    Ok(row)
}

/// Deletes a consultation that was never announced (a draft, or a draft cancelled).
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    expected_version: i64,
) -> ApiResult<()> {
    if current.published() {
        return Err(ApiError::new(
            Code::ConsultationNotDeletable,
            format!(
                "an announced consultation is part of the record; cancel it instead \
                 (POST /consultations/{}/transitions with {{\"to\": \"cancelled\"}})",
                current.id
            ),
        ));
    }
    let answering = crate::positions::repo::count_answering(conn, current.id)?;
    if answering > 0 {
        return Err(ApiError::new(
            Code::StillReferenced,
            format!(
                "{answering} position(s) answer this consultation; change their consultation_id first"
            ),
        ));
    }
    let snapshot = ConsultationState {
        fields: ConsultationFields::from(current.clone()),
        links: links(conn, current.id)?,
    };
    let deleted = diesel::delete(
        consultations::table
            .filter(consultations::id.eq(current.id))
            .filter(consultations::version.eq(expected_version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    write::record(
        conn,
        actor,
        "delete",
        OBJECT,
        current.id,
        serde_json::to_value(&snapshot).ok(),
    )?;
    Ok(())
}

fn illegal_transition(from: ConsultationStatus, to: ConsultationStatus) -> ApiError {
    let allowed = from.allowed_next();
    let allowed = if allowed.is_empty() {
        format!("none ('{from}' is final)")
    } else {
        allowed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clock = if matches!(to, ConsultationStatus::Open | ConsultationStatus::Closed) {
        " ('open' and 'closed' follow the clock once announced: change opens_at or closes_at instead)"
    } else {
        ""
    };
    ApiError::new(
        Code::IllegalTransition,
        format!(
            "a consultation in status '{from}' cannot move to '{to}'{clock}; allowed: {allowed}"
        ),
    )
}

/// Moves a consultation through its lifecycle at `at` if its version is still
/// `expected_version`: checks the move against the status at that instant, keeps the
/// move in the history and the audit log.
#[allow(clippy::too_many_arguments)]
pub fn transition(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    expected_version: i64,
    to: ConsultationStatus,
    note: Option<&str>,
    at: NaiveDateTime,
    min_days: &ConsultationMinDays,
) -> ApiResult<ConsultationRow> {
    let from = current.status_at(at);
    if !from.can_move_to(to) {
        return Err(illegal_transition(from, to));
    }
    let mut fields = ConsultationFields::from(current.clone());
    match to {
        ConsultationStatus::Announced => {
            // Announcing publishes the window: it must hold by the rules of today.
            let links = links(conn, current.id)?;
            check_consistency(&fields, &links, Some(minimum_days(&fields, min_days)))?;
            check_references(conn, &fields, &links)?;
            fields.announced_at = Some(at);
        }
        ConsultationStatus::ReportPublished => {
            let pending = super::comments::repo::pending_count(conn, current.id)?;
            if pending > 0 {
                return Err(ApiError::new(
                    Code::CommentsPending,
                    format!(
                        "{pending} comment(s) still wait for a disposition; the report is published \
                         only when every comment is decided"
                    ),
                ));
            }
            fields.report_published_on = Some(at.date());
        }
        _ => {}
    }
    fields.status = to.as_str().to_owned();
    let row = write_row(conn, current, expected_version, &fields)?;
    record_move(conn, actor, row.id, Some(from), to, note, at)?;
    write::record(
        conn,
        actor,
        "transition",
        OBJECT,
        row.id,
        Some(serde_json::json!({
            "status": [from, to],
            "note": note,
            "report_published_on": row.report_published_on,
        })),
    )?;
    Ok(row)
}
