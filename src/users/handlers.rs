use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};

use super::dto::{CreateUser, Me, UpdateUser, User, UserListQuery, UserPage};
use super::service;
use crate::auth::SignedIn;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::{tagged, with_etag};
use crate::organizations::dto::IdPath;
use crate::pagination::respond_page;

/// List people (administrators).
///
/// Each with their role, whether the account is active and the organizations they write
/// for (`associations`, of any kind). Passwords are never returned.
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
    let (listing, page) = service::list_request(&principal, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One person (administrators).
///
/// With their role, whether the account is active and the organizations they write for
/// (`associations`, of any kind); the `ETag` is the version to send in `If-Match`.
#[utoipa::path(
    tag = "users",
    params(IdPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person", body = User, headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
) -> ApiResult<HttpResponse> {
    let user = service::get(&state, &principal, path.id).await?;
    Ok(tagged(user.user.version, User::from(user)))
}

/// Create a person (administrators).
///
/// Editors are given the organizations they write for (`associations`: despite the name,
/// organizations of any kind, e.g. a gmina that submits its own good practices). The
/// email must be unused (409); the password is stored only as an Argon2 hash and never
/// returned.
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
    let user = service::create_user(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/users/{}", user.user.id)));
    Ok(with_etag(response, user.user.version, User::from(user)))
}

/// Change a person (administrators). Needs `If-Match`.
///
/// Change the name, role, password, the organizations written for (`associations`), or
/// deactivate the account with `active: false` (the person can no longer sign in).
#[utoipa::path(
    tag = "users",
    params(IdPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateUser,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = User, headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
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
    let user = service::update(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(user.user.version, User::from(user)))
}

/// The signed-in person, with the organizations they may write for.
///
/// `associations` lists every organization the person writes for, of any kind
/// (associations, local governments, NGOs…). For people signed in with an access token; an API token is not a person (403).
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
    Ok(web::Json(service::me(&state, &principal).await?))
}
