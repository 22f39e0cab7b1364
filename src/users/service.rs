//! The use cases of people: the list, one person, create, change, and `/me`.

use std::collections::HashMap;

use actix_web::web;

use super::dto::{CreateUser, Me, UpdateUser, User as UserDto, UserListQuery};
use super::model::{UserFields, UserRow};
use super::repo::{self, UserFilter, Users};
use crate::auth::{Principal, password, policy};
use crate::db::DbConnection;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::dto::IdPath;
use crate::organizations::dto::OrganizationSummary;
use crate::pagination::{ById, Cursor, Listing, PageRequest};
use crate::write::{self, Action, Actor, Expected};

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
    let links = repo::association_links(conn, rows.iter().map(|r| r.id).collect())?;
    let mut by_user: HashMap<i64, Vec<OrganizationSummary>> = HashMap::new();
    for (user_id, organization) in &links {
        by_user
            .entry(*user_id)
            .or_default()
            .push(OrganizationSummary::from(organization));
    }
    Ok(rows
        .into_iter()
        .map(|user| UserWithAssociations {
            role: user.role,
            associations: by_user.remove(&user.id).unwrap_or_default(),
            user,
        })
        .collect())
}

pub fn find_with_associations(
    conn: &mut DbConnection,
    user_id: i64,
) -> ApiResult<UserWithAssociations> {
    let row = repo::find(conn, user_id)?
        .ok_or_else(|| ApiError::not_found(format!("user {user_id} does not exist")))?;
    with_associations(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("user vanished"))
}

/// Every id must name an organization (any kind: an association, a gmina, an NGO
/// office…); editors only may have them.
fn check_associations(conn: &mut DbConnection, role: Role, ids: &[i64]) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if role != Role::Editor {
        return Err(ApiError::invalid_field(
            "associations",
            "not_applicable",
            "only editors are given organizations to write for",
        ));
    }
    let found = repo::organizations_among(conn, ids)?;
    if let Some(missing) = ids.iter().find(|id| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            "associations",
            "unknown_organization",
            format!("{missing} is not the id of an organization"),
        ));
    }
    Ok(())
}

/// `GET /users`, in id order.
pub(crate) struct UserList(UserFilter);

impl Listing for UserList {
    type Sort = ById;
    type Row = UserRow;
    type Item = UserDto;

    fn rows(&self, conn: &mut DbConnection, page: &PageRequest<ById>) -> ApiResult<Vec<UserRow>> {
        repo::list(conn, &self.0, page)
    }

    fn cursor(row: &UserRow, sort: ById) -> Cursor {
        Cursor::by_id(sort, row.id)
    }

    fn render(conn: &mut DbConnection, rows: Vec<UserRow>) -> ApiResult<Vec<UserDto>> {
        Ok(with_associations(conn, rows)?
            .into_iter()
            .map(UserDto::from)
            .collect())
    }
}

pub(crate) fn list_request(
    principal: &Principal,
    query: UserListQuery,
) -> ApiResult<(UserList, PageRequest<ById>)> {
    policy::require_admin(principal)?;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    let filter = UserFilter {
        role: query.role,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((UserList(filter), page))
}

async fn hash_password(password: String) -> ApiResult<String> {
    web::block(move || password::hash(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

pub struct NewUserData {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub associations: Vec<i64>,
}

/// Stores a new person (call inside a transaction); the command line and the tests
/// create people through it too.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    data: NewUserData,
) -> ApiResult<UserWithAssociations> {
    let email = data.email.trim().to_lowercase();
    if repo::email_taken(conn, &email)? {
        return Err(ApiError::new(
            Code::EmailTaken,
            "a user with this e-mail address already exists",
        ));
    }
    check_associations(conn, data.role, &data.associations)?;
    let fields = UserFields {
        email,
        name: data.name.trim().to_owned(),
        role: data.role,
        password_hash: data.password_hash,
        active: true,
    };
    let snapshot = serde_json::json!({
        "email": fields.email, "name": fields.name, "role": fields.role,
        "associations": data.associations,
    });
    let row = write::create::<Users>(conn, actor, &fields, &snapshot)?;
    repo::replace_associations(conn, row.id, &data.associations)?;
    find_with_associations(conn, row.id)
}

pub(crate) async fn create_user(
    state: &AppState,
    principal: &Principal,
    body: CreateUser,
) -> ApiResult<UserWithAssociations> {
    policy::require_admin(principal)?;
    let password_hash = hash_password(body.password).await?;
    let data = NewUserData {
        email: body.email.into_inner(),
        name: body.name,
        role: body.role,
        password_hash,
        associations: body.associations,
    };
    let actor = principal.actor();
    state
        .transaction(move |conn| create(conn, &actor, data))
        .await
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<UserWithAssociations> {
    policy::require_admin(principal)?;
    state
        .run(move |conn| find_with_associations(conn, id))
        .await
}

/// Changes a person. The audit record names what changed (never the password) and how
/// many sessions ended: whoever held the old password or role keeps no session.
pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    IdPath { id }: IdPath,
    if_match: IfMatch,
    body: UpdateUser,
) -> ApiResult<UserWithAssociations> {
    policy::require_admin(principal)?;
    let password_hash = match body.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            let current = find_with_associations(conn, id)?;
            let expected = Expected::from_header(&if_match, current.user.version)?;
            let role = body.role.unwrap_or(current.role);
            let current_ids: Vec<i64> = current.associations.iter().map(|a| a.id).collect();
            // A role other than editor drops the associations unless new ones are named.
            let associations = match (&body.associations, role) {
                (Some(ids), _) => ids.clone(),
                (None, Role::Editor) => current_ids.clone(),
                (None, _) => Vec::new(),
            };
            check_associations(conn, role, &associations)?;
            let mut changes = serde_json::Map::new();
            if let Some(name) = &body.name {
                changes.insert("name".into(), serde_json::json!([current.user.name, name]));
            }
            if body.role.is_some() {
                changes.insert("role".into(), serde_json::json!([current.role, role]));
            }
            if password_hash.is_some() {
                changes.insert("password".into(), serde_json::json!("changed"));
            }
            if let Some(active) = body.active {
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
                repo::replace_associations(conn, current.user.id, &associations)?;
            }
            let ends_sessions =
                password_hash.is_some() || role != current.role || body.active == Some(false);
            if ends_sessions {
                let revoked = crate::auth::repo::revoke_all_for_user(conn, current.user.id)?;
                changes.insert("sessions_revoked".into(), serde_json::json!(revoked));
            }
            let mut fields = UserFields::from(&current.user);
            if let Some(name) = body.name {
                fields.name = name.trim().to_owned();
            }
            fields.role = role;
            if let Some(hash) = password_hash {
                fields.password_hash = hash;
            }
            if let Some(active) = body.active {
                fields.active = active;
            }
            write::update_as::<Users>(
                conn,
                &actor,
                Action::Update,
                &current.user,
                expected,
                &fields,
                serde_json::Value::Object(changes),
            )?;
            find_with_associations(conn, current.user.id)
        })
        .await
}

/// The signed-in person (an API token is not one: 403).
pub(crate) async fn me(state: &AppState, principal: &Principal) -> ApiResult<Me> {
    let user_id = policy::require_person(principal)?.id;
    let user = state
        .run(move |conn| find_with_associations(conn, user_id))
        .await?;
    Ok(Me {
        id: user.user.id,
        email: user.user.email,
        name: user.user.name,
        role: user.role,
        associations: user.associations,
    })
}
