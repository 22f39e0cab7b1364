//! Every query on positions and their related rows.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::{
    Attachment, CoSigner, Legislation, Position, PositionResponse, PositionSort, check_consistency,
};
use super::model::{
    AttachmentData, AttachmentRow, CoSignerRow, NewAttachment, NewCoSigner, NewResponse,
    NewTransition, PositionFields, PositionLinks, PositionRow, PositionState, Stamp, TransitionRow,
};
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::schema::{
    organizations, position_addressees, position_attachments, position_co_signers,
    position_responses, position_topics, position_transitions, positions,
};
use crate::domain::{OrganizationKind, PositionNumber, PositionStatus};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::organizations::dto::{OrganizationSummary, parse_kind as parse_organization_kind};
use crate::organizations::model::OrganizationRow;
use crate::pagination::Cursor;
use crate::write::{self, Actor};

/// The audit log's name of a position.
const OBJECT: &str = "position";

/// Today's date (UTC), the default date of moves and signatures.
pub fn today() -> NaiveDate {
    crate::time::now().date()
}

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

type SummaryRow = (i64, String, String, Option<String>, String);

fn summary((id, slug, name, short_name, kind): SummaryRow) -> OrganizationSummary {
    OrganizationSummary {
        id,
        slug,
        name,
        short_name,
        kind: parse_organization_kind(&kind),
    }
}

/// The columns of a `PositionRow` as responses need them, with `$body` for the body
/// (the column, or a bound NULL for lists). The folded search text is only searched,
/// never shown, so it is not fetched. Values left out are bound, not SQL literals: a
/// literal would keep diesel from caching the prepared statement, and PostgreSQL would
/// then parse and plan the query on every request.
macro_rules! position_columns {
    ($body:expr) => {{
        use diesel::IntoSql;
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
            "".into_sql::<diesel::sql_types::Text>(),
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

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub drafts: DraftVisibility,
    pub association: Option<i64>,
    pub kind: Option<&'static str>,
    pub status: Option<&'static str>,
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
    pub sort: PositionSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &PositionRow, sort: PositionSort) -> Cursor {
    let key = match sort {
        PositionSort::AdoptedOn | PositionSort::AdoptedOnDesc => {
            row.adopted_sort.format("%Y-%m-%d").to_string()
        }
        PositionSort::UpdatedAt | PositionSort::UpdatedAtDesc => {
            crate::time::cursor_key(row.updated_at)
        }
    };
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(key),
        id: row.id,
    }
}

/// One page of positions in keyset order, each with its association's summary. Drafts
/// the caller may not see are filtered here, in SQL, so pages never leak them (nor come
/// out short). Lists show no bodies: the row's `body` (and `search_text`) come back empty.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
) -> ApiResult<Vec<(PositionRow, OrganizationSummary)>> {
    use positions::dsl as p;
    // Lists show no bodies.
    let columns = (
        position_columns!(
            None::<String>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>()
        ),
        SUMMARY_COLUMNS,
    );
    let mut query = p::positions
        .inner_join(organizations::table)
        .select(columns)
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
        query = query.filter(
            p::search_text
                .like(crate::organizations::repo::like_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    let after = filter.after.as_ref();
    // A missing adoption date sorts as 9999-12-31 (`adopted_sort`), so every row has a key.
    query = match filter.sort {
        PositionSort::AdoptedOn | PositionSort::AdoptedOnDesc => crate::keyset!(
            query,
            p::adopted_sort,
            p::id,
            after.map(Cursor::date_position).transpose()?,
            filter.sort == PositionSort::AdoptedOn
        ),
        PositionSort::UpdatedAt | PositionSort::UpdatedAtDesc => crate::keyset!(
            query,
            p::updated_at,
            p::id,
            after.map(Cursor::timestamp_position).transpose()?,
            filter.sort == PositionSort::UpdatedAt
        ),
    };
    let rows: Vec<(PositionRow, SummaryRow)> = query.limit(filter.fetch).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, association)| (row, summary(association)))
        .collect())
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

/// Canonical order of the written lists, so that equal sets compare equal.
pub fn canonical(mut links: PositionLinks) -> PositionLinks {
    links.topics.sort();
    links.addressee_ids.sort_unstable();
    links.co_signers.sort_by_key(|c| c.organization_id);
    links
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
                    kind: parse_organization_kind(&kind),
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
            let legislation = (row.legislation_register_number.is_some()
                || row.legislation_title.is_some()
                || row.legislation_url.is_some())
            .then(|| Legislation {
                register_number: row.legislation_register_number.clone(),
                title: row.legislation_title.clone(),
                url: row.legislation_url.clone(),
            });
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
fn last_move_on(conn: &mut DbConnection, id: i64) -> ApiResult<Option<NaiveDate>> {
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

// ------------------------------------------------------------------ checks

/// Every referenced organization (and the consultation answered, among those in
/// `consultations`) must exist, and the adopting one be an association or alliance:
/// 422 naming the field otherwise. A draft consultation the writer may not see is
/// answered as a missing one, so that its id gives nothing away.
fn check_references(
    conn: &mut DbConnection,
    consultations: &DraftVisibility,
    fields: &PositionFields,
    links: &PositionLinks,
) -> ApiResult<()> {
    let mut ids: Vec<i64> = vec![fields.association_id];
    ids.extend(&links.addressee_ids);
    ids.extend(links.co_signers.iter().map(|c| c.organization_id));
    let found: HashMap<i64, OrganizationRow> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut errors = Vec::new();
    match found.get(&fields.association_id) {
        None => errors.push(FieldError::new(
            "association_id",
            "not_found",
            format!("organization {} does not exist", fields.association_id),
        )),
        Some(organization) if !parse_organization_kind(&organization.kind).is_association() => {
            errors.push(FieldError::new(
                "association_id",
                "not_an_association",
                format!(
                    "'{}' is not an association or alliance ({})",
                    organization.name,
                    OrganizationKind::ASSOCIATIONS
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
        Some(_) => {}
    }
    if let Some(missing) = links
        .addressee_ids
        .iter()
        .find(|id| !found.contains_key(id))
    {
        errors.push(FieldError::new(
            "addressee_ids",
            "not_found",
            format!("organization {missing} does not exist"),
        ));
    }
    if let Some(missing) = links
        .co_signers
        .iter()
        .find(|c| !found.contains_key(&c.organization_id))
    {
        errors.push(FieldError::new(
            "co_signers",
            "not_found",
            format!("organization {} does not exist", missing.organization_id),
        ));
    }
    if let Some(consultation_id) = fields.consultation_id
        && !crate::consultations::repo::exists(conn, consultation_id, consultations)?
    {
        errors.push(FieldError::new(
            "consultation_id",
            "not_found",
            format!("consultation {consultation_id} does not exist"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// A given number must be free within its association and year (409 otherwise).
fn check_number_free(
    conn: &mut DbConnection,
    fields: &PositionFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    let (Some(year), Some(seq)) = (fields.number_year, fields.number_seq) else {
        return Ok(());
    };
    let mut query = positions::table
        .select(positions::id)
        .filter(positions::association_id.eq(fields.association_id))
        .filter(positions::number_year.eq(year))
        .filter(positions::number_seq.eq(seq))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(positions::id.ne(id));
    }
    if let Some(other) = query.first::<i64>(conn).optional()? {
        return Err(ApiError::new(
            Code::NumberTaken,
            format!(
                "the number {seq}/{year} is already used by position {other} of this association"
            ),
        ));
    }
    Ok(())
}

/// The next number of the year: one more than the highest, assigned under the
/// numbering lock so that concurrent adoptions get consecutive numbers.
fn next_number(
    conn: &mut DbConnection,
    association_id: i64,
    year: i32,
) -> ApiResult<PositionNumber> {
    lock_numbering(conn, association_id)?;
    let highest: Option<i32> = positions::table
        .select(diesel::dsl::max(positions::number_seq))
        .filter(positions::association_id.eq(association_id))
        .filter(positions::number_year.eq(year))
        .first(conn)?;
    let seq = highest.unwrap_or(0) + 1;
    PositionNumber::new(seq, year)
        .ok_or_else(|| ApiError::internal(format!("no valid number {seq}/{year}")))
}

/// Co-signing is possible only before the position is sent (and while it stands).
pub fn check_co_signing_open(status: PositionStatus) -> ApiResult<()> {
    if status.is_sent() {
        return Err(ApiError::new(
            Code::PositionAlreadySent,
            "the position has been sent; its co-signers can no longer change",
        ));
    }
    if status == PositionStatus::Withdrawn {
        return Err(ApiError::new(
            Code::PositionWithdrawn,
            "the position has been withdrawn; it can no longer be co-signed",
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------ writing

fn write_links(
    conn: &mut DbConnection,
    id: i64,
    before: &PositionLinks,
    after: &PositionLinks,
) -> ApiResult<()> {
    if before.topics != after.topics {
        diesel::delete(position_topics::table.filter(position_topics::position_id.eq(id)))
            .execute(conn)?;
        for topic in &after.topics {
            diesel::insert_into(position_topics::table)
                .values((
                    position_topics::position_id.eq(id),
                    position_topics::topic.eq(topic),
                ))
                .execute(conn)?;
        }
    }
    if before.addressee_ids != after.addressee_ids {
        diesel::delete(position_addressees::table.filter(position_addressees::position_id.eq(id)))
            .execute(conn)?;
        for organization_id in &after.addressee_ids {
            diesel::insert_into(position_addressees::table)
                .values((
                    position_addressees::position_id.eq(id),
                    position_addressees::organization_id.eq(organization_id),
                ))
                .execute(conn)?;
        }
    }
    if before.co_signers != after.co_signers {
        diesel::delete(position_co_signers::table.filter(position_co_signers::position_id.eq(id)))
            .execute(conn)?;
        for co_signer in &after.co_signers {
            diesel::insert_into(position_co_signers::table)
                .values(NewCoSigner {
                    position_id: id,
                    organization_id: co_signer.organization_id,
                    signed_on: co_signer.signed_on,
                })
                .execute(conn)?;
        }
    }
    if before.attachments != after.attachments {
        diesel::delete(
            position_attachments::table.filter(position_attachments::position_id.eq(id)),
        )
        .execute(conn)?;
        for attachment in &after.attachments {
            diesel::insert_into(position_attachments::table)
                .values(NewAttachment {
                    position_id: id,
                    title: &attachment.title,
                    url: &attachment.url,
                    media_type: attachment.media_type.as_deref(),
                    size_bytes: attachment.size_bytes,
                })
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Writes the position row if its version is still `expected_version` (else 412).
fn write_row(
    conn: &mut DbConnection,
    current: &PositionRow,
    expected_version: i64,
    fields: &PositionFields,
) -> ApiResult<PositionRow> {
    let updated: Option<PositionRow> = diesel::update(
        positions::table
            .filter(positions::id.eq(current.id))
            .filter(positions::version.eq(expected_version)),
    )
    .set((
        fields,
        Stamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(positions::all_columns)
    .get_result(conn)
    .optional()?;
    updated.ok_or_else(|| ApiError::precondition_failed(current.version))
}

/// Inserts a draft, its related rows, its first history entry and its audit record
/// (call inside a transaction, after [`begin_write`]). `consultations` are the drafts
/// the actor may see (and so answer).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    consultations: &DraftVisibility,
    fields: PositionFields,
    links: PositionLinks,
) -> ApiResult<PositionRow> {
    let links = canonical(links);
    check_consistency(&fields, &links)?;
    check_references(conn, consultations, &fields, &links)?;
    check_number_free(conn, &fields, None)?;
    let now = crate::time::now();
    let row: PositionRow = diesel::insert_into(positions::table)
        .values((
            &fields,
            positions::version.eq(1),
            positions::created_at.eq(now),
            positions::updated_at.eq(now),
        ))
        .returning(positions::all_columns)
        .get_result(conn)?;
    write_links(conn, row.id, &PositionLinks::default(), &links)?;
    record_move(conn, actor, row.id, None, row.status, now.date(), None)?;
    let state = PositionState { fields, links };
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

/// Writes the new state of a position if its version is still `expected_version`.
/// `consultations` are the drafts the actor may see; the one already answered stays.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    consultations: &DraftVisibility,
    current: &PositionRow,
    current_links: PositionLinks,
    expected_version: i64,
    fields: PositionFields,
    links: PositionLinks,
) -> ApiResult<PositionRow> {
    let before = PositionState {
        fields: PositionFields::from(current.clone()),
        links: canonical(current_links),
    };
    let after = PositionState {
        fields,
        links: canonical(links),
    };
    if before == after {
        return Ok(current.clone());
    }
    let status = current.status;
    if before.fields.association_id != after.fields.association_id
        && status != PositionStatus::Draft
    {
        return Err(ApiError::new(
            Code::PositionNotDraft,
            "only a draft may move to another association",
        ));
    }
    if before.links.co_signers != after.links.co_signers {
        check_co_signing_open(status)?;
    }
    if before.fields.sent_on != after.fields.sent_on && !status.is_sent() {
        return Err(ApiError::invalid_field(
            "sent_on",
            "set_by_transition",
            "sent_on is set by the move to 'sent' (POST /positions/{id}/transitions)",
        ));
    }
    check_consistency(&after.fields, &after.links)?;
    let consultations = if before.fields.consultation_id == after.fields.consultation_id {
        &DraftVisibility::All
    } else {
        consultations
    };
    check_references(conn, consultations, &after.fields, &after.links)?;
    check_number_free(conn, &after.fields, Some(current.id))?;
    let row = write_row(conn, current, expected_version, &after.fields)?;
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

/// Deletes a draft or withdrawn position (with its related rows).
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected_version: i64,
) -> ApiResult<()> {
    let status = current.status;
    if !matches!(status, PositionStatus::Draft | PositionStatus::Withdrawn) {
        return Err(ApiError::new(
            Code::PositionNotDeletable,
            format!(
                "a position in status '{status}' is part of the record; withdraw it first \
                 (POST /positions/{}/transitions with {{\"to\": \"withdrawn\"}})",
                current.id
            ),
        ));
    }
    let snapshot = PositionState {
        fields: PositionFields::from(current.clone()),
        links: links(conn, current.id)?,
    };
    let deleted = diesel::delete(
        positions::table
            .filter(positions::id.eq(current.id))
            .filter(positions::version.eq(expected_version)),
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

/// A lifecycle move asked for.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: PositionStatus,
    pub on: Option<NaiveDate>,
    pub note: Option<String>,
}

fn illegal_transition(from: PositionStatus, to: PositionStatus) -> ApiError {
    let allowed = from.allowed_next();
    let detail = if allowed.is_empty() {
        format!(
            "a position in status '{from}' cannot move to '{to}'; allowed: none ('{from}' is final)"
        )
    } else {
        format!(
            "a position in status '{from}' cannot move to '{to}'; allowed: {}",
            allowed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    ApiError::new(Code::IllegalTransition, detail)
}

/// Moves a position through its lifecycle if its version is still `expected_version`:
/// checks the move, stamps its date, numbers the position on adoption, keeps the move
/// in the history and the audit log.
pub fn transition(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected_version: i64,
    request: &Move,
) -> ApiResult<PositionRow> {
    let from = current.status;
    let to = request.to;
    if !from.can_move_to(to) {
        return Err(illegal_transition(from, to));
    }
    let mut fields = PositionFields::from(current.clone());
    let on = match to {
        PositionStatus::Adopted => {
            let adopted_on = request.on.or(fields.adopted_on);
            let mut missing = Vec::new();
            if fields.title.is_none() {
                missing.push(FieldError::new(
                    "title",
                    "required_for_adoption",
                    "a position is adopted only with a title",
                ));
            }
            if fields.body.as_deref().is_none_or(|b| b.trim().is_empty()) {
                missing.push(FieldError::new(
                    "body",
                    "required_for_adoption",
                    "a position is adopted only with a body",
                ));
            }
            if adopted_on.is_none() {
                missing.push(FieldError::new(
                    "adopted_on",
                    "required_for_adoption",
                    "a position is adopted only with an adoption date: give 'on', or set adopted_on on the draft",
                ));
            }
            let Some(adopted_on) = adopted_on.filter(|_| missing.is_empty()) else {
                return Err(ApiError::validation(missing));
            };
            fields.adopted_on = Some(adopted_on);
            fields.published = true;
            adopted_on
        }
        _ => request.on.unwrap_or_else(today),
    };
    if let Some(last) = last_move_on(conn, current.id)?
        && on < last
    {
        return Err(ApiError::invalid_field(
            "on",
            "before_previous_move",
            format!(
                "the previous move of this position is dated {last}; a later move cannot be dated {on}"
            ),
        ));
    }
    match to {
        PositionStatus::Sent => fields.sent_on = Some(on),
        PositionStatus::Answered | PositionStatus::Closed => {
            if let Some(sent_on) = fields.sent_on
                && on < sent_on
            {
                return Err(ApiError::invalid_field(
                    "on",
                    "before_previous_move",
                    format!(
                        "the position was sent on {sent_on}; a later move cannot be dated {on}"
                    ),
                ));
            }
        }
        _ => {}
    }
    if to == PositionStatus::Sent
        && let Some(adopted_on) = fields.adopted_on
        && on < adopted_on
    {
        return Err(ApiError::invalid_field(
            "on",
            "before_adoption",
            format!("the position was adopted on {adopted_on}; it cannot be sent on {on}"),
        ));
    }
    fields.status = to;
    fields.refresh_derived();
    if to == PositionStatus::Adopted {
        let year = on.year();
        match fields.number_year {
            Some(number_year) if number_year != year => {
                return Err(ApiError::invalid_field(
                    "number",
                    "number_year_mismatch",
                    format!(
                        "the position is numbered {} but adopted in {year}; change its number first",
                        fields.number.as_deref().unwrap_or_default()
                    ),
                ));
            }
            Some(_) => {}
            None => {
                fields.number = Some(next_number(conn, fields.association_id, year)?.into_inner());
                fields.refresh_derived();
            }
        }
    }
    check_consistency(&fields, &PositionLinks::default())?;
    let row = write_row(conn, current, expected_version, &fields)?;
    record_move(
        conn,
        actor,
        row.id,
        Some(from),
        to,
        on,
        request.note.as_deref(),
    )?;
    write::record(
        conn,
        actor,
        "transition",
        OBJECT,
        row.id,
        Some(serde_json::json!({
            "status": [from, to],
            "on": on,
            "note": request.note,
            "number": row.number,
        })),
    )?;
    Ok(row)
}

/// Bumps the version of a position whose related rows changed.
fn touch(
    conn: &mut DbConnection,
    current: &PositionRow,
    expected_version: i64,
) -> ApiResult<PositionRow> {
    write_row(
        conn,
        current,
        expected_version,
        &PositionFields::from(current.clone()),
    )
}

/// Adds an organization's signature (before the position is sent).
pub fn co_sign(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    organization_id: i64,
    signed_on: NaiveDate,
) -> ApiResult<PositionRow> {
    check_co_signing_open(current.status)?;
    if crate::organizations::repo::find(conn, organization_id)?.is_none() {
        return Err(ApiError::not_found(format!(
            "organization {organization_id} does not exist"
        )));
    }
    if organization_id == current.association_id {
        return Err(ApiError::new(
            Code::OwnPosition,
            "the adopting association does not co-sign its own position",
        ));
    }
    let signed: Option<i64> = position_co_signers::table
        .select(position_co_signers::organization_id)
        .filter(position_co_signers::position_id.eq(current.id))
        .filter(position_co_signers::organization_id.eq(organization_id))
        .first(conn)
        .optional()?;
    if signed.is_some() {
        return Err(ApiError::new(
            Code::AlreadyCoSigned,
            format!("organization {organization_id} has already co-signed this position"),
        ));
    }
    diesel::insert_into(position_co_signers::table)
        .values(NewCoSigner {
            position_id: current.id,
            organization_id,
            signed_on,
        })
        .execute(conn)?;
    let row = touch(conn, current, current.version)?;
    write::record(
        conn,
        actor,
        "co_sign",
        OBJECT,
        row.id,
        Some(serde_json::json!({"organization_id": organization_id, "signed_on": signed_on})),
    )?;
    Ok(row)
}

/// Withdraws an organization's signature (before the position is sent).
pub fn remove_co_signer(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected_version: i64,
    organization_id: i64,
) -> ApiResult<PositionRow> {
    check_co_signing_open(current.status)?;
    let signer: Option<CoSignerRow> = position_co_signers::table
        .select((
            position_co_signers::organization_id,
            position_co_signers::signed_on,
        ))
        .filter(position_co_signers::position_id.eq(current.id))
        .filter(position_co_signers::organization_id.eq(organization_id))
        .first(conn)
        .optional()?;
    let Some(signer) = signer else {
        return Err(ApiError::not_found(format!(
            "organization {organization_id} has not co-signed position {}",
            current.id
        )));
    };
    let row = touch(conn, current, expected_version)?;
    diesel::delete(
        position_co_signers::table
            .filter(position_co_signers::position_id.eq(current.id))
            .filter(position_co_signers::organization_id.eq(organization_id)),
    )
    .execute(conn)?;
    write::record(
        conn,
        actor,
        "remove_co_signer",
        OBJECT,
        row.id,
        Some(serde_json::to_value(&signer).unwrap_or_default()),
    )?;
    Ok(row)
}

/// Records an addressee's reply; a `sent` position becomes `answered` (kept in the history).
pub fn add_response(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    mut response: NewResponse,
) -> ApiResult<PositionRow> {
    let status = current.status;
    if !status.is_sent() {
        return Err(ApiError::new(
            Code::PositionNotSent,
            format!("a position in status '{status}' has not been sent, so it has no replies"),
        ));
    }
    let addressee: Option<i64> = position_addressees::table
        .select(position_addressees::organization_id)
        .filter(position_addressees::position_id.eq(current.id))
        .filter(position_addressees::organization_id.eq(response.from_organization_id))
        .first(conn)
        .optional()?;
    if addressee.is_none() {
        return Err(ApiError::invalid_field(
            "from_id",
            "not_an_addressee",
            format!(
                "organization {} is not an addressee of this position; add it to addressee_ids first",
                response.from_organization_id
            ),
        ));
    }
    if let Some(sent_on) = current.sent_on
        && response.received_on < sent_on
    {
        return Err(ApiError::invalid_field(
            "received_on",
            "before_sending",
            format!(
                "the position was sent on {sent_on}; a reply cannot be received on {}",
                response.received_on
            ),
        ));
    }
    response.position_id = current.id;
    response.created_at = crate::time::now();
    let response_id: i64 = diesel::insert_into(position_responses::table)
        .values(&response)
        .returning(position_responses::id)
        .get_result(conn)?;
    write::record(
        conn,
        actor,
        "response",
        OBJECT,
        current.id,
        Some(serde_json::json!({"response_id": response_id, "response": response})),
    )?;
    if status == PositionStatus::Sent {
        let answered = Move {
            to: PositionStatus::Answered,
            on: Some(response.received_on),
            note: Some(format!("reply recorded (response {response_id})")),
        };
        return transition(conn, actor, current, current.version, &answered);
    }
    touch(conn, current, current.version)
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
        pub kind: Option<String>,
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
