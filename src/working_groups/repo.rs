//! Every query on working groups, their members and meetings.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::MeetingSort;
use super::model::{MeetingRow, MemberRow, WorkingGroupRow};
use crate::db::DbConnection;
use crate::db::schema::{
    positions, working_group_meeting_positions, working_group_meetings, working_group_members,
    working_groups,
};
use crate::error::ApiResult;
use crate::pagination::{ById, Cursor, PageRequest};

crate::versioned_table!(
    /// Working groups on the write path.
    WorkingGroups,
    working_groups,
    WorkingGroupRow,
    super::model::WorkingGroupFields,
    "working_group",
    parent = association_id
);

crate::versioned_table!(
    /// Members of working groups on the write path.
    Members,
    working_group_members,
    MemberRow,
    super::model::MemberFields,
    "working_group_member",
    parent = working_group_id
);

crate::versioned_table!(
    /// Meetings of working groups on the write path.
    Meetings,
    working_group_meetings,
    MeetingRow,
    super::model::MeetingFields,
    "working_group_meeting",
    parent = working_group_id
);

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<WorkingGroupRow>> {
    Ok(working_groups::table.find(id).first(conn).optional()?)
}

/// The group of the association with this name (the natural key of the demo data).
pub fn find_by_name(
    conn: &mut DbConnection,
    association_id: i64,
    name: &str,
) -> ApiResult<Option<WorkingGroupRow>> {
    Ok(working_groups::table
        .filter(working_groups::association_id.eq(association_id))
        .filter(working_groups::name.eq(name))
        .first(conn)
        .optional()?)
}

/// A page of an association's working groups, in the order they were added.
pub fn list(
    conn: &mut DbConnection,
    association_id: i64,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<WorkingGroupRow>> {
    let mut query = working_groups::table
        .filter(working_groups::association_id.eq(association_id))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(working_groups::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(working_groups::id.gt(cursor.id));
    }
    Ok(query
        .order(working_groups::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// How many members and meetings the group has.
pub fn child_count(conn: &mut DbConnection, id: i64) -> ApiResult<i64> {
    let members: i64 = working_group_members::table
        .filter(working_group_members::working_group_id.eq(id))
        .count()
        .get_result(conn)?;
    let meetings: i64 = working_group_meetings::table
        .filter(working_group_meetings::working_group_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(members + meetings)
}

// ------------------------------------------------------------------ members

pub fn find_member(
    conn: &mut DbConnection,
    group_id: i64,
    member_id: i64,
) -> ApiResult<Option<MemberRow>> {
    Ok(working_group_members::table
        .find(member_id)
        .filter(working_group_members::working_group_id.eq(group_id))
        .first(conn)
        .optional()?)
}

pub fn members(
    conn: &mut DbConnection,
    group_id: i64,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<MemberRow>> {
    let mut query = working_group_members::table
        .filter(working_group_members::working_group_id.eq(group_id))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(working_group_members::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(working_group_members::id.gt(cursor.id));
    }
    Ok(query
        .order(working_group_members::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// Is the organization a member of the group already (any period)?
pub fn is_member(conn: &mut DbConnection, group_id: i64, organization_id: i64) -> ApiResult<bool> {
    let found: Option<i64> = working_group_members::table
        .filter(working_group_members::working_group_id.eq(group_id))
        .filter(working_group_members::organization_id.eq(organization_id))
        .select(working_group_members::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

// ------------------------------------------------------------------ meetings

pub fn find_meeting(
    conn: &mut DbConnection,
    group_id: i64,
    meeting_id: i64,
) -> ApiResult<Option<MeetingRow>> {
    Ok(working_group_meetings::table
        .find(meeting_id)
        .filter(working_group_meetings::working_group_id.eq(group_id))
        .first(conn)
        .optional()?)
}

pub fn meeting_cursor(row: &MeetingRow, sort: MeetingSort) -> Cursor {
    Cursor::keyed(sort, crate::time::date_key(row.held_on), row.id)
}

/// A page of a group's meetings, earliest first.
pub fn meetings(
    conn: &mut DbConnection,
    group_id: i64,
    since: Option<NaiveDateTime>,
    page: &PageRequest<MeetingSort>,
) -> ApiResult<Vec<MeetingRow>> {
    use working_group_meetings::dsl as m;
    let mut query = m::working_group_meetings
        .filter(m::working_group_id.eq(group_id))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(m::updated_at.ge(since));
    }
    let after = page.after.as_ref().map(Cursor::date_position).transpose()?;
    query = crate::keyset!(query, m::held_on, m::id, after, true);
    Ok(query.limit(page.fetch()).load(conn)?)
}

/// The positions each meeting discussed, in id order.
pub fn positions_of(
    conn: &mut DbConnection,
    meeting_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = working_group_meeting_positions::table
        .filter(working_group_meeting_positions::meeting_id.eq_any(meeting_ids.to_vec()))
        .order((
            working_group_meeting_positions::meeting_id,
            working_group_meeting_positions::position_id,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (meeting, position) in rows {
        out.entry(meeting).or_default().push(position);
    }
    Ok(out)
}

/// Replaces the positions a meeting discussed.
pub fn replace_positions(
    conn: &mut DbConnection,
    meeting_id: i64,
    position_ids: &[i64],
) -> ApiResult<()> {
    diesel::delete(
        working_group_meeting_positions::table
            .filter(working_group_meeting_positions::meeting_id.eq(meeting_id)),
    )
    .execute(conn)?;
    insert_positions(conn, meeting_id, position_ids)
}

pub fn insert_positions(
    conn: &mut DbConnection,
    meeting_id: i64,
    position_ids: &[i64],
) -> ApiResult<()> {
    // One statement a row: SQLite has no multi-row insert through diesel's backend
    // switch.
    for position_id in position_ids {
        diesel::insert_into(working_group_meeting_positions::table)
            .values((
                working_group_meeting_positions::meeting_id.eq(meeting_id),
                working_group_meeting_positions::position_id.eq(*position_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The positions among `ids` that exist and that this association may cite: published
/// ones, and its own drafts.
pub fn citable_positions(
    conn: &mut DbConnection,
    association_id: i64,
    ids: &[i64],
) -> ApiResult<Vec<i64>> {
    Ok(positions::table
        .filter(positions::id.eq_any(ids.to_vec()))
        .filter(
            positions::published
                .eq(true)
                .or(positions::association_id.eq(association_id)),
        )
        .select(positions::id)
        .load(conn)?)
}
