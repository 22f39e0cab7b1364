//! HTTP layer of memberships.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateMembership, Membership, MembershipListQuery, MembershipPage, MembershipPath,
    UpdateMembership,
};
use super::service;
use crate::associations::sub;
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::organizations::dto::IdOrSlugPath;
use crate::pagination::respond_page;

fn location(association_id: i64, membership_id: i64) -> String {
    format!("/api/v1/associations/{association_id}/members/{membership_id}")
}

/// List the members of an association or alliance.
///
/// Sorted by member name by default (`sort=joined_on` for the order of joining).
/// `on=YYYY-MM-DD` answers who was a member on that day (both `joined_on` and
/// `left_on` count as days of membership); `current=true` is the same for today.
#[utoipa::path(
    tag = "members",
    params(IdOrSlugPath, MembershipListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of memberships", body = MembershipPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/members")]
pub async fn list_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<MembershipListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, path.into_inner().id_or_slug, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One membership.
///
/// A membership of the association named in the path, with its dated `joined_on` and
/// `left_on` (both days of membership); 404 when the id belongs to another association.
#[utoipa::path(
    tag = "members",
    params(MembershipPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The membership", body = Membership,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn get_member(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MembershipPath>,
) -> ApiResult<HttpResponse> {
    let membership: Membership = service::get(&state, &principal, path.into_inner()).await?;
    Ok(sub::found(membership.version, membership))
}

/// Add a member (editors of the association, administrators).
///
/// Alliances take associations and national associations; associations take local
/// governments (`jst`), else 422 `invalid_member_kind`. A membership that overlaps
/// another of the same organization in this association is 409 `membership_overlap`.
#[utoipa::path(
    tag = "members",
    params(IdOrSlugPath),
    request_body = CreateMembership,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Created", body = Membership,
         headers(("Location" = String, description = "URL of the new membership"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/members")]
pub async fn create_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreateMembership>,
) -> ApiResult<HttpResponse> {
    let membership =
        service::create(&state, principal, path.into_inner().id_or_slug, body.0).await?;
    let location = location(membership.association_id, membership.id);
    Ok(sub::created(location, membership.version, membership))
}

/// Change a membership's dates or basis (JSON merge patch).
///
/// Needs `If-Match`. The member itself cannot change. A change that would leave a
/// presidency term of the member uncovered is 409 `membership_needed_by_presidency`.
#[utoipa::path(
    tag = "members",
    params(MembershipPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateMembership,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Membership,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MembershipPath>,
    if_match: IfMatch,
    body: Json<UpdateMembership>,
) -> ApiResult<HttpResponse> {
    let membership =
        service::update(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(sub::found(membership.version, membership))
}

/// Delete a membership recorded by mistake (editors of the association, administrators).
///
/// Needs `If-Match`. To record that a member left, set `left_on` instead.
#[utoipa::path(
    tag = "members",
    params(MembershipPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn delete_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MembershipPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
