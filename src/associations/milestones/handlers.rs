//! HTTP layer of milestones.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateMilestone, Milestone, MilestoneListQuery, MilestonePage, MilestonePath, UpdateMilestone,
};
use super::service;
use crate::associations::sub;
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::organizations::dto::IdOrSlugPath;
use crate::pagination::respond_page;

fn location(association_id: i64, milestone_id: i64) -> String {
    format!("/api/v1/associations/{association_id}/milestones/{milestone_id}")
}

/// The timeline of an association, in date order.
///
/// Every milestone of the association, oldest first, each with its date, optional end
/// date and place; 404 when the association does not exist.
#[utoipa::path(
    tag = "milestones",
    params(IdOrSlugPath, MilestoneListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of milestones", body = MilestonePage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/milestones")]
pub async fn list_milestones(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<MilestoneListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, path.into_inner().id_or_slug, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One milestone.
///
/// A milestone of the association named in the path; 404 when the id belongs to another
/// association.
#[utoipa::path(
    tag = "milestones",
    params(MilestonePath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The milestone", body = Milestone,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/milestones/{milestone_id}")]
pub async fn get_milestone(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MilestonePath>,
) -> ApiResult<HttpResponse> {
    let row = service::get(&state, &principal, path.into_inner()).await?;
    Ok(sub::found(row.version, Milestone::from(row)))
}

/// Add a milestone to the timeline (editors of the association, administrators).
///
/// `date` and `title` are required; `end_date`, when given, is not before `date` (422).
/// The answer carries the new milestone's `Location` and `ETag`.
#[utoipa::path(
    tag = "milestones",
    params(IdOrSlugPath),
    request_body = CreateMilestone,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Created", body = Milestone,
         headers(("Location" = String, description = "URL of the new milestone"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/milestones")]
pub async fn create_milestone(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreateMilestone>,
) -> ApiResult<HttpResponse> {
    let row = service::create(&state, principal, path.into_inner().id_or_slug, body.0).await?;
    let location = location(row.association_id, row.id);
    Ok(sub::created(location, row.version, Milestone::from(row)))
}

/// Change a milestone (JSON merge patch). Needs `If-Match`.
///
/// Only the fields sent change; `null` clears an optional one. Editors of the association
/// and administrators.
#[utoipa::path(
    tag = "milestones",
    params(MilestonePath, crate::http::responses::IfMatchHeader),
    request_body = UpdateMilestone,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Milestone,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[patch("/associations/{id_or_slug}/milestones/{milestone_id}")]
pub async fn update_milestone(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MilestonePath>,
    if_match: IfMatch,
    body: Json<UpdateMilestone>,
) -> ApiResult<HttpResponse> {
    let row = service::update(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(sub::found(row.version, Milestone::from(row)))
}

/// Delete a milestone. Needs `If-Match`.
///
/// Editors of the association and administrators; the deletion is recorded in the audit
/// log with the last state.
#[utoipa::path(
    tag = "milestones",
    params(MilestonePath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/associations/{id_or_slug}/milestones/{milestone_id}")]
pub async fn delete_milestone(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MilestonePath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
