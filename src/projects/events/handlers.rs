//! HTTP layer of project events and the calendar of every project.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateProjectEvent, EventCalendarQuery, EventPath, ProjectEvent, ProjectEventListQuery,
    ProjectEventPage, UpdateProjectEvent,
};
use super::service;
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;
use crate::projects::dto::ProjectPath;

/// The calendar: events of every project.
///
/// Earliest first by default (by time of day within a day); `from`/`to` select the
/// events that overlap those days. Keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "events",
    params(EventCalendarQuery),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "A page of events", body = ProjectEventPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/events")]
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<EventCalendarQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let (project, filters) = query.0.split();
    let (list, page) = service::calendar_request(project, filters)?;
    respond_page(&state, &req, list, page).await
}

/// List the events of a project, earliest first by default.
///
/// Keyset-paginated (`limit`, `cursor`); 404 when the project does not exist. The calendar
/// of all projects' events is `GET /events`.
#[utoipa::path(
    tag = "events",
    params(ProjectPath, ProjectEventListQuery),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "A page of events", body = ProjectEventPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}/events")]
pub async fn list_project_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ProjectPath>,
    query: Query<ProjectEventListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let (list, page) = service::project_request(path.into_inner().id, query.0)?;
    respond_page(&state, &req, list, page).await
}

/// One event of a project.
///
/// Times are local at the venue; 404 when the id belongs to another project.
#[utoipa::path(
    tag = "events",
    params(EventPath),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "The event", body = ProjectEvent,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}/events/{event_id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<EventPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let EventPath { id, event_id } = path.into_inner();
    let event = service::load(&state, id, event_id).await?;
    Ok(tagged(event.version, event))
}

/// Add an event to a project.
///
/// Administrators, editors of the lead organization, and its API tokens with
/// `projects:write`. `starts_at`/`ends_at` are local times at the venue (`HH:MM`).
#[utoipa::path(
    tag = "events",
    params(ProjectPath),
    request_body = CreateProjectEvent,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 201, description = "Created", body = ProjectEvent,
         headers(("Location" = String, description = "URL of the new event"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/projects/{id}/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ProjectPath>,
    body: Json<CreateProjectEvent>,
) -> ApiResult<HttpResponse> {
    let event = service::create(&state, &principal, path.into_inner().id, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/projects/{}/events/{}", event.project_id, event.id),
    ));
    Ok(with_etag(response, event.version, event))
}

/// Change an event (JSON merge patch), e.g. record how many took part.
///
/// Needs `If-Match` with the event's `ETag`.
#[utoipa::path(
    tag = "events",
    params(EventPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateProjectEvent,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Changed", body = ProjectEvent,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[patch("/projects/{id}/events/{event_id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventPath>,
    if_match: IfMatch,
    body: Json<UpdateProjectEvent>,
) -> ApiResult<HttpResponse> {
    let EventPath { id, event_id } = path.into_inner();
    let event = service::update(&state, &principal, (id, event_id), if_match, body.0).await?;
    Ok(tagged(event.version, event))
}

/// Delete an event. Needs `If-Match`.
///
/// Administrators, editors of the lead organization, and its API tokens with
/// `projects:write`; recorded in the audit log with the last state. Its registration
/// settings, registrations (with their personal data) and invitations are deleted with
/// it, each with its own audit record and a `deleted` event in the change feed.
#[utoipa::path(
    tag = "events",
    params(EventPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/projects/{id}/events/{event_id}")]
pub async fn delete_event(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let EventPath { id, event_id } = path.into_inner();
    service::remove(&state, &principal, (id, event_id), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
