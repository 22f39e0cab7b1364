use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};

use super::dto::{CreateUser, Me, UpdateUser, User, UserListQuery, UserPage};
use super::repo::{self, NewUserData, UserFilter, UserUpdate};
use crate::auth::{SignedIn, password, policy};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::organizations::dto::IdPath;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

async fn hash_password(password: String) -> ApiResult<String> {
    web::block(move || password::hash(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// List people (administrators).
///
/// Each with their role, whether the account is active and the associations they write
/// for. Passwords are never returned.
#[utoipa::path(
    tag = "users",
    params(UserListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of people, in id order", body = UserPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/users")]
pub async fn list_users(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    query: Query<UserListQuery>,
) -> ApiResult<HttpResponse> {
    policy::require_admin(&principal)?;
    let query = query.0;
    let filter = UserFilter {
        role: query.role,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        after: query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, "id"))
            .transpose()?,
        fetch: fetch_size(query.limit),
    };
    let rows = state.db.run(move |conn| repo::list(conn, &filter)).await?;
    let (rows, next_cursor) = split_page(rows, query.limit, |row| Cursor {
        sort: "id".to_owned(),
        key: None,
        id: row.user.id,
    });
    let page = UserPage {
        items: rows.into_iter().map(User::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One person (administrators).
///
/// With their role, whether the account is active and the associations they write for;
/// the `ETag` is the version to send in `If-Match`.
#[utoipa::path(
    tag = "users",
    params(IdPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person", body = User, headers(("ETag" = String, description = "Current version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
) -> ApiResult<HttpResponse> {
    policy::require_admin(&principal)?;
    let id = path.id;
    let user = state
        .db
        .run(move |conn| repo::find_with_associations(conn, id))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        user.user.version,
        User::from(user),
    ))
}

/// Create a person (administrators).
///
/// Editors are given the associations they write for (`associations`). The email must be
/// unused (409); the password is stored only as an Argon2 hash and never returned.
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = User,
         headers(("Location" = String, description = "URL of the new user"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    policy::require_admin(&principal)?;
    let body = body.0;
    let password_hash = hash_password(body.password).await?;
    let data = NewUserData {
        email: body.email.into_inner(),
        name: body.name,
        role: body.role,
        password_hash,
        associations: body.associations,
    };
    let actor = principal.actor();
    let user = state
        .db
        .transaction(move |conn| repo::create(conn, &actor, data))
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/users/{}", user.user.id)));
    Ok(with_etag(response, user.user.version, User::from(user)))
}

/// Change a person (administrators). Needs `If-Match`.
///
/// Change the name, role, password, associations, or deactivate the account with
/// `active: false` (the person can no longer sign in).
#[utoipa::path(
    tag = "users",
    params(IdPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateUser,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = User, headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
    if_match: IfMatch,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    policy::require_admin(&principal)?;
    let body = body.0;
    let password_hash = match body.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let change = UserUpdate {
        name: body.name,
        role: body.role,
        password_hash,
        active: body.active,
        associations: body.associations,
    };
    let id = path.id;
    let actor = principal.actor();
    let user = state
        .db
        .transaction(move |conn| {
            let current = repo::find_with_associations(conn, id)?;
            let expected = if_match.expected(current.user.version)?;
            repo::update(conn, &actor, &current, expected, change)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        user.user.version,
        User::from(user),
    ))
}

/// The signed-in person, with the associations they may write for.
///
/// For people signed in with an access token; an API token is not a person (403).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person", body = Me),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
) -> ApiResult<web::Json<Me>> {
    let user_id = policy::require_person(&principal)?.id;
    let user = state
        .db
        .run(move |conn| repo::find_with_associations(conn, user_id))
        .await?;
    Ok(web::Json(Me {
        id: user.user.id,
        email: user.user.email,
        name: user.user.name,
        role: user.role,
        associations: user.associations,
    }))
}
