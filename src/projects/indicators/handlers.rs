//! HTTP layer of project indicators.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateIndicator, Indicator, IndicatorListQuery, IndicatorPage, IndicatorPath, UpdateIndicator,
};
use super::service;
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;
use crate::projects::dto::ProjectPath;

/// List the indicators of a project, in the order they were added.
///
/// Each comes with `progress_percent` (achieved as a percentage of the target).
#[utoipa::path(
    tag = "indicators",
    params(ProjectPath, IndicatorListQuery),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "A page of indicators", body = IndicatorPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}/indicators")]
pub async fn list_indicators(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ProjectPath>,
    query: Query<IndicatorListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let (list, page) = service::list_request(path.into_inner().id, query.0)?;
    respond_page(&state, &req, list, page).await
}

/// One indicator.
///
/// With its target, achieved value and progress (achieved as a percentage of the target);
/// 404 when the id belongs to another project.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorPath),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "The indicator", body = Indicator,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}/indicators/{indicator_id}")]
pub async fn get_indicator(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IndicatorPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ProjectsRead)?;
    let IndicatorPath { id, indicator_id } = path.into_inner();
    let indicator = service::load(&state, id, indicator_id).await?;
    Ok(tagged(indicator.version, indicator))
}

/// Add an indicator to a project.
///
/// Administrators, editors of the lead organization, and its API tokens with
/// `projects:write`. Names are unique within a project (409 `indicator_name_taken`).
#[utoipa::path(
    tag = "indicators",
    params(ProjectPath),
    request_body = CreateIndicator,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 201, description = "Created", body = Indicator,
         headers(("Location" = String, description = "URL of the new indicator"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/projects/{id}/indicators")]
pub async fn create_indicator(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ProjectPath>,
    body: Json<CreateIndicator>,
) -> ApiResult<HttpResponse> {
    let indicator = service::create(&state, &principal, path.into_inner().id, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!(
            "/api/v1/projects/{}/indicators/{}",
            indicator.project_id, indicator.id
        ),
    ));
    Ok(with_etag(response, indicator.version, indicator))
}

/// Change an indicator (JSON merge patch), e.g. record what was achieved.
///
/// Needs `If-Match` with the indicator's `ETag`.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateIndicator,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Changed", body = Indicator,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/projects/{id}/indicators/{indicator_id}")]
pub async fn update_indicator(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IndicatorPath>,
    if_match: IfMatch,
    body: Json<UpdateIndicator>,
) -> ApiResult<HttpResponse> {
    let IndicatorPath { id, indicator_id } = path.into_inner();
    let indicator =
        service::update(&state, &principal, (id, indicator_id), if_match, body.0).await?;
    Ok(tagged(indicator.version, indicator))
}

/// Delete an indicator. Needs `If-Match`.
///
/// Administrators, editors of the lead organization, and its API tokens with
/// `projects:write`; recorded in the audit log with the last state.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/projects/{id}/indicators/{indicator_id}")]
pub async fn delete_indicator(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IndicatorPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let IndicatorPath { id, indicator_id } = path.into_inner();
    service::remove(&state, &principal, (id, indicator_id), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
