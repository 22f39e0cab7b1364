//! Every query on milestones.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::MilestoneSort;
use super::model::{MilestoneFields, MilestoneRow};
use crate::db::DbConnection;
use crate::db::schema::milestones;
use crate::error::ApiResult;
use crate::pagination::{Cursor, PageRequest};
use crate::write::{self, Actor};

#[derive(Debug)]
pub struct ListFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub updated_since: Option<NaiveDateTime>,
}

pub fn cursor_after(row: &MilestoneRow, sort: MilestoneSort) -> Cursor {
    Cursor::keyed(sort, crate::time::date_key(row.starts_on), row.id)
}

/// A page of an association's timeline, in date order (ties in order of creation).
pub fn list(
    conn: &mut DbConnection,
    association_id: i64,
    filter: &ListFilter,
    page: &PageRequest<MilestoneSort>,
) -> ApiResult<Vec<MilestoneRow>> {
    use milestones::dsl as m;
    let mut query = m::milestones
        .filter(m::association_id.eq(association_id))
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
    let after = page.after.as_ref().map(Cursor::date_position).transpose()?;
    query = crate::keyset!(
        query,
        m::starts_on,
        m::id,
        after,
        page.sort == MilestoneSort::Date
    );
    Ok(query.limit(page.fetch()).load(conn)?)
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

crate::versioned_table!(
    /// The milestones table on the write path.
    Milestones,
    milestones,
    MilestoneRow,
    MilestoneFields,
    "milestone",
    parent = association_id
);

/// Inserts a milestone and its audit record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &MilestoneFields,
) -> ApiResult<MilestoneRow> {
    write::create::<Milestones>(conn, actor, fields, fields)
}
