//! HTTP layer of organizations. The use cases (`load`, `create`, `update`, `delete`,
//! `list`) are shared with `/associations`, which is a view of the same table.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateOrganization, IdOrSlugPath, Organization, OrganizationListQuery, OrganizationPage,
    UpdateOrganization, check_consistency, parse_kind,
};
use super::model::{OrganizationFields, OrganizationRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::{OrganizationKind, Scope, fold_for_search};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{IfMatch, Json, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

/// Which organizations an endpoint serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindScope {
    Any,
    Associations,
}

impl KindScope {
    fn admits(self, kind: OrganizationKind) -> bool {
        self == KindScope::Any || kind.is_association()
    }

    fn noun(self) -> &'static str {
        match self {
            KindScope::Any => "organization",
            KindScope::Associations => "association",
        }
    }

    fn kinds(self, requested: Option<OrganizationKind>) -> Result<Vec<&'static str>, ApiError> {
        match (self, requested) {
            (_, Some(kind)) if self.admits(kind) => Ok(vec![kind.as_str()]),
            (_, Some(kind)) => Err(ApiError::new(
                Code::InvalidQuery,
                format!(
                    "'{kind}' is not a kind of association (alliance, association, national_association)"
                ),
            )),
            (KindScope::Any, None) => Ok(Vec::new()),
            (KindScope::Associations, None) => Ok(OrganizationKind::ASSOCIATIONS
                .iter()
                .map(|k| k.as_str())
                .collect()),
        }
    }

    pub(crate) fn location(self, id: i64) -> String {
        match self {
            KindScope::Any => format!("/api/v1/organizations/{id}"),
            KindScope::Associations => format!("/api/v1/associations/{id}"),
        }
    }
}

/// The organization named in the path, or 404 (also for one outside the scope).
pub(crate) fn find_in_scope(
    conn: &mut crate::db::DbConnection,
    scope: KindScope,
    id_or_slug: &str,
) -> ApiResult<OrganizationRow> {
    repo::find_by_id_or_slug(conn, id_or_slug)?
        .filter(|row| scope.admits(parse_kind(&row.kind)))
        .ok_or_else(|| {
            ApiError::not_found(format!("{} '{id_or_slug}' does not exist", scope.noun()))
        })
}

pub(crate) async fn list_rows(
    state: &AppState,
    scope: KindScope,
    query: OrganizationListQuery,
) -> ApiResult<(Vec<OrganizationRow>, Option<String>)> {
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let filter = ListFilter {
        kinds: scope.kinds(query.kind)?,
        voivodeship: query.voivodeship.map(|v| v.as_str()),
        teryt: query.teryt.map(String::from),
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(query.limit),
    };
    let rows = state.db.run(move |conn| repo::list(conn, &filter)).await?;
    Ok(split_page(rows, query.limit, |row| {
        repo::cursor_after(row, sort)
    }))
}

pub(crate) async fn load(
    state: &AppState,
    scope: KindScope,
    id_or_slug: String,
) -> ApiResult<OrganizationRow> {
    state
        .db
        .run(move |conn| find_in_scope(conn, scope, &id_or_slug))
        .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    body: CreateOrganization,
) -> ApiResult<OrganizationRow> {
    if !scope.admits(body.kind) {
        return Err(ApiError::invalid_field(
            "kind",
            "invalid_enum_value",
            "an association is of kind alliance, association or national_association",
        ));
    }
    policy::can_create_organization(principal, body.kind)?;
    let mut fields = body.into_fields();
    check_consistency(&mut fields)?;
    let actor = principal.actor();
    state
        .db
        .transaction(move |conn| repo::insert(conn, &actor, fields))
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    id_or_slug: String,
    if_match: IfMatch,
    patch: UpdateOrganization,
) -> ApiResult<OrganizationRow> {
    let principal = principal.clone();
    state
        .db
        .transaction(move |conn| {
            let current = find_in_scope(conn, scope, &id_or_slug)?;
            policy::can_write_organization(&principal, current.id)?;
            let expected = if_match.expected(current.version)?;
            if let Some(kind) = patch.kind {
                if !scope.admits(kind) {
                    return Err(ApiError::invalid_field(
                        "kind",
                        "invalid_enum_value",
                        "an association stays an alliance, association or national_association",
                    ));
                }
                if kind != parse_kind(&current.kind) {
                    policy::require_admin(&principal)?;
                }
            }
            let mut fields = OrganizationFields::from(current.clone());
            patch.apply(&mut fields);
            check_consistency(&mut fields)?;
            repo::update(conn, &principal.actor(), &current, expected, fields)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    id_or_slug: String,
    if_match: IfMatch,
) -> ApiResult<()> {
    let principal = principal.clone();
    state
        .db
        .transaction(move |conn| {
            let current = find_in_scope(conn, scope, &id_or_slug)?;
            policy::can_delete_organization(&principal)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await
}

/// List organizations of every kind.
///
/// Sorted by name by default; keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "organizations",
    params(OrganizationListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of organizations", body = OrganizationPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<OrganizationListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let (rows, next_cursor) = list_rows(&state, KindScope::Any, query.0).await?;
    let page = OrganizationPage {
        items: rows.into_iter().map(Organization::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One organization, by id or slug.
///
/// Any kind: local governments, associations, alliances and partners. The `ETag` is the
/// version to send in `If-Match` when changing it.
#[utoipa::path(
    tag = "organizations",
    params(IdOrSlugPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The organization", body = Organization,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/organizations/{id_or_slug}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let row = load(&state, KindScope::Any, path.into_inner().id_or_slug).await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Organization::from(row),
    ))
}

/// Create an organization.
///
/// Administrators create any kind; editors create local governments, NGOs and other
/// partners (not associations or alliances).
#[utoipa::path(
    tag = "organizations",
    request_body = CreateOrganization,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Organization,
         headers(("Location" = String, description = "URL of the new organization"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateOrganization>,
) -> ApiResult<HttpResponse> {
    let row = create(&state, &principal, KindScope::Any, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, KindScope::Any.location(row.id)));
    Ok(with_etag(response, row.version, Organization::from(row)))
}

/// Change an organization (JSON merge patch).
///
/// Needs `If-Match` with the current `ETag`. Administrators change any organization;
/// editors the associations they edit.
#[utoipa::path(
    tag = "organizations",
    params(IdOrSlugPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateOrganization,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Organization,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/organizations/{id_or_slug}")]
pub async fn update_organization(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: web::Path<IdOrSlugPath>,
    if_match: IfMatch,
    body: Json<UpdateOrganization>,
) -> ApiResult<HttpResponse> {
    let row = update(
        &state,
        &principal,
        KindScope::Any,
        path.into_inner().id_or_slug,
        if_match,
        body.0,
    )
    .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Organization::from(row),
    ))
}

/// Delete an organization (administrators).
///
/// Needs `If-Match`. An organization still referenced elsewhere answers 409.
#[utoipa::path(
    tag = "organizations",
    params(IdOrSlugPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/organizations/{id_or_slug}")]
pub async fn delete_organization(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: web::Path<IdOrSlugPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    remove(
        &state,
        &principal,
        KindScope::Any,
        path.into_inner().id_or_slug,
        if_match,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
