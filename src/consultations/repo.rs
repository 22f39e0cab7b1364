//! Every query on consultations and their related rows (the rules are in `service`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::ConsultationSort;
use super::model::{
    ConsultationFields, ConsultationLinks, ConsultationRow, DocumentData, DocumentRow, NewDocument,
    NewTransition, TransitionRow,
};
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::schema::{
    consultation_documents, consultation_invitees, consultation_transitions, consultations,
};
use crate::domain::{ConsultationDirection, ConsultationStatus, Eligibility, SubjectKind};
use crate::error::ApiResult;
use crate::pagination::{Cursor, PageRequest};
use crate::write::Actor;

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

/// What a list asks for (the paging comes from the [`PageRequest`]).
#[derive(Debug)]
pub struct ListFilter {
    pub drafts: DraftVisibility,
    pub organizer: Option<i64>,
    pub direction: Option<ConsultationDirection>,
    pub subject_kind: Option<SubjectKind>,
    pub status: Option<ConsultationStatus>,
    pub eligibility: Option<Eligibility>,
    pub register_number: Option<String>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    /// The instant the status filter is computed at.
    pub now: NaiveDateTime,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &ConsultationRow, sort: ConsultationSort) -> Cursor {
    let key = match sort {
        ConsultationSort::OpensAt | ConsultationSort::OpensAtDesc => row.opens_at,
        ConsultationSort::ClosesAt | ConsultationSort::ClosesAtDesc => row.closes_at,
        ConsultationSort::UpdatedAt | ConsultationSort::UpdatedAtDesc => row.updated_at,
    };
    Cursor::keyed(sort, crate::time::cursor_key(key), row.id)
}

/// One page of consultations in keyset order. Drafts the caller may not see are
/// filtered here, in SQL; the status filter applies the clock in SQL too.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<ConsultationSort>,
) -> ApiResult<Vec<ConsultationRow>> {
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
        let announced = ConsultationStatus::Announced;
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
            stored => query.filter(c::status.eq(stored)),
        };
    }
    if let Some(number) = &filter.register_number {
        query = query.filter(c::legislation_register_number.eq(number.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(crate::db::search_docs::matching(
            conn,
            "consultation",
            "consultations.id",
            &crate::domain::words::query_terms(q),
        )?);
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(c::updated_at.ge(since));
    }
    let after = page
        .after
        .as_ref()
        .map(Cursor::timestamp_position)
        .transpose()?;
    let id = c::id;
    query = match page.sort {
        ConsultationSort::OpensAt => crate::keyset!(query, c::opens_at, id, after, true),
        ConsultationSort::OpensAtDesc => crate::keyset!(query, c::opens_at, id, after, false),
        ConsultationSort::ClosesAt => crate::keyset!(query, c::closes_at, id, after, true),
        ConsultationSort::ClosesAtDesc => crate::keyset!(query, c::closes_at, id, after, false),
        ConsultationSort::UpdatedAt => crate::keyset!(query, c::updated_at, id, after, true),
        ConsultationSort::UpdatedAtDesc => {
            crate::keyset!(query, c::updated_at, id, after, false)
        }
    };
    Ok(query.limit(page.fetch()).load(conn)?)
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

pub fn document_data(row: DocumentRow) -> DocumentData {
    DocumentData {
        title: row.title,
        url: row.url,
        text: row.text,
        version: row.version,
    }
}

/// Every stored move of a consultation, oldest first.
pub fn history(conn: &mut DbConnection, id: i64) -> ApiResult<Vec<TransitionRow>> {
    Ok(consultation_transitions::table
        .filter(consultation_transitions::consultation_id.eq(id))
        .order(consultation_transitions::id.asc())
        .load(conn)?)
}

/// Keeps a move in the history (not versioned: the consultation's version moves with it).
pub fn record_move(
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
            from_status: from,
            to_status: to,
            note,
            actor_user_id: actor.user_id,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

// ------------------------------------------------------------------ writing

/// Replaces the related rows that changed (not versioned: the consultation is).
pub fn write_links(
    conn: &mut DbConnection,
    id: i64,
    before: &ConsultationLinks,
    after: &ConsultationLinks,
) -> ApiResult<()> {
    if before.invited_ids != after.invited_ids {
        crate::replace_rows!(conn, consultation_invitees::consultation_id == id, for organization_id in &after.invited_ids =>
            (consultation_invitees::consultation_id.eq(id), consultation_invitees::organization_id.eq(organization_id)));
    }
    if before.documents != after.documents {
        crate::replace_rows!(conn, consultation_documents::consultation_id == id, for document in &after.documents =>
        NewDocument {
            consultation_id: id,
            title: &document.title,
            url: document.url.as_deref(),
            text: document.text.as_deref(),
            version: &document.version,
        });
    }
    Ok(())
}

crate::versioned_table!(
    /// The consultations table on the write path.
    Consultations,
    consultations,
    ConsultationRow,
    ConsultationFields,
    "consultation",
    audience = |row: &ConsultationRow| crate::write::Audience::draft_of(row.organizer_id, row.published())
);

/// The invited organizations of several consultations: `(consultation, organization)`.
pub fn invitees_of(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<(i64, i64)>> {
    Ok(consultation_invitees::table
        .select((
            consultation_invitees::consultation_id,
            consultation_invitees::organization_id,
        ))
        .filter(consultation_invitees::consultation_id.eq_any(ids.to_vec()))
        .order((
            consultation_invitees::consultation_id,
            consultation_invitees::organization_id,
        ))
        .load(conn)?)
}

/// The documents of several consultations, in their order.
pub fn documents_of(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<DocumentRow>> {
    Ok(consultation_documents::table
        .filter(consultation_documents::consultation_id.eq_any(ids.to_vec()))
        .order((
            consultation_documents::consultation_id,
            consultation_documents::id,
        ))
        .load(conn)?)
}

/// Demo data keeps the day a consultation was made (the write path stamps the present);
/// not a change of the consultation, so its version stays.
pub fn backdate(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> ApiResult<ConsultationRow> {
    Ok(diesel::update(consultations::table.find(id))
        .set(consultations::created_at.eq(at))
        .returning(consultations::all_columns)
        .get_result(conn)?)
}

// ------------------------------------------------------------------ the read model's look-ups

/// The published ones of these consultations (the read model's rows), in id order.
pub fn find_public(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ConsultationRow>> {
    Ok(consultations::table
        .filter(consultations::id.eq_any(ids))
        .filter(consultations::announced_at.is_not_null())
        .order(consultations::id)
        .load(conn)?)
}

/// Every consultation id, in order.
pub fn all_ids(conn: &mut DbConnection) -> ApiResult<Vec<i64>> {
    Ok(consultations::table
        .select(consultations::id)
        .order(consultations::id)
        .load(conn)?)
}

/// The consultations that embed an organization's summary: as organizer, as an invitee,
/// or as the association of a position that answers them.
pub fn embedding(conn: &mut DbConnection, organization_id: i64) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = consultations::table
        .filter(consultations::organizer_id.eq(organization_id))
        .select(consultations::id)
        .load(conn)?;
    ids.extend(
        consultation_invitees::table
            .filter(consultation_invitees::organization_id.eq(organization_id))
            .select(consultation_invitees::consultation_id)
            .load::<i64>(conn)?,
    );
    ids.extend(
        crate::db::schema::positions::table
            .filter(crate::db::schema::positions::association_id.eq(organization_id))
            .filter(crate::db::schema::positions::consultation_id.is_not_null())
            .select(crate::db::schema::positions::consultation_id.assume_not_null())
            .load::<i64>(conn)?,
    );
    Ok(ids)
}

/// The consultation a comment is on (its comment count), if the comment is still there.
pub fn of_comment(conn: &mut DbConnection, comment_id: i64) -> ApiResult<Vec<i64>> {
    Ok(crate::db::schema::consultation_comments::table
        .filter(crate::db::schema::consultation_comments::id.eq(comment_id))
        .select(crate::db::schema::consultation_comments::consultation_id)
        .load(conn)?)
}

/// The consultation a position answers now, if any.
pub fn answered_by(conn: &mut DbConnection, position_id: i64) -> ApiResult<Vec<i64>> {
    Ok(crate::db::schema::positions::table
        .filter(crate::db::schema::positions::id.eq(position_id))
        .filter(crate::db::schema::positions::consultation_id.is_not_null())
        .select(crate::db::schema::positions::consultation_id.assume_not_null())
        .load(conn)?)
}
