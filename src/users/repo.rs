//! Every query on people and their associations.

use std::collections::HashMap;

use diesel::prelude::*;

use super::dto::User as UserDto;
use super::model::{NewUser, NewUserAssociation, UserChanges, UserRow};
use crate::db::DbConnection;
use crate::db::schema::{organizations, user_associations, users};
use crate::domain::{OrganizationKind, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::organizations::dto::OrganizationSummary;
use crate::organizations::model::OrganizationRow;
use crate::pagination::Cursor;
use crate::write::{self, Actor};

/// A user with the summaries of their associations.
pub struct UserWithAssociations {
    pub user: UserRow,
    pub role: Role,
    pub associations: Vec<OrganizationSummary>,
}

impl From<UserWithAssociations> for UserDto {
    fn from(value: UserWithAssociations) -> Self {
        let row = value.user;
        UserDto {
            id: row.id,
            email: row.email,
            name: row.name,
            role: value.role,
            active: row.active,
            associations: value.associations,
            version: row.version,
            created_at: crate::time::to_utc(row.created_at),
            updated_at: crate::time::to_utc(row.updated_at),
        }
    }
}

/// Attaches association summaries to users with one query for the whole set.
fn with_associations(
    conn: &mut DbConnection,
    rows: Vec<UserRow>,
) -> ApiResult<Vec<UserWithAssociations>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let links: Vec<(i64, OrganizationRow)> = if ids.is_empty() {
        Vec::new()
    } else {
        user_associations::table
            .inner_join(organizations::table)
            .select((user_associations::user_id, organizations::all_columns))
            .filter(user_associations::user_id.eq_any(ids))
            .order((
                user_associations::user_id.asc(),
                organizations::sort_name.asc(),
            ))
            .load(conn)?
    };
    let mut by_user: HashMap<i64, Vec<OrganizationSummary>> = HashMap::new();
    for (user_id, organization) in &links {
        by_user
            .entry(*user_id)
            .or_default()
            .push(OrganizationSummary::from(organization));
    }
    rows.into_iter()
        .map(|user| {
            let role = user.role.parse().map_err(ApiError::internal)?;
            let associations = by_user.remove(&user.id).unwrap_or_default();
            Ok(UserWithAssociations {
                user,
                role,
                associations,
            })
        })
        .collect()
}

pub fn find_with_associations(
    conn: &mut DbConnection,
    user_id: i64,
) -> ApiResult<UserWithAssociations> {
    let row: UserRow = users::table
        .find(user_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("user {user_id} does not exist")))?;
    with_associations(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("user vanished"))
}

pub struct UserFilter {
    pub role: Option<Role>,
    pub updated_since: Option<chrono::NaiveDateTime>,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

/// People in id order.
pub fn list(conn: &mut DbConnection, filter: &UserFilter) -> ApiResult<Vec<UserWithAssociations>> {
    let mut query = users::table.into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(users::updated_at.ge(since));
    }
    if let Some(cursor) = &filter.after {
        query = query.filter(users::id.gt(cursor.id));
    }
    let rows: Vec<UserRow> = query
        .order(users::id.asc())
        .limit(filter.fetch)
        .load(conn)?;
    with_associations(conn, rows)
}

/// Every id must name an association or alliance; editors only may have them.
fn check_associations(conn: &mut DbConnection, role: Role, ids: &[i64]) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if role != Role::Editor {
        return Err(ApiError::invalid_field(
            "associations",
            "not_applicable",
            "only editors are given associations to write for",
        ));
    }
    let kinds: Vec<&str> = OrganizationKind::ASSOCIATIONS
        .iter()
        .map(|k| k.as_str())
        .collect();
    let found: Vec<i64> = organizations::table
        .select(organizations::id)
        .filter(organizations::id.eq_any(ids.to_vec()))
        .filter(organizations::kind.eq_any(kinds))
        .load(conn)?;
    if let Some(missing) = ids.iter().find(|id| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            "associations",
            "unknown_association",
            format!("{missing} is not the id of an association or alliance"),
        ));
    }
    Ok(())
}

fn replace_associations(conn: &mut DbConnection, user_id: i64, ids: &[i64]) -> ApiResult<()> {
    diesel::delete(user_associations::table.filter(user_associations::user_id.eq(user_id)))
        .execute(conn)?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for organization_id in unique {
        diesel::insert_into(user_associations::table)
            .values(NewUserAssociation {
                user_id,
                organization_id,
            })
            .execute(conn)?;
    }
    Ok(())
}

pub struct NewUserData {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub associations: Vec<i64>,
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    data: NewUserData,
) -> ApiResult<UserWithAssociations> {
    let email = data.email.trim().to_lowercase();
    let taken = users::table
        .select(users::id)
        .filter(users::email.eq(&email))
        .first::<i64>(conn)
        .optional()?;
    if taken.is_some() {
        return Err(ApiError::new(
            Code::EmailTaken,
            "a user with this e-mail address already exists",
        ));
    }
    check_associations(conn, data.role, &data.associations)?;
    let now = crate::time::now();
    let row: UserRow = diesel::insert_into(users::table)
        .values(NewUser {
            email,
            name: data.name.trim().to_owned(),
            role: data.role.as_str().to_owned(),
            password_hash: data.password_hash,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .returning(users::all_columns)
        .get_result(conn)?;
    replace_associations(conn, row.id, &data.associations)?;
    write::record(
        conn,
        actor,
        "create",
        "user",
        row.id,
        Some(
            serde_json::json!({"email": row.email, "name": row.name, "role": row.role, "associations": data.associations}),
        ),
    )?;
    find_with_associations(conn, row.id)
}

pub struct UserUpdate {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
    pub active: Option<bool>,
    pub associations: Option<Vec<i64>>,
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &UserWithAssociations,
    expected_version: i64,
    change: UserUpdate,
) -> ApiResult<UserWithAssociations> {
    let role = change.role.unwrap_or(current.role);
    let current_ids: Vec<i64> = current.associations.iter().map(|a| a.id).collect();
    // A role other than editor drops the associations unless new ones are named.
    let associations = match (&change.associations, role) {
        (Some(ids), _) => ids.clone(),
        (None, Role::Editor) => current_ids.clone(),
        (None, _) => Vec::new(),
    };
    check_associations(conn, role, &associations)?;
    let mut changes = serde_json::Map::new();
    if let Some(name) = &change.name {
        changes.insert("name".into(), serde_json::json!([current.user.name, name]));
    }
    if change.role.is_some() {
        changes.insert("role".into(), serde_json::json!([current.role, role]));
    }
    if change.password_hash.is_some() {
        changes.insert("password".into(), serde_json::json!("changed"));
    }
    if let Some(active) = change.active {
        changes.insert(
            "active".into(),
            serde_json::json!([current.user.active, active]),
        );
    }
    if associations != current_ids {
        changes.insert(
            "associations".into(),
            serde_json::json!([current_ids, associations]),
        );
    }
    // Whoever held the old password or role keeps no session from before.
    let ends_sessions =
        change.password_hash.is_some() || role != current.role || change.active == Some(false);
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(current.user.id))
            .filter(users::version.eq(expected_version)),
    )
    .set(UserChanges {
        name: change.name.map(|n| n.trim().to_owned()),
        role: change.role.map(|r| r.as_str().to_owned()),
        password_hash: change.password_hash,
        active: change.active,
        version: expected_version + 1,
        updated_at: crate::time::now(),
    })
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed(current.user.version));
    }
    if associations != current_ids {
        replace_associations(conn, current.user.id, &associations)?;
    }
    if ends_sessions {
        let revoked = crate::auth::repo::revoke_all_for_user(conn, current.user.id)?;
        changes.insert("sessions_revoked".into(), serde_json::json!(revoked));
    }
    write::record(
        conn,
        actor,
        "update",
        "user",
        current.user.id,
        Some(serde_json::Value::Object(changes)),
    )?;
    find_with_associations(conn, current.user.id)
}

/// Number of users (the CLI warns before creating a second first admin).
pub fn count(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}
