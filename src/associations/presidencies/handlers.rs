//! HTTP layer of presidencies.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreatePresidency, Presidency, PresidencyListQuery, PresidencyPage, PresidencyPath,
    UpdatePresidency, check_dates,
};
use super::model::{PresidencyFields, PresidencyRow};
use super::repo::{self, ListFilter};
use crate::associations::memberships::repo as memberships;
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::organizations::dto::{IdOrSlugPath, parse_kind};
use crate::organizations::model::OrganizationRow;
use crate::organizations::repo as organizations;
use crate::organizations::service::{KindScope, find_in_scope};
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn location(alliance_id: i64, presidency_id: i64) -> String {
    format!("/api/v1/associations/{alliance_id}/presidencies/{presidency_id}")
}

/// Presidencies belong to alliances only: 409 for any other association.
fn require_alliance(association: &OrganizationRow) -> ApiResult<()> {
    if parse_kind(&association.kind) == OrganizationKind::Alliance {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::NotAnAlliance,
            format!(
                "'{}' is of kind {}, not an alliance; only alliances have a rotating presidency",
                association.slug, association.kind
            ),
        ))
    }
}

/// The rules of a new or changed term: dates in order, a holder that exists and is
/// a member of the alliance on every day of the term, no overlap with another term.
fn check_term(
    conn: &mut DbConnection,
    fields: &PresidencyFields,
    except_id: Option<i64>,
) -> ApiResult<OrganizationRow> {
    check_dates(fields)?;
    let holder = organizations::find(conn, fields.holder_id)?.ok_or_else(|| {
        ApiError::invalid_field(
            "holder_id",
            "not_found",
            format!("organization {} does not exist", fields.holder_id),
        )
    })?;
    memberships::lock_association(conn, fields.alliance_id)?;
    if !memberships::covers(
        conn,
        fields.alliance_id,
        fields.holder_id,
        fields.starts_on,
        fields.ends_on,
    )? {
        return Err(ApiError::invalid_field(
            "holder_id",
            "holder_not_member",
            format!(
                "{} is not a member of the alliance on every day from {} to {}",
                holder.name, fields.starts_on, fields.ends_on
            ),
        ));
    }
    if let Some(other) = repo::overlapping(conn, fields, except_id)? {
        return Err(ApiError::new(
            Code::PresidencyOverlap,
            format!(
                "the term overlaps term {} ({} to {}); terms of one alliance may not share a day",
                other.id, other.starts_on, other.ends_on
            ),
        ));
    }
    Ok(holder)
}

fn find_term(
    conn: &mut DbConnection,
    alliance_id: i64,
    presidency_id: i64,
) -> ApiResult<PresidencyRow> {
    repo::find(conn, alliance_id, presidency_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "presidency term {presidency_id} does not exist in this alliance"
        ))
    })
}

fn with_holder(conn: &mut DbConnection, row: PresidencyRow) -> ApiResult<Presidency> {
    let holder = organizations::find(conn, row.holder_id)?
        .ok_or_else(|| ApiError::internal("presidency without holder"))?;
    Ok(Presidency::new(row, &holder))
}

/// List the presidency terms of an alliance, oldest first.
///
/// Other associations have no presidencies: their list is empty.
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath, PresidencyListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of presidency terms", body = PresidencyPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/presidencies")]
pub async fn list_presidencies(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<PresidencyListQuery>,
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
    let (on, holder_id) = (query.on, query.holder_id);
    let updated_since = query.updated_since.map(|t| t.naive_utc());
    let rows = state
        .db
        .run(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let filter = ListFilter {
                alliance_id: alliance.id,
                on,
                holder_id,
                updated_since,
                sort,
                after,
                fetch: fetch_size(limit),
            };
            repo::list(conn, &filter)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
    let page = PresidencyPage {
        items: rows
            .into_iter()
            .map(|(row, holder)| Presidency::new(row, &holder))
            .collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// The presidency term in force today.
///
/// 404 when no term covers today (or the association is not an alliance).
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The term in force", body = Presidency,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/presidencies/current")]
pub async fn current_presidency(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let id_or_slug = path.into_inner().id_or_slug;
    let presidency = state
        .db
        .run(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let today = crate::time::today();
            let row = repo::in_force(conn, &[alliance.id], today)?
                .into_iter()
                .next()
                .ok_or_else(|| {
                    ApiError::not_found(format!(
                        "'{}' has no presidency in force today ({today})",
                        alliance.slug
                    ))
                })?;
            with_holder(conn, row)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        presidency.version,
        presidency,
    ))
}

/// One presidency term.
///
/// A term of the alliance named in the path, with its holder and both (inclusive) ends;
/// 404 when the id belongs to another alliance.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The term", body = Presidency,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn get_presidency(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PresidencyPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let PresidencyPath {
        id_or_slug,
        presidency_id,
    } = path.into_inner();
    let presidency = state
        .db
        .run(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let row = find_term(conn, alliance.id, presidency_id)?;
            with_holder(conn, row)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        presidency.version,
        presidency,
    ))
}

/// Add a presidency term (administrators).
///
/// Only alliances have presidencies (409 `not_an_alliance`). `ends_on` before
/// `starts_on` is 422; a holder that is not a member of the alliance on every day of
/// the term is 422 `holder_not_member` on `holder_id`; a term sharing a day with
/// another is 409 `presidency_overlap`.
#[utoipa::path(
    tag = "presidencies",
    params(IdOrSlugPath),
    request_body = CreatePresidency,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Presidency,
         headers(("Location" = String, description = "URL of the new term"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/presidencies")]
pub async fn create_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreatePresidency>,
) -> ApiResult<HttpResponse> {
    let id_or_slug = path.into_inner().id_or_slug;
    let body = body.0;
    let presidency = state
        .db
        .transaction(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_presidencies(&principal)?;
            require_alliance(&alliance)?;
            let fields = body.into_fields(alliance.id);
            let holder = check_term(conn, &fields, None)?;
            let row = repo::insert(conn, &principal.actor(), &fields)?;
            Ok(Presidency::new(row, &holder))
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        location(presidency.alliance_id, presidency.id),
    ));
    Ok(with_etag(response, presidency.version, presidency))
}

/// Correct a presidency term (administrators; JSON merge patch).
///
/// Needs `If-Match`. The same rules as for a new term apply to the result.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath, crate::http::responses::IfMatchHeader),
    request_body = UpdatePresidency,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = Presidency,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn update_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PresidencyPath>,
    if_match: IfMatch,
    body: Json<UpdatePresidency>,
) -> ApiResult<HttpResponse> {
    let PresidencyPath {
        id_or_slug,
        presidency_id,
    } = path.into_inner();
    let patch = body.0;
    let presidency = state
        .db
        .transaction(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_presidencies(&principal)?;
            let current = find_term(conn, alliance.id, presidency_id)?;
            let expected = if_match.expected(current.version)?;
            let mut fields = PresidencyFields::from(&current);
            patch.apply(&mut fields);
            let holder = check_term(conn, &fields, Some(current.id))?;
            let row = repo::update(conn, &principal.actor(), &current, expected, &fields)?;
            Ok(Presidency::new(row, &holder))
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        presidency.version,
        presidency,
    ))
}

/// Delete a presidency term recorded by mistake (administrators). Needs `If-Match`.
///
/// Deleting is for corrections; the deletion is recorded in the audit log with the last
/// state.
#[utoipa::path(
    tag = "presidencies",
    params(PresidencyPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/associations/{id_or_slug}/presidencies/{presidency_id:[0-9]+}")]
pub async fn delete_presidency(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PresidencyPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let PresidencyPath {
        id_or_slug,
        presidency_id,
    } = path.into_inner();
    state
        .db
        .transaction(move |conn| {
            let alliance = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_presidencies(&principal)?;
            let current = find_term(conn, alliance.id, presidency_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
