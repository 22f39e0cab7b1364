//! HTTP layer of working groups.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateMeeting, CreateMember, CreateWorkingGroup, Meeting, MeetingListQuery, MeetingPage,
    MeetingPath, Member, MemberListQuery, MemberPage, MemberPath, UpdateMeeting, UpdateMember,
    UpdateWorkingGroup, WorkingGroup, WorkingGroupListQuery, WorkingGroupPage, WorkingGroupPath,
};
use super::service;
use crate::associations::sub;
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::organizations::dto::IdOrSlugPath;
use crate::pagination::respond_page;

/// The working groups of an association or alliance.
///
/// In the order they were added; 404 when the association does not exist.
#[utoipa::path(
    tag = "working-groups",
    params(IdOrSlugPath, WorkingGroupListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of working groups", body = WorkingGroupPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}/working-groups")]
pub async fn list_working_groups(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<WorkingGroupListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, path.into_inner().id_or_slug, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// Add a working group (editors of the association, administrators).
///
/// The name is unique within the association (409 `already_exists`); `dissolved_on` is
/// not before `established_on` (422).
#[utoipa::path(
    tag = "working-groups",
    params(IdOrSlugPath),
    request_body = CreateWorkingGroup,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Created", body = WorkingGroup,
         headers(("Location" = String, description = "URL of the new working group"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/working-groups")]
pub async fn create_working_group(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreateWorkingGroup>,
) -> ApiResult<HttpResponse> {
    let row = service::create(&state, principal, path.into_inner().id_or_slug, body.0).await?;
    Ok(sub::created(
        service::location(row.id),
        row.version,
        WorkingGroup::from(row),
    ))
}

/// One working group.
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The working group", body = WorkingGroup,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/working-groups/{id}")]
pub async fn get_working_group(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<WorkingGroupPath>,
) -> ApiResult<HttpResponse> {
    let row = service::get(&state, &principal, path.into_inner().id).await?;
    Ok(sub::found(row.version, WorkingGroup::from(row)))
}

/// Change a working group (JSON merge patch). Needs `If-Match`.
///
/// Editors of the association and administrators; `dissolved_on` records the end.
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateWorkingGroup,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = WorkingGroup,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/working-groups/{id}")]
pub async fn update_working_group(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WorkingGroupPath>,
    if_match: IfMatch,
    body: Json<UpdateWorkingGroup>,
) -> ApiResult<HttpResponse> {
    let row = service::update(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(sub::found(row.version, WorkingGroup::from(row)))
}

/// Delete a working group. Needs `If-Match`.
///
/// Only one without members and meetings (409 `still_referenced`; record the end with
/// `dissolved_on` instead).
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/working-groups/{id}")]
pub async fn delete_working_group(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WorkingGroupPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The member organizations of a working group, with their roles and periods.
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath, MemberListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of members", body = MemberPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/working-groups/{id}/members")]
pub async fn list_group_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<WorkingGroupPath>,
    query: Query<MemberListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::member_list_request(&principal, path.into_inner().id, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// Add an organization to a working group (editors of the association, administrators).
///
/// `role` is `chair` or `member`; `to` is not before `from` (422). An organization is in
/// a group once (409 `already_exists`).
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath),
    request_body = CreateMember,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Added", body = Member,
         headers(("Location" = String, description = "URL of the new member"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/working-groups/{id}/members")]
pub async fn add_group_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WorkingGroupPath>,
    body: Json<CreateMember>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let member = service::create_member(&state, principal, id, body.0).await?;
    let location = format!("/api/v1/working-groups/{id}/members/{}", member.id);
    Ok(sub::created(location, member.version, member))
}

/// One member of a working group.
#[utoipa::path(
    tag = "working-groups",
    params(MemberPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The member", body = Member,
         headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/working-groups/{id}/members/{member_id}")]
pub async fn get_group_member(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MemberPath>,
) -> ApiResult<HttpResponse> {
    let MemberPath { id, member_id } = path.into_inner();
    let member = service::get_member(&state, &principal, (id, member_id)).await?;
    Ok(sub::found(member.version, member))
}

/// Change a member's role or period (JSON merge patch). Needs `If-Match`.
///
/// Editors of the association and administrators; `to` is not before `from` (422), and
/// `to` records that the organization left. The organization itself does not change.
#[utoipa::path(
    tag = "working-groups",
    params(MemberPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateMember,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Member,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[patch("/working-groups/{id}/members/{member_id}")]
pub async fn update_group_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MemberPath>,
    if_match: IfMatch,
    body: Json<UpdateMember>,
) -> ApiResult<HttpResponse> {
    let MemberPath { id, member_id } = path.into_inner();
    let member =
        service::update_member(&state, principal, (id, member_id), if_match, body.0).await?;
    Ok(sub::found(member.version, member))
}

/// Remove a member recorded by mistake (editors of the association, administrators).
///
/// Needs `If-Match`. To record that an organization left the group, set `to` instead.
#[utoipa::path(
    tag = "working-groups",
    params(MemberPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Removed"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/working-groups/{id}/members/{member_id}")]
pub async fn delete_group_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MemberPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let MemberPath { id, member_id } = path.into_inner();
    service::remove_member(&state, principal, (id, member_id), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The meetings of a working group, earliest first.
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath, MeetingListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of meetings", body = MeetingPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/working-groups/{id}/meetings")]
pub async fn list_meetings(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<WorkingGroupPath>,
    query: Query<MeetingListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::meeting_list_request(&principal, path.into_inner().id, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// Record a meeting of a working group (editors of the association, administrators).
///
/// `date`, and optionally `place`, `agenda`, `minutes` and the positions discussed
/// (`position_ids`: published positions or the association's own drafts; 422 otherwise).
#[utoipa::path(
    tag = "working-groups",
    params(WorkingGroupPath),
    request_body = CreateMeeting,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Recorded", body = Meeting,
         headers(("Location" = String, description = "URL of the new meeting"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/working-groups/{id}/meetings")]
pub async fn create_meeting(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WorkingGroupPath>,
    body: Json<CreateMeeting>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let meeting = service::create_meeting(&state, principal, id, body.0).await?;
    let location = format!("/api/v1/working-groups/{id}/meetings/{}", meeting.id);
    Ok(sub::created(location, meeting.version, meeting))
}

/// One meeting of a working group.
#[utoipa::path(
    tag = "working-groups",
    params(MeetingPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The meeting", body = Meeting,
         headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/working-groups/{id}/meetings/{meeting_id}")]
pub async fn get_meeting(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MeetingPath>,
) -> ApiResult<HttpResponse> {
    let MeetingPath { id, meeting_id } = path.into_inner();
    let meeting = service::get_meeting(&state, &principal, (id, meeting_id)).await?;
    Ok(sub::found(meeting.version, meeting))
}

/// Change a meeting (JSON merge patch). Needs `If-Match`.
///
/// Editors of the association and administrators. `position_ids` replaces the positions
/// discussed, checked as when recording the meeting (422).
#[utoipa::path(
    tag = "working-groups",
    params(MeetingPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateMeeting,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Meeting,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[patch("/working-groups/{id}/meetings/{meeting_id}")]
pub async fn update_meeting(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MeetingPath>,
    if_match: IfMatch,
    body: Json<UpdateMeeting>,
) -> ApiResult<HttpResponse> {
    let MeetingPath { id, meeting_id } = path.into_inner();
    let meeting =
        service::update_meeting(&state, principal, (id, meeting_id), if_match, body.0).await?;
    Ok(sub::found(meeting.version, meeting))
}

/// Delete a meeting recorded by mistake (editors of the association, administrators).
///
/// Needs `If-Match`; the positions it discussed stay.
#[utoipa::path(
    tag = "working-groups",
    params(MeetingPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/working-groups/{id}/meetings/{meeting_id}")]
pub async fn delete_meeting(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MeetingPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let MeetingPath { id, meeting_id } = path.into_inner();
    service::remove_meeting(&state, principal, (id, meeting_id), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
