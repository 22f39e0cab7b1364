//! Every query on people and the organizations they write for.

use diesel::prelude::*;

use super::model::{NewUserAssociation, UserFields, UserRow};
use crate::db::DbConnection;
use crate::db::schema::{organizations, user_associations, users};
use crate::domain::Role;
use crate::error::ApiResult;
use crate::organizations::model::OrganizationRow;
use crate::pagination::{ById, PageRequest};

crate::versioned_table!(
    /// The users table on the write path.
    Users,
    users,
    UserRow,
    UserFields,
    "user"
);

pub fn find(conn: &mut DbConnection, user_id: i64) -> ApiResult<Option<UserRow>> {
    Ok(users::table.find(user_id).first(conn).optional()?)
}

pub fn email_taken(conn: &mut DbConnection, email: &str) -> ApiResult<bool> {
    Ok(users::table
        .select(users::id)
        .filter(users::email.eq(email))
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// The organizations these users write for, by user and then organization name.
pub fn association_links(
    conn: &mut DbConnection,
    user_ids: Vec<i64>,
) -> ApiResult<Vec<(i64, OrganizationRow)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user_associations::table
        .inner_join(organizations::table)
        .select((user_associations::user_id, organizations::all_columns))
        .filter(user_associations::user_id.eq_any(user_ids))
        .order((
            user_associations::user_id.asc(),
            organizations::sort_name.asc(),
        ))
        .load(conn)?)
}

pub struct UserFilter {
    pub role: Option<Role>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// People in id order.
pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<UserRow>> {
    let mut query = users::table.into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(users::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(users::id.gt(cursor.id));
    }
    Ok(query
        .order(users::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// Which of these ids name an organization (of any kind).
pub fn organizations_among(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<i64>> {
    Ok(organizations::table
        .select(organizations::id)
        .filter(organizations::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

pub fn replace_associations(conn: &mut DbConnection, user_id: i64, ids: &[i64]) -> ApiResult<()> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    crate::replace_rows!(conn, user_associations::user_id == user_id, for organization_id in unique =>
        NewUserAssociation { user_id, organization_id });
    Ok(())
}

/// Number of users (the CLI warns before creating a second first admin).
pub fn count(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}
