use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use super::dto::{ApiToken, CreateToken, CreatedToken, TokenListQuery, TokenPage};
use super::repo::{self, NewTokenData, TokenFilter};
use crate::auth::{SignedIn, policy};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::organizations::dto::IdPath;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

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
    let organizations = policy::token_organizations(&principal)?;
    let query = query.0;
    let limit = query.limit;
    let filter = TokenFilter {
        organizations,
        organization_id: query.organization_id,
        include_inactive: query.include_inactive.unwrap_or(false),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        after: query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, "id"))
            .transpose()?,
        fetch: fetch_size(query.limit),
    };
    let rows = state
        .db
        .run(move |conn| {
            let rows = repo::list(conn, &filter)?;
            let (rows, next) = split_page(rows, limit, |row| Cursor {
                sort: "id".to_owned(),
                key: None,
                id: row.id,
            });
            Ok((repo::with_organizations(conn, rows)?, next))
        })
        .await?;
    let page = TokenPage {
        items: rows.0,
        next_cursor: rows.1,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
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
    let body = body.0;
    policy::can_manage_tokens_of(&principal, body.organization_id)?;
    if body.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
        return Err(ApiError::invalid_field(
            "expires_at",
            "in_the_past",
            "the expiry must lie in the future",
        ));
    }
    let data = NewTokenData {
        name: body.name,
        organization_id: body.organization_id,
        scopes: body.scopes,
        expires_at: body.expires_at.map(|t| t.naive_utc()),
    };
    let actor = principal.actor();
    let (token, secret) = state
        .db
        .transaction(move |conn| {
            let (row, secret) = repo::create(conn, &actor, data)?;
            Ok((repo::with_organizations(conn, vec![row])?, secret))
        })
        .await?;
    let api_token: ApiToken = token
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("token vanished"))?;
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/tokens/{id}")]
pub async fn get_token(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
) -> ApiResult<HttpResponse> {
    let id = path.id;
    let token = state
        .db
        .run(move |conn| {
            let row = repo::find(conn, id)?;
            policy::can_manage_tokens_of(&principal, row.organization_id)?;
            if row.revoked_at.is_some() {
                return Err(ApiError::not_found(format!("API token {id} was revoked")));
            }
            repo::with_organizations(conn, vec![row])
        })
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("token vanished"))?;
    Ok(with_etag(HttpResponse::Ok(), token.version, token))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = path.id;
    state
        .db
        .transaction(move |conn| {
            let row = repo::find(conn, id)?;
            policy::can_manage_tokens_of(&principal, row.organization_id)?;
            let expected = if_match.expected(row.version)?;
            repo::revoke(conn, &principal.actor(), &row, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
