//! HTTP layer of presidencies.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreatePresidency, Presidency, PresidencyListQuery, PresidencyPage, PresidencyPath,
    UpdatePresidency,
};
use super::service;
use crate::associations::sub;
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::organizations::dto::IdOrSlugPath;
use crate::pagination::respond_page;

fn location(alliance_id: i64, presidency_id: i64) -> String {
    format!("/api/v1/associations/{alliance_id}/presidencies/{presidency_id}")
}

/// List the presidency terms of an alliance, oldest first.
///
/// Other associations have no presidencies: their list is empty.
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath, PresidencyListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of presidency terms", body = PresidencyPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/presidencies")]
pub async fn list_presidencies(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<PresidencyListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, path.into_inner().id_or_slug, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// The presidency term in force today.
///
/// 404 when no term covers today (or the association is not an alliance).
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The term in force", body = Presidency,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/presidencies/current")]
pub async fn current_presidency(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    let presidency: Presidency =
        service::current(&state, &principal, path.into_inner().id_or_slug).await?;
    Ok(sub::found(presidency.version, presidency))
}

/// One presidency term.
///
/// A term of the alliance named in the path, with its holder and both (inclusive) ends;
/// 404 when the id belongs to another alliance.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The term", body = Presidency,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn get_presidency(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PresidencyPath>,
) -> ApiResult<HttpResponse> {
    let presidency = service::get(&state, &principal, path.into_inner()).await?;
    Ok(sub::found(presidency.version, presidency))
}

/// Add a presidency term (administrators).
///
/// Only alliances have presidencies (409 `not_an_alliance`). `ends_on` before
/// `starts_on` is 422; a holder that is not a member of the alliance on every day of
/// the term is 422 `holder_not_member` on `holder_id`; a term sharing a day with
/// another is 409 `presidency_overlap`.
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath),
    request_body = CreatePresidency,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Presidency,
         headers(("Location" = String, description = "URL of the new term"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/presidencies")]
pub async fn create_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreatePresidency>,
) -> ApiResult<HttpResponse> {
    let presidency =
        service::create(&state, principal, path.into_inner().id_or_slug, body.0).await?;
    let location = location(presidency.alliance_id, presidency.id);
    Ok(sub::created(location, presidency.version, presidency))
}

/// Correct a presidency term (administrators; JSON merge patch).
///
/// Needs `If-Match`. The same rules as for a new term apply to the result.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath, crate::http::responses::IfMatchHeader),
    request_body = UpdatePresidency,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = Presidency,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn update_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PresidencyPath>,
    if_match: IfMatch,
    body: Json<UpdatePresidency>,
) -> ApiResult<HttpResponse> {
    let presidency =
        service::update(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(sub::found(presidency.version, presidency))
}

/// Delete a presidency term recorded by mistake (administrators). Needs `If-Match`.
///
/// Deleting is for corrections; the deletion is recorded in the audit log with the last
/// state.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn delete_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PresidencyPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
