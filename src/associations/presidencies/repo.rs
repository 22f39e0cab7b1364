//! Every query on presidencies.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::PresidencySort;
use super::model::{PresidencyFields, PresidencyRow, PresidencyStamp};
use crate::db::DbConnection;
use crate::db::schema::{organizations, presidencies};
use crate::error::{ApiError, ApiResult};
use crate::organizations::model::OrganizationRow;
use crate::pagination::Cursor;
use crate::write::{self, Actor};

#[derive(Debug)]
pub struct ListFilter {
    pub alliance_id: i64,
    pub on: Option<NaiveDate>,
    pub holder_id: Option<i64>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: PresidencySort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

pub fn cursor_after(row: &(PresidencyRow, OrganizationRow), sort: PresidencySort) -> Cursor {
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(crate::time::date_key(row.0.starts_on)),
        id: row.0.id,
    }
}

/// A page of an alliance's presidency terms, each with its holder.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
) -> ApiResult<Vec<(PresidencyRow, OrganizationRow)>> {
    use organizations::dsl as o;
    use presidencies::dsl as p;
    let mut query = p::presidencies
        .inner_join(o::organizations.on(o::id.eq(p::holder_id)))
        .filter(p::alliance_id.eq(filter.alliance_id))
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
    let after = filter
        .after
        .as_ref()
        .map(Cursor::date_position)
        .transpose()?;
    query = crate::keyset!(
        query,
        p::starts_on,
        p::id,
        after,
        filter.sort == PresidencySort::StartsOn
    );
    Ok(query.limit(filter.fetch).load(conn)?)
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

pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &PresidencyFields,
) -> ApiResult<PresidencyRow> {
    let now = crate::time::now();
    let row: PresidencyRow = diesel::insert_into(presidencies::table)
        .values((
            fields,
            presidencies::version.eq(1),
            presidencies::created_at.eq(now),
            presidencies::updated_at.eq(now),
        ))
        .returning(presidencies::all_columns)
        .get_result(conn)?;
    write::record(
        conn,
        actor,
        "create",
        "presidency",
        row.id,
        serde_json::to_value(fields).ok(),
    )?;
    Ok(row)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PresidencyRow,
    expected_version: i64,
    fields: &PresidencyFields,
) -> ApiResult<PresidencyRow> {
    let before = PresidencyFields::from(current);
    if &before == fields {
        return Ok(current.clone());
    }
    let updated: Option<PresidencyRow> = diesel::update(
        presidencies::table
            .filter(presidencies::id.eq(current.id))
            .filter(presidencies::version.eq(expected_version)),
    )
    .set((
        fields,
        PresidencyStamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(presidencies::all_columns)
    .get_result(conn)
    .optional()?;
    let row = updated.ok_or_else(|| ApiError::precondition_failed(current.version))?;
    write::record(
        conn,
        actor,
        "update",
        "presidency",
        row.id,
        Some(write::diff(&before, fields)),
    )?;
    Ok(row)
}

pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PresidencyRow,
    expected_version: i64,
) -> ApiResult<()> {
    let deleted = diesel::delete(
        presidencies::table
            .filter(presidencies::id.eq(current.id))
            .filter(presidencies::version.eq(expected_version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    let snapshot = serde_json::to_value(PresidencyFields::from(current)).ok();
    write::record(conn, actor, "delete", "presidency", current.id, snapshot)?;
    Ok(())
}
