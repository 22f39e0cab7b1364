//! Every query on milestones.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::MilestoneSort;
use super::model::{MilestoneFields, MilestoneRow, MilestoneStamp};
use crate::db::DbConnection;
use crate::db::schema::milestones;
use crate::error::{ApiError, ApiResult};
use crate::pagination::Cursor;
use crate::write::{self, Actor};

#[derive(Debug)]
pub struct ListFilter {
    pub association_id: i64,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: MilestoneSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

pub fn cursor_after(row: &MilestoneRow, sort: MilestoneSort) -> Cursor {
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(crate::time::date_key(row.starts_on)),
        id: row.id,
    }
}

/// A page of an association's timeline, in date order (ties in order of creation).
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<MilestoneRow>> {
    use milestones::dsl as m;
    let mut query = m::milestones
        .filter(m::association_id.eq(filter.association_id))
        .into_boxed();
    if let Some(from) = filter.from {
        query = query.filter(m::starts_on.ge(from).or(m::ends_on.ge(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(m::starts_on.le(to));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(m::updated_at.ge(since));
    }
    let after = filter
        .after
        .as_ref()
        .map(Cursor::date_position)
        .transpose()?;
    query = crate::keyset!(
        query,
        m::starts_on,
        m::id,
        after,
        filter.sort == MilestoneSort::Date
    );
    Ok(query.limit(filter.fetch).load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    association_id: i64,
    milestone_id: i64,
) -> ApiResult<Option<MilestoneRow>> {
    Ok(milestones::table
        .find(milestone_id)
        .filter(milestones::association_id.eq(association_id))
        .first(conn)
        .optional()?)
}

/// A milestone of the association with this date and title (the natural key the
/// demo data set uses to stay idempotent).
pub fn find_by_date_and_title(
    conn: &mut DbConnection,
    association_id: i64,
    date: NaiveDate,
    title: &str,
) -> ApiResult<Option<MilestoneRow>> {
    Ok(milestones::table
        .filter(milestones::association_id.eq(association_id))
        .filter(milestones::starts_on.eq(date))
        .filter(milestones::title.eq(title))
        .first(conn)
        .optional()?)
}

pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &MilestoneFields,
) -> ApiResult<MilestoneRow> {
    let now = crate::time::now();
    let row: MilestoneRow = diesel::insert_into(milestones::table)
        .values((
            fields,
            milestones::version.eq(1),
            milestones::created_at.eq(now),
            milestones::updated_at.eq(now),
        ))
        .returning(milestones::all_columns)
        .get_result(conn)?;
    write::record(
        conn,
        actor,
        "create",
        "milestone",
        row.id,
        serde_json::to_value(fields).ok(),
    )?;
    Ok(row)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &MilestoneRow,
    expected_version: i64,
    fields: &MilestoneFields,
) -> ApiResult<MilestoneRow> {
    let before = MilestoneFields::from(current);
    if &before == fields {
        return Ok(current.clone());
    }
    let updated: Option<MilestoneRow> = diesel::update(
        milestones::table
            .filter(milestones::id.eq(current.id))
            .filter(milestones::version.eq(expected_version)),
    )
    .set((
        fields,
        MilestoneStamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(milestones::all_columns)
    .get_result(conn)
    .optional()?;
    let row = updated.ok_or_else(|| ApiError::precondition_failed(current.version))?;
    write::record(
        conn,
        actor,
        "update",
        "milestone",
        row.id,
        Some(write::diff(&before, fields)),
    )?;
    Ok(row)
}

pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &MilestoneRow,
    expected_version: i64,
) -> ApiResult<()> {
    let deleted = diesel::delete(
        milestones::table
            .filter(milestones::id.eq(current.id))
            .filter(milestones::version.eq(expected_version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    let snapshot = serde_json::to_value(MilestoneFields::from(current)).ok();
    write::record(conn, actor, "delete", "milestone", current.id, snapshot)?;
    Ok(())
}
