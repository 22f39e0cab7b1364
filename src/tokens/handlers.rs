use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use super::dto::{ApiToken, CreateToken, CreatedToken, TokenListQuery, TokenPage};
use super::service;
use crate::auth::SignedIn;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::tagged;
use crate::organizations::dto::IdPath;
use crate::pagination::respond_page;

/// List API tokens: all for administrators, those of their associations for editors.
///
/// Revoked and expired tokens are left out unless `include_inactive=true`.
#[utoipa::path(
    tag = "tokens",
    params(TokenListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of tokens, in id order", body = TokenPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/tokens")]
pub async fn list_tokens(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    query: Query<TokenListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// Issue an API token for a partner organization.
///
/// The secret is in this response only; it is stored as a SHA-256 hash. Administrators
/// issue tokens for any organization, editors for their associations. A token can
/// never issue tokens.
#[utoipa::path(
    tag = "tokens",
    request_body = CreateToken,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; the secret is shown this once", body = CreatedToken,
         headers(("Location" = String, description = "URL of the new token"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateToken>,
) -> ApiResult<HttpResponse> {
    let (api_token, secret) = service::create(&state, &principal, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tokens/{}", api_token.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedToken {
            token: secret,
            api_token,
        }))
}

/// One active API token (without its secret).
///
/// A revoked token is gone (404); its record stays in `GET /tokens?include_inactive=true`
/// and in the audit log. Administrators see every token, editors those of their
/// associations.
#[utoipa::path(
    tag = "tokens",
    params(IdPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token", body = ApiToken, headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/tokens/{id}")]
pub async fn get_token(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
) -> ApiResult<HttpResponse> {
    let token: ApiToken = service::get(&state, principal, path.id).await?;
    Ok(tagged(token.version, token))
}

/// Revoke an API token: it stops working with the next request. Needs `If-Match`.
///
/// The record is kept (`GET /tokens?include_inactive=true`) and the revocation is in the
/// audit log; a revoked token cannot be restored, create a new one instead.
#[utoipa::path(
    tag = "tokens",
    params(IdPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::revoke(&state, principal, path.id, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
