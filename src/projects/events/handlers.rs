//! HTTP layer of project events and the calendar of every project.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateProjectEvent, EventCalendarQuery, EventPath, EventSort, ProjectEvent,
    ProjectEventListQuery, ProjectEventPage, UpdateProjectEvent, check_dates,
};
use super::model::{EventFields, EventRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::{Scope, fold_for_search};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};
use crate::projects::dto::ProjectPath;
use crate::projects::handlers::find_project;

fn find_event(conn: &mut DbConnection, project_id: i64, event_id: i64) -> ApiResult<EventRow> {
    repo::find(conn, project_id, event_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "event {event_id} does not exist in project {project_id}"
        ))
    })
}

/// The events with their projects embedded (one query for all of them).
fn with_projects(conn: &mut DbConnection, rows: Vec<EventRow>) -> ApiResult<Vec<ProjectEvent>> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let projects = crate::projects::repo::summaries(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let project = projects
                .get(&row.project_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("event without project"))?;
            Ok(ProjectEvent::new(row, project))
        })
        .collect()
}

fn one_with_project(conn: &mut DbConnection, row: EventRow) -> ApiResult<ProjectEvent> {
    with_projects(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("event vanished"))
}

/// The filters both event lists share.
struct Filters {
    project_id: Option<i64>,
    kind: Option<crate::domain::EventKind>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    city: Option<String>,
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
    sort: Option<EventSort>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    filters: Filters,
    project_must_exist: bool,
) -> ApiResult<HttpResponse> {
    if let (Some(from), Some(to)) = (filters.from, filters.to)
        && from > to
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("from ({from}) is after to ({to})"),
        ));
    }
    let sort = filters.sort.unwrap_or_default();
    let after = filters
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let limit = filters.limit;
    let filter = ListFilter {
        project_id: filters.project_id,
        kind: filters.kind.map(|k| k.as_str()),
        from: filters.from,
        to: filters.to,
        city: filters.city.as_deref().map(|c| fold_for_search(c.trim())),
        updated_since: filters.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(limit),
    };
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            if project_must_exist && let Some(project_id) = filter.project_id {
                find_project(conn, project_id)?;
            }
            let rows = repo::list(conn, &filter)?;
            let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
            Ok((with_projects(conn, rows)?, next_cursor))
        })
        .await?;
    let page = ProjectEventPage { items, next_cursor };
    Ok(page_response(req, &page, page.next_cursor.as_deref()))
}

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
    let query = query.0;
    let filters = Filters {
        project_id: query.project,
        kind: query.kind,
        from: query.from,
        to: query.to,
        city: query.city,
        updated_since: query.updated_since,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
    };
    list_page(&req, &state, filters, false).await
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
    let query = query.0;
    let filters = Filters {
        project_id: Some(path.into_inner().id),
        kind: query.kind,
        from: query.from,
        to: query.to,
        city: query.city,
        updated_since: query.updated_since,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
    };
    list_page(&req, &state, filters, true).await
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
    let event = state
        .db
        .run(move |conn| {
            find_project(conn, id)?;
            let row = find_event(conn, id, event_id)?;
            one_with_project(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), event.version, event))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
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
    let project_id = path.into_inner().id;
    let body = body.0;
    let event = state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, project_id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            let fields = body.into_fields(project.id);
            check_dates(&fields)?;
            let row = repo::insert(conn, &principal.actor(), &fields)?;
            one_with_project(conn, row)
        })
        .await?;
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    let patch = body.0;
    let event = state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            let current = find_event(conn, id, event_id)?;
            let expected = if_match.expected(current.version)?;
            let mut fields = EventFields::from(&current);
            patch.apply(&mut fields);
            check_dates(&fields)?;
            let row = repo::update(conn, &principal.actor(), &current, expected, &fields)?;
            one_with_project(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), event.version, event))
}

/// Delete an event. Needs `If-Match`.
///
/// Administrators, editors of the lead organization, and its API tokens with
/// `projects:write`; recorded in the audit log with the last state.
#[utoipa::path(
    tag = "events",
    params(EventPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            let current = find_event(conn, id, event_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
