//! HTTP layer of projects: extract, authorize (per object, in `auth::policy`), run the
//! repository inside one transaction, shape the response.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateProject, Project, ProjectListQuery, ProjectPage, ProjectPath, UpdateProject,
};
use super::model::{ProjectFields, ProjectRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::{Scope, fold_for_search};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn location(id: i64) -> String {
    format!("/api/v1/projects/{id}")
}

/// The project named in the path, or 404.
pub(crate) fn find_project(conn: &mut DbConnection, id: i64) -> ApiResult<ProjectRow> {
    repo::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("project {id} does not exist")))
}

/// List partnership projects.
///
/// The latest start first by default; keyset-paginated (`limit`, `cursor`). Each
/// project comes with its partners, funding (and its exact totals per currency), goals
/// and indicators; the description only on the single project.
#[utoipa::path(
    tag = "projects",
    params(ProjectListQuery),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "A page of projects (without their descriptions)", body = ProjectPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/projects")]
pub async fn list_projects(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ProjectListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let query = query.0;
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let limit = query.limit;
    let filter = ListFilter {
        lead: query.lead,
        partner: query.partner,
        status: query.status.map(|s| s.as_str()),
        active_on: query.active_on,
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(limit),
    };
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            let rows = repo::list(conn, &filter)?;
            let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
            Ok((repo::with_details(conn, rows)?, next_cursor))
        })
        .await?;
    let page = ProjectPage {
        items: items.into_iter().map(Project::into_list_item).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One project, with its description, partners, funding, goals and indicators.
///
/// Amounts are decimal strings, summed per currency; each indicator carries its progress.
/// The `ETag` is the version to send in `If-Match` when changing it.
#[utoipa::path(
    tag = "projects",
    params(ProjectPath),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "The project", body = Project,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ProjectPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let id = path.into_inner().id;
    let project = state
        .db
        .run(move |conn| {
            let row = find_project(conn, id)?;
            repo::find_full(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), project.version, project))
}

/// Create a project.
///
/// Administrators, editors of the lead organization, and API tokens of the lead
/// organization with `projects:write`. Amounts are decimal strings (`"10500000.00"`),
/// never JSON numbers. The lead organization is always a partner (`leader`); list the
/// others in `partners`.
#[utoipa::path(
    tag = "projects",
    request_body = CreateProject,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 201, description = "Created", body = Project,
         headers(("Location" = String, description = "URL of the new project"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateProject>,
) -> ApiResult<HttpResponse> {
    policy::can_manage_project(&principal, body.0.lead_id)?;
    let (fields, links) = body.0.into_parts()?;
    let actor = principal.actor();
    let project = state
        .db
        .transaction(move |conn| {
            let row = repo::insert(conn, &actor, fields, links)?;
            repo::find_full(conn, row)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location(project.id)));
    Ok(with_etag(response, project.version, project))
}

/// Change a project (JSON merge patch).
///
/// Needs `If-Match`. Lists (`funding`, `partners`, `goals`) replace the whole list.
/// Changing `lead_id` needs the right to manage projects of both organizations.
#[utoipa::path(
    tag = "projects",
    params(ProjectPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateProject,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Changed", body = Project,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/projects/{id}")]
pub async fn update_project(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ProjectPath>,
    if_match: IfMatch,
    body: Json<UpdateProject>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let patch = body.0;
    let project = state
        .db
        .transaction(move |conn| {
            let current = find_project(conn, id)?;
            policy::can_manage_project(&principal, current.lead_id)?;
            let expected = if_match.expected(current.version)?;
            if let Some(lead_id) = patch.lead_id
                && lead_id != current.lead_id
            {
                policy::can_manage_project(&principal, lead_id)?;
            }
            let current_links = repo::links(conn, &current)?;
            let mut fields = ProjectFields::from(current.clone());
            let mut links = current_links.clone();
            patch.apply(&mut fields, &mut links)?;
            let row = repo::update(
                conn,
                &principal.actor(),
                &current,
                current_links,
                expected,
                fields,
                links,
            )?;
            repo::find_full(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), project.version, project))
}

/// Delete a project with its partners, funding, goals, indicators and events.
///
/// Needs `If-Match`. Administrators, editors of the lead organization, and its API
/// tokens with `projects:write`.
#[utoipa::path(
    tag = "projects",
    params(ProjectPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/projects/{id}")]
pub async fn delete_project(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ProjectPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    state
        .db
        .transaction(move |conn| {
            let current = find_project(conn, id)?;
            policy::can_manage_project(&principal, current.lead_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
