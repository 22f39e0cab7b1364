//! HTTP layer of milestones.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateMilestone, Milestone, MilestoneListQuery, MilestonePage, MilestonePath, UpdateMilestone,
    check_dates,
};
use super::model::{MilestoneFields, MilestoneRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::organizations::dto::IdOrSlugPath;
use crate::organizations::service::{KindScope, find_in_scope};
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn find_milestone(
    conn: &mut DbConnection,
    association_id: i64,
    milestone_id: i64,
) -> ApiResult<MilestoneRow> {
    repo::find(conn, association_id, milestone_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "milestone {milestone_id} does not exist in this association"
        ))
    })
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
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
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let query = query.0;
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let id_or_slug = path.into_inner().id_or_slug;
    let limit = query.limit;
    let (from, to) = (query.from, query.to);
    let updated_since = query.updated_since.map(|t| t.naive_utc());
    let rows = state
        .db
        .run(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let filter = ListFilter {
                association_id: association.id,
                from,
                to,
                updated_since,
                sort,
                after,
                fetch: fetch_size(limit),
            };
            repo::list(conn, &filter)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
    let page = MilestonePage {
        items: rows.into_iter().map(Milestone::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/milestones/{milestone_id}")]
pub async fn get_milestone(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MilestonePath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path.into_inner();
    let row = state
        .db
        .run(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            find_milestone(conn, association.id, milestone_id)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Milestone::from(row),
    ))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
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
    let id_or_slug = path.into_inner().id_or_slug;
    let body = body.0;
    let row = state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_milestones(&principal, association.id)?;
            let fields = body.into_fields(association.id);
            check_dates(&fields)?;
            repo::insert(conn, &principal.actor(), &fields)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!(
            "/api/v1/associations/{}/milestones/{}",
            row.association_id, row.id
        ),
    ));
    Ok(with_etag(response, row.version, Milestone::from(row)))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path.into_inner();
    let patch = body.0;
    let row = state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_milestones(&principal, association.id)?;
            let current = find_milestone(conn, association.id, milestone_id)?;
            let expected = if_match.expected(current.version)?;
            let mut fields = MilestoneFields::from(&current);
            patch.apply(&mut fields);
            check_dates(&fields)?;
            repo::update(conn, &principal.actor(), &current, expected, &fields)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Milestone::from(row),
    ))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/associations/{id_or_slug}/milestones/{milestone_id}")]
pub async fn delete_milestone(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MilestonePath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path.into_inner();
    state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_milestones(&principal, association.id)?;
            let current = find_milestone(conn, association.id, milestone_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
