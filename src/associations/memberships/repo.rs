//! Every query on memberships.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::MembershipSort;
use super::model::{MembershipFields, MembershipRow};
use crate::db::DbConnection;
use crate::db::schema::{memberships, organizations};
use crate::error::ApiResult;
use crate::organizations::model::OrganizationRow;
use crate::pagination::{Cursor, PageRequest};
use crate::write::{self, Actor};

/// Which members a list asks for.
#[derive(Debug, Clone, Copy)]
pub enum Period {
    Any,
    /// Members on this day.
    On(NaiveDate),
    /// Not members on this day (former or future).
    NotOn(NaiveDate),
}

#[derive(Debug)]
pub struct ListFilter {
    pub period: Period,
    pub updated_since: Option<NaiveDateTime>,
}

/// The cursor pointing after a row in `sort` order.
pub fn cursor_after(row: &(MembershipRow, OrganizationRow), sort: MembershipSort) -> Cursor {
    let key = match sort {
        MembershipSort::Name | MembershipSort::NameDesc => row.1.sort_name.clone(),
        MembershipSort::JoinedOn | MembershipSort::JoinedOnDesc => {
            crate::time::date_key(row.0.joined_on)
        }
    };
    Cursor::keyed(sort, key, row.0.id)
}

/// A page of an association's members, each with its member organization.
pub fn list(
    conn: &mut DbConnection,
    association_id: i64,
    filter: &ListFilter,
    page: &PageRequest<MembershipSort>,
) -> ApiResult<Vec<(MembershipRow, OrganizationRow)>> {
    use memberships::dsl as m;
    use organizations::dsl as o;
    let mut query = m::memberships
        .inner_join(o::organizations.on(o::id.eq(m::member_id)))
        .filter(m::association_id.eq(association_id))
        .select((
            m::memberships::all_columns(),
            o::organizations::all_columns(),
        ))
        .into_boxed();
    match filter.period {
        Period::Any => {}
        Period::On(day) => {
            query = query.filter(
                m::joined_on
                    .le(day)
                    .and(m::left_on.is_null().or(m::left_on.ge(day))),
            );
        }
        Period::NotOn(day) => {
            query = query.filter(m::joined_on.gt(day).or(m::left_on.lt(day)));
        }
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(m::updated_at.ge(since));
    }
    let after = page.after.as_ref();
    query = match page.sort {
        MembershipSort::Name | MembershipSort::NameDesc => {
            let after = after.map(Cursor::text_position).transpose()?;
            let ascending = page.sort == MembershipSort::Name;
            crate::keyset!(query, o::sort_name, m::id, after, ascending)
        }
        MembershipSort::JoinedOn | MembershipSort::JoinedOnDesc => {
            let after = after.map(Cursor::date_position).transpose()?;
            let ascending = page.sort == MembershipSort::JoinedOn;
            crate::keyset!(query, m::joined_on, m::id, after, ascending)
        }
    };
    Ok(query.limit(page.fetch()).load(conn)?)
}

/// One membership of an association.
pub fn find(
    conn: &mut DbConnection,
    association_id: i64,
    membership_id: i64,
) -> ApiResult<Option<MembershipRow>> {
    Ok(memberships::table
        .find(membership_id)
        .filter(memberships::association_id.eq(association_id))
        .first(conn)
        .optional()?)
}

/// Serializes writes to one association's members and presidencies: on PostgreSQL
/// the association row is locked until the transaction ends, so two concurrent
/// requests cannot both pass the overlap checks. SQLite serializes writers anyway.
pub fn lock_association(conn: &mut DbConnection, association_id: i64) -> ApiResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM organizations WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(association_id)
            .execute(pg)?;
    }
    Ok(())
}

/// Another membership of the same organization in the same association whose period
/// overlaps this one (both ends inclusive).
pub fn overlapping(
    conn: &mut DbConnection,
    fields: &MembershipFields,
    except_id: Option<i64>,
) -> ApiResult<Option<MembershipRow>> {
    use memberships::dsl as m;
    let mut query = m::memberships
        .filter(m::association_id.eq(fields.association_id))
        .filter(m::member_id.eq(fields.member_id))
        .filter(m::left_on.is_null().or(m::left_on.ge(fields.joined_on)))
        .into_boxed();
    if let Some(left_on) = fields.left_on {
        query = query.filter(m::joined_on.le(left_on));
    }
    if let Some(id) = except_id {
        query = query.filter(m::id.ne(id));
    }
    Ok(query.order(m::joined_on.asc()).first(conn).optional()?)
}

/// Was `member_id` a member of the association on every day from `from` to `to`
/// (possibly through several back-to-back memberships)?
pub fn covers(
    conn: &mut DbConnection,
    association_id: i64,
    member_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<bool> {
    use memberships::dsl as m;
    let periods: Vec<(NaiveDate, Option<NaiveDate>)> = m::memberships
        .filter(m::association_id.eq(association_id))
        .filter(m::member_id.eq(member_id))
        .filter(m::joined_on.le(to))
        .order(m::joined_on.asc())
        .select((m::joined_on, m::left_on))
        .load(conn)?;
    let mut day = from;
    for (joined_on, left_on) in periods {
        if joined_on > day {
            return Ok(false);
        }
        match left_on {
            None => return Ok(true),
            Some(left_on) if left_on >= to => return Ok(true),
            Some(left_on) if left_on >= day => match left_on.succ_opt() {
                Some(next) => day = next,
                None => return Ok(true),
            },
            Some(_) => {}
        }
    }
    Ok(false)
}

/// How many members each of these associations has on `day` (absent: none).
pub fn counts_on(
    conn: &mut DbConnection,
    association_ids: &[i64],
    day: NaiveDate,
) -> ApiResult<HashMap<i64, i64>> {
    use memberships::dsl as m;
    if association_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(i64, i64)> = m::memberships
        .filter(m::association_id.eq_any(association_ids.to_vec()))
        .filter(m::joined_on.le(day))
        .filter(m::left_on.is_null().or(m::left_on.ge(day)))
        .group_by(m::association_id)
        .select((m::association_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

crate::versioned_table!(
    /// The memberships table on the write path.
    Memberships,
    memberships,
    MembershipRow,
    MembershipFields,
    "membership",
    parent = association_id
);

/// Inserts a membership and its audit record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &MembershipFields,
) -> ApiResult<MembershipRow> {
    write::create::<Memberships>(conn, actor, fields, fields)
}
