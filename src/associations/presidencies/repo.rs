//! Every query on presidencies.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::PresidencySort;
use super::model::{PresidencyFields, PresidencyRow};
use crate::db::DbConnection;
use crate::db::schema::{organizations, presidencies};
use crate::error::ApiResult;
use crate::organizations::model::OrganizationRow;
use crate::pagination::{Cursor, PageRequest};
use crate::write::{self, Actor};

#[derive(Debug)]
pub struct ListFilter {
    pub on: Option<NaiveDate>,
    pub holder_id: Option<i64>,
    pub updated_since: Option<NaiveDateTime>,
}

pub fn cursor_after(row: &(PresidencyRow, OrganizationRow), sort: PresidencySort) -> Cursor {
    Cursor::keyed(sort, crate::time::date_key(row.0.starts_on), row.0.id)
}

/// A page of an alliance's presidency terms, each with its holder.
pub fn list(
    conn: &mut DbConnection,
    alliance_id: i64,
    filter: &ListFilter,
    page: &PageRequest<PresidencySort>,
) -> ApiResult<Vec<(PresidencyRow, OrganizationRow)>> {
    use organizations::dsl as o;
    use presidencies::dsl as p;
    let mut query = p::presidencies
        .inner_join(o::organizations.on(o::id.eq(p::holder_id)))
        .filter(p::alliance_id.eq(alliance_id))
        .select((
            p::presidencies::all_columns(),
            o::organizations::all_columns(),
        ))
        .into_boxed();
    if let Some(day) = filter.on {
        query = query.filter(p::starts_on.le(day).and(p::ends_on.ge(day)));
    }
    if let Some(holder_id) = filter.holder_id {
        query = query.filter(p::holder_id.eq(holder_id));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    let after = page.after.as_ref().map(Cursor::date_position).transpose()?;
    query = crate::keyset!(
        query,
        p::starts_on,
        p::id,
        after,
        page.sort == PresidencySort::StartsOn
    );
    Ok(query.limit(page.fetch()).load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    alliance_id: i64,
    presidency_id: i64,
) -> ApiResult<Option<PresidencyRow>> {
    Ok(presidencies::table
        .find(presidency_id)
        .filter(presidencies::alliance_id.eq(alliance_id))
        .first(conn)
        .optional()?)
}

/// The terms in force on `day` of these alliances (at most one each).
pub fn in_force(
    conn: &mut DbConnection,
    alliance_ids: &[i64],
    day: NaiveDate,
) -> ApiResult<Vec<PresidencyRow>> {
    if alliance_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(presidencies::table
        .filter(presidencies::alliance_id.eq_any(alliance_ids.to_vec()))
        .filter(presidencies::starts_on.le(day))
        .filter(presidencies::ends_on.ge(day))
        .order((presidencies::starts_on.asc(), presidencies::id.asc()))
        .load(conn)?)
}

/// Another term of the same alliance that shares a day with this one.
pub fn overlapping(
    conn: &mut DbConnection,
    fields: &PresidencyFields,
    except_id: Option<i64>,
) -> ApiResult<Option<PresidencyRow>> {
    let mut query = presidencies::table
        .filter(presidencies::alliance_id.eq(fields.alliance_id))
        .filter(presidencies::starts_on.le(fields.ends_on))
        .filter(presidencies::ends_on.ge(fields.starts_on))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(presidencies::id.ne(id));
    }
    Ok(query
        .order(presidencies::starts_on.asc())
        .first(conn)
        .optional()?)
}

/// Every term a holder had or has in an alliance.
pub fn terms_of(
    conn: &mut DbConnection,
    alliance_id: i64,
    holder_id: i64,
) -> ApiResult<Vec<PresidencyRow>> {
    Ok(presidencies::table
        .filter(presidencies::alliance_id.eq(alliance_id))
        .filter(presidencies::holder_id.eq(holder_id))
        .order(presidencies::starts_on.asc())
        .load(conn)?)
}

crate::versioned_table!(
    /// The presidencies table on the write path.
    Presidencies,
    presidencies,
    PresidencyRow,
    PresidencyFields,
    "presidency",
    parent = alliance_id
);

/// Inserts a term and its audit record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &PresidencyFields,
) -> ApiResult<PresidencyRow> {
    write::create::<Presidencies>(conn, actor, fields, fields)
}
