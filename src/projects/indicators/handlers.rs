//! HTTP layer of project indicators.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateIndicator, Indicator, IndicatorListQuery, IndicatorPage, IndicatorPath, UpdateIndicator,
};
use super::model::{IndicatorFields, IndicatorRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};
use crate::projects::dto::ProjectPath;
use crate::projects::handlers::find_project;

/// The sort name indicator cursors carry (they are in the order of creation).
const SORT: &str = "id";

fn find_indicator(
    conn: &mut DbConnection,
    project_id: i64,
    indicator_id: i64,
) -> ApiResult<IndicatorRow> {
    repo::find(conn, project_id, indicator_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "indicator {indicator_id} does not exist in project {project_id}"
        ))
    })
}

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
    let query = query.0;
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, SORT))
        .transpose()?;
    let project_id = path.into_inner().id;
    let limit = query.limit;
    let filter = ListFilter {
        project_id,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        after_id: after.map(|c| c.id),
        fetch: fetch_size(limit),
    };
    let rows = state
        .db
        .run(move |conn| {
            find_project(conn, project_id)?;
            repo::list(conn, &filter)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| Cursor {
        sort: SORT.to_owned(),
        key: None,
        id: row.id,
    });
    let page = IndicatorPage {
        items: rows.into_iter().map(Indicator::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
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
    let row = state
        .db
        .run(move |conn| {
            find_project(conn, id)?;
            find_indicator(conn, id, indicator_id)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Indicator::from(row),
    ))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
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
    let project_id = path.into_inner().id;
    let body = body.0;
    let row = state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, project_id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            repo::insert(conn, &principal.actor(), &body.into_fields(project.id))
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/projects/{}/indicators/{}", row.project_id, row.id),
    ));
    Ok(with_etag(response, row.version, Indicator::from(row)))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    let patch = body.0;
    let row = state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            let current = find_indicator(conn, id, indicator_id)?;
            let expected = if_match.expected(current.version)?;
            let mut fields = IndicatorFields::from(&current);
            patch.apply(&mut fields);
            repo::update(conn, &principal.actor(), &current, expected, &fields)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Indicator::from(row),
    ))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    state
        .db
        .transaction(move |conn| {
            let project = find_project(conn, id)?;
            policy::can_manage_project(&principal, project.lead_id)?;
            let current = find_indicator(conn, id, indicator_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
