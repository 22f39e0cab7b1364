//! HTTP layer of positions: extract, call the use case (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CoSignRequest, CoSignerPath, CreatePosition, CreateResponse, Position, PositionHistory,
    PositionListQuery, PositionPage, PositionPath, TransitionRequest, UpdatePosition,
};
use super::service;
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, OptionalJson, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

/// List positions, appeals, interventions, opinions and resolutions.
///
/// Newest adoption first by default (positions not adopted yet come first). Drafts
/// appear only for administrators and editors of the adopting association.
/// Keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "positions",
    params(PositionListQuery),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "A page of positions (without their bodies)", body = PositionPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/positions")]
pub async fn list_positions(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PositionListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    let (listing, page) = service::list_request(&principal, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One position, with its body and every related organization embedded.
///
/// A draft is found only by administrators and editors of the adopting association.
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "The position", body = Position,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/positions/{id}")]
pub async fn get_position(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PositionPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    Ok(service::get(&state, &principal, path.into_inner().id)
        .await?
        .respond())
}

/// Create a position (as a draft).
///
/// Administrators, and editors of the adopting association. The new position is a
/// `draft`; move it through its lifecycle with `POST /positions/{id}/transitions`.
#[utoipa::path(
    tag = "positions",
    request_body = CreatePosition,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 201, description = "Created", body = Position,
         headers(("Location" = String, description = "URL of the new position"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/positions")]
pub async fn create_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreatePosition>,
) -> ApiResult<HttpResponse> {
    let position = service::create(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, service::location(position.id)));
    Ok(with_etag(response, position.version, position))
}

/// Change a position (JSON merge patch).
///
/// Needs `If-Match`. Lists (`topics`, `addressee_ids`, `co_signers`, `attachments`) replace
/// the whole list; co-signers only before the position is sent. The status changes only
/// through `/transitions`.
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    request_body = UpdatePosition,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Changed", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/positions/{id}")]
pub async fn update_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
    body: Json<UpdatePosition>,
) -> ApiResult<HttpResponse> {
    let position = service::update(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(position.version, position))
}

/// Delete a draft or withdrawn position.
///
/// Needs `If-Match`. Adopted, sent, answered and closed positions are part of the record:
/// withdraw them first (409 `position_not_deletable`).
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/positions/{id}")]
pub async fn delete_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, &principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a position through its lifecycle.
///
/// `draft → adopted → sent → answered → closed`, and `withdrawn` from `draft`, `adopted` or
/// `sent`; any other move is 409 `illegal_transition` naming the allowed ones. Adoption
/// needs a title, a body and an adoption date (`on`, or the draft's `adopted_on`), else
/// 422 naming what is missing, and numbers the position `N/YYYY` (the next number of the
/// association in the year of adoption) unless it has a number. Needs `If-Match`.
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    request_body = TransitionRequest,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Moved", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/positions/{id}/transitions")]
pub async fn transition_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let position =
        service::transition(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(position.version, position))
}

/// The history of a position: every move with its date, note and actor, oldest first.
///
/// The moves of `POST /positions/{id}/transitions` (adopted, sent, answered, closed,
/// withdrawn). A draft is found only by administrators and editors of the adopting
/// association.
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "The moves, the creation first", body = PositionHistory),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/positions/{id}/history")]
pub async fn position_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PositionPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    let history = service::history(&state, &principal, path.into_inner().id).await?;
    Ok(HttpResponse::Ok().json(history))
}

/// Co-sign a position in the name of an organization.
///
/// Administrators, and editors of that organization; only before the position is sent
/// (409 `position_already_sent` after). The body is optional (`signed_on` defaults to today).
#[utoipa::path(
    tag = "positions",
    params(CoSignerPath),
    request_body(content = Option<CoSignRequest>, description = "Optional: the date of signing"),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Co-signed; the position with its co-signers", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/positions/{id}/co-signers/{organization_id}")]
pub async fn co_sign_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CoSignerPath>,
    body: OptionalJson<CoSignRequest>,
) -> ApiResult<HttpResponse> {
    let CoSignerPath {
        id,
        organization_id,
    } = path.into_inner();
    let position = service::co_sign(&state, &principal, id, organization_id, body.0).await?;
    Ok(tagged(position.version, position))
}

/// Withdraw an organization's signature.
///
/// Administrators, and editors of that organization; only before the position is sent.
/// Needs `If-Match` with the position's `ETag`.
#[utoipa::path(
    tag = "positions",
    params(CoSignerPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 204, description = "The signature is withdrawn"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/positions/{id}/co-signers/{organization_id}")]
pub async fn remove_co_signer(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CoSignerPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let CoSignerPath {
        id,
        organization_id,
    } = path.into_inner();
    service::remove_co_signer(&state, &principal, id, organization_id, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record an addressee's reply.
///
/// Administrators, and editors of the adopting association; only once the position is
/// sent. A `sent` position becomes `answered` (kept in its history).
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    request_body = CreateResponse,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 201, description = "Recorded; the position with its replies", body = Position,
         headers(("Location" = String, description = "URL of the position"), ("ETag" = String, description = "Its new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/positions/{id}/responses")]
pub async fn add_position_response(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    body: Json<CreateResponse>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let position = service::add_response(&state, &principal, id, body.0).await?;
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, service::location(position.id)));
    Ok(with_etag(created, position.version, position))
}
