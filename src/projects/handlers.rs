//! HTTP layer of projects: extract, call the use case (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateProject, Project, ProjectListQuery, ProjectPage, ProjectPath, UpdateProject,
};
use super::service::{self, location};
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

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
    let (list, page) = service::list_request(query.0)?;
    respond_page(&state, &req, list, page).await
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
    Ok(service::load(&state, path.into_inner().id).await?.respond())
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
    let project = service::create(&state, &principal, body.0).await?;
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
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
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
    let project = service::update(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(project.version, project))
}

/// Delete a project with its partners, funding, goals, indicators and events.
///
/// Needs `If-Match`. Administrators, editors of the lead organization, and its API
/// tokens with `projects:write`. The indicators and events (with their registrations
/// and invitations) each get their own audit record and `deleted` event in the change
/// feed.
#[utoipa::path(
    tag = "projects",
    params(ProjectPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/projects/{id}")]
pub async fn delete_project(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ProjectPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, &principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
