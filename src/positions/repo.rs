//! Every query on positions and their related rows; the writes of the position row go
//! through the shared write path ([`Positions`]).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::{Attachment, CoSigner, Legislation, Position, PositionResponse, PositionSort};
use super::model::{
    AttachmentData, AttachmentRow, CoSignerRow, NewAttachment, NewCoSigner, NewResponse,
    NewTransition, PositionFields, PositionLinks, PositionRow, PositionState, TransitionRow,
};
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::read_docs::Stored;
use crate::db::schema::{
    consultations, organizations, position_addressees, position_attachments, position_co_signers,
    position_responses, position_topics, position_transitions, positions, read_docs,
};
use crate::domain::{OrganizationKind, PositionKind, PositionStatus};
use crate::error::{ApiError, ApiResult};
use crate::organizations::dto::OrganizationSummary;
use crate::pagination::{Cursor, PageRequest};
use crate::write::{self, Action, Actor, Expected, Versioned};

crate::versioned_table!(
    /// The positions table on the write path.
    Positions,
    positions,
    PositionRow,
    PositionFields,
    "position",
    audience = |row: &PositionRow| crate::write::Audience::draft_of(row.association_id, row.published)
);

// ------------------------------------------------------------------ locking

/// Takes the write locks a position write needs, as the transaction's FIRST statement.
/// The one place with backend-specific SQL of positions.
///
/// - PostgreSQL: locks the position row (`FOR UPDATE`), so concurrent writes to one
///   position queue up.
/// - SQLite: a no-op write takes the database write lock at once. A deferred
///   transaction that read first and wrote later would fail with `SQLITE_BUSY` when
///   another writer committed in between; one that writes first waits (busy_timeout).
pub fn begin_write(conn: &mut DbConnection, position_id: Option<i64>) -> ApiResult<()> {
    use diesel::sql_types::BigInt;
    let id = position_id.unwrap_or(0);
    match conn {
        DbConnection::Pg(pg) => {
            if position_id.is_some() {
                diesel::sql_query("SELECT id FROM positions WHERE id = $1 FOR UPDATE")
                    .bind::<BigInt, _>(id)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("UPDATE positions SET version = version WHERE id = ?")
                .bind::<BigInt, _>(id)
                .execute(sqlite)?;
        }
    }
    Ok(())
}

/// Serializes number assignment per association. PostgreSQL locks the association's
/// row until commit (`FOR NO KEY UPDATE`: foreign keys to it stay usable); SQLite
/// already holds the database write lock since [`begin_write`].
fn lock_numbering(conn: &mut DbConnection, association_id: i64) -> ApiResult<()> {
    use diesel::sql_types::BigInt;
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE")
            .bind::<BigInt, _>(association_id)
            .execute(pg)?;
    }
    Ok(())
}

// ------------------------------------------------------------------ reading

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<PositionRow>> {
    Ok(positions::table.find(id).first(conn).optional()?)
}

/// The columns of an organization's embedded summary.
const SUMMARY_COLUMNS: (
    organizations::id,
    organizations::slug,
    organizations::name,
    organizations::short_name,
    organizations::kind,
) = (
    organizations::id,
    organizations::slug,
    organizations::name,
    organizations::short_name,
    organizations::kind,
);

type SummaryRow = (i64, String, String, Option<String>, OrganizationKind);

fn summary((id, slug, name, short_name, kind): SummaryRow) -> OrganizationSummary {
    OrganizationSummary {
        id,
        slug,
        name,
        short_name,
        kind,
    }
}

/// The columns of a `PositionRow` as responses need them, with `$body` for the body
/// (the column, or a bound NULL for lists). Values left out are bound, not SQL literals: a
/// literal would keep diesel from caching the prepared statement, and PostgreSQL would
/// then parse and plan the query on every request.
macro_rules! position_columns {
    ($body:expr) => {{
        use positions::dsl as p;
        (
            p::id,
            p::association_id,
            p::number,
            p::number_year,
            p::number_seq,
            p::kind,
            p::title,
            p::summary,
            $body,
            p::status,
            p::adopted_on,
            p::adopted_sort,
            p::sent_on,
            p::legislation_register_number,
            p::legislation_title,
            p::legislation_url,
            p::consultation_id,
            p::published,
            p::version,
            p::created_at,
            p::updated_at,
        )
    }};
}

/// A position with its association's summary, in one statement (the read of
/// `GET /positions/{id}`).
pub fn find_with_association(
    conn: &mut DbConnection,
    id: i64,
) -> ApiResult<Option<(PositionRow, OrganizationSummary)>> {
    let found: Option<(PositionRow, SummaryRow)> = positions::table
        .inner_join(organizations::table)
        .filter(positions::id.eq(id))
        .select((position_columns!(positions::body), SUMMARY_COLUMNS))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, association)| (row, summary(association))))
}

/// These positions, in id order (a list page's rows the read model does not hold).
pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<PositionRow>> {
    Ok(positions::table
        .filter(positions::id.eq_any(ids))
        .order(positions::id)
        .load(conn)?)
}

/// The published ones of these positions (the read model's rows).
pub fn find_public(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<PositionRow>> {
    Ok(positions::table
        .filter(positions::id.eq_any(ids))
        .filter(positions::published.eq(true))
        .order(positions::id)
        .load(conn)?)
}

/// Every position id, in order.
pub fn all_ids(conn: &mut DbConnection) -> ApiResult<Vec<i64>> {
    Ok(positions::table
        .select(positions::id)
        .order(positions::id)
        .load(conn)?)
}

/// The positions that embed an organization's summary: its own, and those it is an
/// addressee, a co-signer or the sender of a reply of.
pub fn embedding(conn: &mut DbConnection, organization_id: i64) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = positions::table
        .filter(positions::association_id.eq(organization_id))
        .select(positions::id)
        .load(conn)?;
    ids.extend(
        position_addressees::table
            .filter(position_addressees::organization_id.eq(organization_id))
            .select(position_addressees::position_id)
            .load::<i64>(conn)?,
    );
    ids.extend(
        position_co_signers::table
            .filter(position_co_signers::organization_id.eq(organization_id))
            .select(position_co_signers::position_id)
            .load::<i64>(conn)?,
    );
    ids.extend(
        position_responses::table
            .filter(position_responses::from_organization_id.eq(organization_id))
            .select(position_responses::position_id)
            .load::<i64>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub drafts: DraftVisibility,
    pub association: Option<i64>,
    pub kind: Option<PositionKind>,
    pub status: Option<PositionStatus>,
    /// Already normalized.
    pub topic: Option<String>,
    pub adopted_from: Option<NaiveDate>,
    pub adopted_to: Option<NaiveDate>,
    pub register_number: Option<String>,
    pub addressee: Option<i64>,
    pub co_signer: Option<i64>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

/// One page of positions in keyset order, read through the read model: one index range
/// scan joined with `read_docs`, selecting the sort key, the id and the stored list item
/// (`None` for a draft, rendered by the caller). Drafts the caller may not see are
/// filtered here, in SQL, so pages never leak them (nor come out short).
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<PositionSort>,
) -> ApiResult<Vec<Stored>> {
    use positions::dsl as p;
    let mut query = p::positions
        .left_join(read_docs::table.on(crate::db::read_docs::joined(super::read::KIND, p::id)))
        .select(p::id)
        .into_boxed();
    match &filter.drafts {
        DraftVisibility::All => {}
        // The bare column (`WHERE published`, no bound `= true`) matches the partial
        // index `positions_published_adopted_idx` on both backends.
        DraftVisibility::OfAssociations(ids) if ids.is_empty() => {
            query = query.filter(p::published);
        }
        DraftVisibility::OfAssociations(ids) => {
            query = query.filter(p::published.or(p::association_id.eq_any(ids.clone())));
        }
    }
    if let Some(association) = filter.association {
        query = query.filter(p::association_id.eq(association));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(p::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(p::status.eq(status));
    }
    if let Some(topic) = &filter.topic {
        query = query.filter(
            p::id.eq_any(
                position_topics::table
                    .select(position_topics::position_id)
                    .filter(position_topics::topic.eq(topic.clone())),
            ),
        );
    }
    // The range is on the sort key, so it narrows the index scan; a missing adoption
    // date sorts as 9999-12-31 and so falls outside every bounded range.
    if let Some(from) = filter.adopted_from {
        query = query.filter(p::adopted_sort.ge(from));
    }
    if let Some(to) = filter.adopted_to {
        query = query.filter(p::adopted_sort.le(to));
    }
    if filter.adopted_from.is_some() || filter.adopted_to.is_some() {
        query = query.filter(p::adopted_on.is_not_null());
    }
    if let Some(number) = &filter.register_number {
        query = query.filter(p::legislation_register_number.eq(number.clone()));
    }
    if let Some(addressee) = filter.addressee {
        query = query.filter(
            p::id.eq_any(
                position_addressees::table
                    .select(position_addressees::position_id)
                    .filter(position_addressees::organization_id.eq(addressee)),
            ),
        );
    }
    if let Some(co_signer) = filter.co_signer {
        query = query.filter(
            p::id.eq_any(
                position_co_signers::table
                    .select(position_co_signers::position_id)
                    .filter(position_co_signers::organization_id.eq(co_signer)),
            ),
        );
    }
    if let Some(q) = &filter.q {
        query = query.filter(crate::db::search_docs::matching(
            conn,
            "position",
            "positions.id",
            &crate::domain::words::query_terms(q),
        )?);
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    let after = page.after.as_ref();
    let fetch = page.fetch();
    // A missing adoption date sorts as 9999-12-31 (`adopted_sort`), so every row has a key.
    match page.sort {
        PositionSort::AdoptedOn | PositionSort::AdoptedOnDesc => crate::stored_page!(
            conn,
            keyset(
                query,
                p::adopted_sort,
                p::id,
                after.map(Cursor::date_position).transpose()?,
                page.sort == PositionSort::AdoptedOn,
                fetch
            ),
            crate::time::date_key
        ),
        PositionSort::UpdatedAt | PositionSort::UpdatedAtDesc => crate::stored_page!(
            conn,
            keyset(
                query,
                p::updated_at,
                p::id,
                after.map(Cursor::timestamp_position).transpose()?,
                page.sort == PositionSort::UpdatedAt,
                fetch
            ),
            crate::time::cursor_key
        ),
    }
}

/// The related rows that requests write as a whole, of one position.
pub fn links(conn: &mut DbConnection, id: i64) -> ApiResult<PositionLinks> {
    let topics = position_topics::table
        .select(position_topics::topic)
        .filter(position_topics::position_id.eq(id))
        .order(position_topics::topic.asc())
        .load(conn)?;
    let addressee_ids = position_addressees::table
        .select(position_addressees::organization_id)
        .filter(position_addressees::position_id.eq(id))
        .order(position_addressees::organization_id.asc())
        .load(conn)?;
    let co_signers = position_co_signers::table
        .select((
            position_co_signers::organization_id,
            position_co_signers::signed_on,
        ))
        .filter(position_co_signers::position_id.eq(id))
        .order(position_co_signers::organization_id.asc())
        .load(conn)?;
    let attachments: Vec<AttachmentRow> = position_attachments::table
        .filter(position_attachments::position_id.eq(id))
        .order(position_attachments::id.asc())
        .load(conn)?;
    Ok(PositionLinks {
        topics,
        addressee_ids,
        co_signers,
        attachments: attachments.into_iter().map(attachment_data).collect(),
    })
}

fn attachment_data(row: AttachmentRow) -> AttachmentData {
    AttachmentData {
        title: row.title,
        url: row.url,
        media_type: row.media_type,
        size_bytes: row.size_bytes,
    }
}

/// Full positions for these rows, with every embed: the associations' summaries in one
/// query, the rest as [`with_related`] does.
pub fn with_details(conn: &mut DbConnection, rows: Vec<PositionRow>) -> ApiResult<Vec<Position>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = rows.iter().map(|r| r.association_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let associations: HashMap<i64, OrganizationSummary> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select(SUMMARY_COLUMNS)
        .load::<SummaryRow>(conn)?
        .into_iter()
        .map(|row| (row.0, summary(row)))
        .collect();
    let rows = rows
        .into_iter()
        .map(|row| {
            let association = associations
                .get(&row.association_id)
                .cloned()
                .ok_or_else(|| {
                    ApiError::internal(format!("organization {} vanished", row.association_id))
                })?;
            Ok((row, association))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    with_related(conn, rows)
}

/// What one position has besides its row.
#[derive(Default)]
struct Related {
    topics: Vec<String>,
    addressees: Vec<OrganizationSummary>,
    /// With the attachment's id, for its order.
    attachments: Vec<(i64, Attachment)>,
    co_signers: Vec<CoSigner>,
    responses: Vec<PositionResponse>,
}

/// Full positions for these rows (each with its association's summary), in their
/// order: topics, addressees, co-signers, attachments and replies of every row, with
/// the organizations they name, come in ONE statement, however many rows.
pub fn with_related(
    conn: &mut DbConnection,
    rows: Vec<(PositionRow, OrganizationSummary)>,
) -> ApiResult<Vec<Position>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|(row, _)| row.id).collect();
    let mut related: HashMap<i64, Related> = HashMap::with_capacity(ids.len());
    for row in related::load(conn, &ids)? {
        let missing = || ApiError::internal(format!("related row {} is incomplete", row.part));
        // Each row is consumed here: its strings move into the response, uncopied.
        let related::Row {
            position_id,
            part,
            organization_id,
            slug,
            name,
            short_name,
            kind,
            a,
            b,
            c,
            d,
            day,
            n1,
            n2,
            at,
        } = row;
        let organization = || -> ApiResult<OrganizationSummary> {
            match (organization_id, slug, name, kind) {
                (Some(id), Some(slug), Some(name), Some(kind)) => Ok(OrganizationSummary {
                    id,
                    slug,
                    name,
                    short_name,
                    kind,
                }),
                _ => Err(ApiError::internal("a related row lacks its organization")),
            }
        };
        let entry = related.entry(position_id).or_default();
        match part {
            related::TOPIC => entry.topics.push(a.ok_or_else(missing)?),
            related::ADDRESSEE => entry.addressees.push(organization()?),
            related::CO_SIGNER => entry.co_signers.push(CoSigner {
                organization_id: organization_id.ok_or_else(missing)?,
                organization: organization()?,
                signed_on: day.ok_or_else(missing)?,
            }),
            related::ATTACHMENT => entry.attachments.push((
                n1.ok_or_else(missing)?,
                Attachment {
                    title: a.ok_or_else(missing)?,
                    url: b.ok_or_else(missing)?,
                    media_type: c,
                    size_bytes: n2,
                },
            )),
            related::RESPONSE => {
                let attachment = match (b, c) {
                    (Some(title), Some(url)) => Some(Attachment {
                        title,
                        url,
                        media_type: d,
                        size_bytes: n2,
                    }),
                    _ => None,
                };
                let from = organization()?;
                entry.responses.push(PositionResponse {
                    id: n1.ok_or_else(missing)?,
                    received_on: day.ok_or_else(missing)?,
                    from_id: from.id,
                    from,
                    summary: a.ok_or_else(missing)?,
                    attachment,
                    created_at: crate::time::to_utc(at.ok_or_else(missing)?),
                })
            }
            _ => return Err(missing()),
        }
    }

    rows.into_iter()
        .map(|(row, association)| {
            let mut related = related.remove(&row.id).unwrap_or_default();
            related.topics.sort();
            related.addressees.sort_by_key(|o| o.id);
            related
                .co_signers
                .sort_by_key(|c| (c.signed_on, c.organization_id));
            related.attachments.sort_by_key(|(id, _)| *id);
            related.responses.sort_by_key(|r| (r.received_on, r.id));
            let legislation = Legislation::from_columns(
                &row.legislation_register_number,
                &row.legislation_title,
                &row.legislation_url,
            );
            Ok(Position {
                id: row.id,
                association_id: row.association_id,
                association,
                number: row.number,
                kind: row.kind,
                title: row.title,
                summary: row.summary,
                body: row.body,
                status: row.status,
                adopted_on: row.adopted_on,
                sent_on: row.sent_on,
                topics: related.topics,
                legislation,
                addressee_ids: related.addressees.iter().map(|o| o.id).collect(),
                addressees: related.addressees,
                co_signers: related.co_signers,
                attachments: related.attachments.into_iter().map(|(_, a)| a).collect(),
                responses: related.responses,
                consultation_id: row.consultation_id,
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
                updated_at: crate::time::to_utc(row.updated_at),
            })
        })
        .collect()
}

/// One full position.
pub fn find_full(conn: &mut DbConnection, row: PositionRow) -> ApiResult<Position> {
    with_details(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("position vanished"))
}

/// Every move of a position, oldest first.
pub fn history(conn: &mut DbConnection, id: i64) -> ApiResult<Vec<TransitionRow>> {
    Ok(position_transitions::table
        .filter(position_transitions::position_id.eq(id))
        .order(position_transitions::id.asc())
        .load(conn)?)
}

/// The date of the latest move (not counting the creation).
pub fn last_move_on(conn: &mut DbConnection, id: i64) -> ApiResult<Option<NaiveDate>> {
    Ok(position_transitions::table
        .select(diesel::dsl::max(position_transitions::on_date))
        .filter(position_transitions::position_id.eq(id))
        .filter(position_transitions::from_status.is_not_null())
        .first(conn)?)
}

fn record_move(
    conn: &mut DbConnection,
    actor: &Actor,
    position_id: i64,
    from: Option<PositionStatus>,
    to: PositionStatus,
    on: NaiveDate,
    note: Option<&str>,
) -> ApiResult<()> {
    diesel::insert_into(position_transitions::table)
        .values(NewTransition {
            position_id,
            from_status: from,
            to_status: to,
            on_date: on,
            note,
            actor_user_id: actor.user_id,
            created_at: crate::time::now(),
        })
        .execute(conn)?;
    Ok(())
}

// ------------------------------------------------------------------ looked up by the checks

/// Does this consultation exist, and is it published or a draft `drafts` shows? The
/// consultations' own rule (published once announced), read here so that positions do
/// not depend on the consultations module.
pub fn consultation_visible(
    conn: &mut DbConnection,
    id: i64,
    drafts: &DraftVisibility,
) -> ApiResult<bool> {
    let found: Option<(i64, Option<NaiveDateTime>)> = consultations::table
        .find(id)
        .select((consultations::organizer_id, consultations::announced_at))
        .first(conn)
        .optional()?;
    Ok(found.is_some_and(|(organizer_id, announced_at)| {
        announced_at.is_some()
            || match drafts {
                DraftVisibility::All => true,
                DraftVisibility::OfAssociations(ids) => ids.contains(&organizer_id),
            }
    }))
}

/// The other position of the association that holds the number `seq/year`, if any.
pub fn number_holder(
    conn: &mut DbConnection,
    association_id: i64,
    (year, seq): (i32, i32),
    except_id: Option<i64>,
) -> ApiResult<Option<i64>> {
    let mut query = positions::table
        .select(positions::id)
        .filter(positions::association_id.eq(association_id))
        .filter(positions::number_year.eq(year))
        .filter(positions::number_seq.eq(seq))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(positions::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?)
}

/// The highest number of the association in the year, read under the numbering lock so
/// that concurrent adoptions get consecutive numbers.
pub fn highest_number(
    conn: &mut DbConnection,
    association_id: i64,
    year: i32,
) -> ApiResult<Option<i32>> {
    lock_numbering(conn, association_id)?;
    Ok(positions::table
        .select(diesel::dsl::max(positions::number_seq))
        .filter(positions::association_id.eq(association_id))
        .filter(positions::number_year.eq(year))
        .first(conn)?)
}

/// The signature of this organization on the position, if it signed.
pub fn co_signer(
    conn: &mut DbConnection,
    position_id: i64,
    organization_id: i64,
) -> ApiResult<Option<CoSignerRow>> {
    Ok(position_co_signers::table
        .select((
            position_co_signers::organization_id,
            position_co_signers::signed_on,
        ))
        .filter(position_co_signers::position_id.eq(position_id))
        .filter(position_co_signers::organization_id.eq(organization_id))
        .first(conn)
        .optional()?)
}

/// Is the organization an addressee of the position?
pub fn is_addressee(
    conn: &mut DbConnection,
    position_id: i64,
    organization_id: i64,
) -> ApiResult<bool> {
    let found: Option<i64> = position_addressees::table
        .select(position_addressees::organization_id)
        .filter(position_addressees::position_id.eq(position_id))
        .filter(position_addressees::organization_id.eq(organization_id))
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

// ------------------------------------------------------------------ writing

fn write_links(
    conn: &mut DbConnection,
    id: i64,
    before: &PositionLinks,
    after: &PositionLinks,
) -> ApiResult<()> {
    if before.topics != after.topics {
        crate::replace_rows!(conn, position_topics::position_id == id, for topic in &after.topics =>
            (position_topics::position_id.eq(id), position_topics::topic.eq(topic)));
    }
    if before.addressee_ids != after.addressee_ids {
        crate::replace_rows!(conn, position_addressees::position_id == id, for organization_id in &after.addressee_ids =>
            (position_addressees::position_id.eq(id), position_addressees::organization_id.eq(organization_id)));
    }
    if before.co_signers != after.co_signers {
        crate::replace_rows!(conn, position_co_signers::position_id == id, for co_signer in &after.co_signers =>
            NewCoSigner { position_id: id, organization_id: co_signer.organization_id, signed_on: co_signer.signed_on });
    }
    if before.attachments != after.attachments {
        crate::replace_rows!(conn, position_attachments::position_id == id, for attachment in &after.attachments =>
        NewAttachment {
            position_id: id,
            title: &attachment.title,
            url: &attachment.url,
            media_type: attachment.media_type.as_deref(),
            size_bytes: attachment.size_bytes,
        });
    }
    Ok(())
}

/// Inserts a draft with its related rows and its first history entry (call inside a
/// transaction, after [`begin_write`]).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    state: &PositionState,
) -> ApiResult<PositionRow> {
    let row = write::create::<Positions>(conn, actor, &state.fields, state)?;
    write_links(conn, row.id, &PositionLinks::default(), &state.links)?;
    record_move(
        conn,
        actor,
        row.id,
        None,
        row.status,
        crate::time::today(),
        None,
    )?;
    Ok(row)
}

/// Writes the new state of a position and of its related rows (412 if it moved on).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected: Expected,
    (before, after): (&PositionState, &PositionState),
) -> ApiResult<PositionRow> {
    let row = write::update::<Positions, _>(
        conn,
        actor,
        current,
        expected,
        &after.fields,
        (before, after),
    )?;
    write_links(conn, row.id, &before.links, &after.links)?;
    Ok(row)
}

/// Deletes a position (its related rows go with it); the audit keeps `snapshot`.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected: Expected,
    snapshot: &PositionState,
) -> ApiResult<()> {
    write::delete::<Positions>(conn, actor, current, expected, snapshot)
}

/// Writes a lifecycle move: the new state, the history entry and the audit record.
pub fn transition(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected: Expected,
    fields: &PositionFields,
    on: NaiveDate,
    note: Option<&str>,
) -> ApiResult<PositionRow> {
    let (from, to) = (current.status, fields.status);
    let row = write::transition::<Positions>(
        conn,
        actor,
        current,
        expected,
        fields,
        serde_json::json!({
            "status": [from, to],
            "on": on,
            "note": note,
            "number": fields.number,
        }),
    )?;
    record_move(conn, actor, row.id, Some(from), to, on, note)?;
    Ok(row)
}

/// Bumps the version of a position whose related rows changed, recorded as `action`.
fn touch_as(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    current: &PositionRow,
    expected: Expected,
    changes: serde_json::Value,
) -> ApiResult<PositionRow> {
    let fields = PositionFields::from(current.clone());
    write::update_as::<Positions>(conn, actor, action, current, expected, &fields, changes)
}

/// Adds an organization's signature.
pub fn add_co_signer(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    signer: &CoSignerRow,
) -> ApiResult<PositionRow> {
    diesel::insert_into(position_co_signers::table)
        .values(NewCoSigner {
            position_id: current.id,
            organization_id: signer.organization_id,
            signed_on: signer.signed_on,
        })
        .execute(conn)?;
    let changes = serde_json::json!({
        "organization_id": signer.organization_id,
        "signed_on": signer.signed_on,
    });
    touch_as(
        conn,
        actor,
        Action::CoSign,
        current,
        Expected::current(current.version),
        changes,
    )
}

/// Withdraws an organization's signature if the position is still at `expected`.
pub fn remove_co_signer(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected: Expected,
    signer: &CoSignerRow,
) -> ApiResult<PositionRow> {
    let changes = serde_json::to_value(signer).unwrap_or_default();
    let row = touch_as(
        conn,
        actor,
        Action::RemoveCoSigner,
        current,
        expected,
        changes,
    )?;
    diesel::delete(
        position_co_signers::table
            .filter(position_co_signers::position_id.eq(current.id))
            .filter(position_co_signers::organization_id.eq(signer.organization_id)),
    )
    .execute(conn)?;
    Ok(row)
}

/// Stores a reply (its audit record comes with [`record_response`]).
pub fn insert_response(conn: &mut DbConnection, response: &NewResponse) -> ApiResult<i64> {
    Ok(diesel::insert_into(position_responses::table)
        .values(response)
        .returning(position_responses::id)
        .get_result(conn)?)
}

/// Records a stored reply. With `bump` the position's version moves on with it;
/// without, the reply is recorded alone, for a caller whose next write (the move to
/// `answered`) bumps the version.
pub fn record_response(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    response_id: i64,
    response: &NewResponse,
    bump: bool,
) -> ApiResult<PositionRow> {
    let changes = serde_json::json!({"response_id": response_id, "response": response});
    if bump {
        return touch_as(
            conn,
            actor,
            Action::Response,
            current,
            Expected::current(current.version),
            changes,
        );
    }
    write::record_change(
        conn,
        actor,
        Action::Response,
        Positions::OBJECT,
        current.id,
        Some(changes),
    )?;
    Ok(current.clone())
}

/// The positions that answer these consultations — published ones, and drafts as far
/// as `drafts` shows them — by adoption date.
pub fn answering(
    conn: &mut DbConnection,
    consultation_ids: &[i64],
    drafts: &DraftVisibility,
) -> ApiResult<Vec<PositionRow>> {
    use positions::dsl as p;
    if consultation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = p::positions
        .filter(p::consultation_id.eq_any(consultation_ids.to_vec()))
        .into_boxed();
    match drafts {
        DraftVisibility::All => {}
        DraftVisibility::OfAssociations(ids) => {
            query = query.filter(
                p::published
                    .eq(true)
                    .or(p::association_id.eq_any(ids.clone())),
            );
        }
    }
    Ok(query
        .order((p::adopted_sort.asc(), p::id.asc()))
        .load(conn)?)
}

/// How many positions (of any status) answer this consultation.
pub fn count_answering(conn: &mut DbConnection, consultation_id: i64) -> ApiResult<i64> {
    Ok(positions::table
        .filter(positions::consultation_id.eq(consultation_id))
        .count()
        .get_result(conn)?)
}

// ------------------------------------------------------------------ related rows

/// The related rows of several positions in one statement: a `UNION ALL` over topics,
/// addressees, co-signers, attachments and replies, each with the summary of the
/// organization it names. Diesel's `MultiConnection` has no `UNION`, so this is written
/// out for each backend: the same SQL but for the id list (PostgreSQL binds an array,
/// SQLite a JSON array read with `json_each`). Its query id is static, so both backends
/// prepare it once per connection.
mod related {
    use chrono::{NaiveDate, NaiveDateTime};
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
    use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamp};
    use diesel::sqlite::Sqlite;

    use crate::db::DbConnection;

    pub const TOPIC: i32 = 1;
    pub const ADDRESSEE: i32 = 2;
    pub const CO_SIGNER: i32 = 3;
    pub const ATTACHMENT: i32 = 4;
    pub const RESPONSE: i32 = 5;

    /// One related row; what `a`-`d`, `day`, `n1`, `n2` and `at` hold depends on `part`.
    #[derive(Debug, Queryable)]
    pub struct Row {
        pub position_id: i64,
        pub part: i32,
        pub organization_id: Option<i64>,
        pub slug: Option<String>,
        pub name: Option<String>,
        pub short_name: Option<String>,
        pub kind: Option<crate::domain::OrganizationKind>,
        /// Topic; attachment title; reply summary.
        pub a: Option<String>,
        /// Attachment URL; reply attachment title.
        pub b: Option<String>,
        /// Attachment media type; reply attachment URL.
        pub c: Option<String>,
        /// Reply attachment media type.
        pub d: Option<String>,
        /// Signed on; received on.
        pub day: Option<NaiveDate>,
        /// Attachment id; reply id.
        pub n1: Option<i64>,
        /// Attachment size; reply attachment size.
        pub n2: Option<i64>,
        /// Reply recorded at.
        pub at: Option<NaiveDateTime>,
    }

    /// Each branch ends with the column compared with the id list.
    const BRANCHES: [&str; 5] = [
        "SELECT t.position_id, 1, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
         CAST(NULL AS TEXT), CAST(NULL AS TEXT), t.topic, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
         CAST(NULL AS TEXT), CAST(NULL AS DATE), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), \
         CAST(NULL AS TIMESTAMP) \
         FROM position_topics t WHERE t.position_id",
        " UNION ALL SELECT a.position_id, 2, o.id, o.slug, o.name, o.short_name, o.kind, \
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM position_addressees a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.position_id",
        " UNION ALL SELECT c.position_id, 3, o.id, o.slug, o.name, o.short_name, o.kind, \
         NULL, NULL, NULL, NULL, c.signed_on, NULL, NULL, NULL \
         FROM position_co_signers c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.position_id",
        " UNION ALL SELECT f.position_id, 4, NULL, NULL, NULL, NULL, NULL, \
         f.title, f.url, f.media_type, NULL, NULL, f.id, f.size_bytes, NULL \
         FROM position_attachments f WHERE f.position_id",
        " UNION ALL SELECT r.position_id, 5, o.id, o.slug, o.name, o.short_name, o.kind, \
         r.summary, r.attachment_title, r.attachment_url, r.attachment_media_type, \
         r.received_on, r.id, r.attachment_size_bytes, r.created_at \
         FROM position_responses r JOIN organizations o ON o.id = r.from_organization_id \
         WHERE r.position_id",
    ];

    /// How the statement names its positions: one id (`= $1`) or a list. One id gets
    /// its own statement because PostgreSQL, seeing a one-element array, would plan
    /// `= ANY($1)` anew on every execution (its generic plan assumes a longer list and
    /// looks dearer), while `= $1` settles on the generic plan after five runs.
    pub trait Ids: Send + 'static {
        fn walk_pg<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
        fn walk_sqlite<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()>;
    }

    pub struct One(pub i64);

    impl Ids for One {
        fn walk_pg<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql(" = ");
            out.push_bind_param::<BigInt, _>(&self.0)
        }

        fn walk_sqlite<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
            out.push_sql(" = ");
            out.push_bind_param::<BigInt, _>(&self.0)
        }
    }

    pub struct Many {
        ids: Vec<i64>,
        /// The ids as a JSON array, for SQLite's `json_each`.
        json: String,
    }

    impl Ids for Many {
        fn walk_pg<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql(" = ANY(");
            out.push_bind_param::<Array<BigInt>, _>(&self.ids)?;
            out.push_sql(")");
            Ok(())
        }

        fn walk_sqlite<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
            out.push_sql(" IN (SELECT value FROM json_each(");
            out.push_bind_param::<Text, _>(&self.json)?;
            out.push_sql("))");
            Ok(())
        }
    }

    pub struct RelatedRows<I>(I);

    /// One cached statement per shape of id list.
    impl<I: Ids> QueryId for RelatedRows<I> {
        type QueryId = RelatedRows<I>;
        const HAS_STATIC_QUERY_ID: bool = true;
    }

    impl<I> Query for RelatedRows<I> {
        type SqlType = (
            BigInt,
            Integer,
            Nullable<BigInt>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Text>,
            Nullable<Date>,
            Nullable<BigInt>,
            Nullable<BigInt>,
            Nullable<Timestamp>,
        );
    }

    impl<I, C> RunQueryDsl<C> for RelatedRows<I> {}

    impl<I: Ids> QueryFragment<Pg> for RelatedRows<I> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            for branch in BRANCHES {
                out.push_sql(branch);
                self.0.walk_pg(&mut out)?;
            }
            Ok(())
        }
    }

    impl<I: Ids> QueryFragment<Sqlite> for RelatedRows<I> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
            for branch in BRANCHES {
                out.push_sql(branch);
                self.0.walk_sqlite(&mut out)?;
            }
            Ok(())
        }
    }

    fn run<I: Ids>(conn: &mut DbConnection, query: RelatedRows<I>) -> QueryResult<Vec<Row>> {
        match conn {
            DbConnection::Pg(pg) => query.load(pg),
            DbConnection::Sqlite(sqlite) => query.load(sqlite),
        }
    }

    pub fn load(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Row>> {
        match ids {
            [id] => run(conn, RelatedRows(One(*id))),
            _ => run(
                conn,
                RelatedRows(Many {
                    ids: ids.to_vec(),
                    json: serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned()),
                }),
            ),
        }
    }
}
