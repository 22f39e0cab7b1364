//! HTTP layer of organizations: extract, call the use case (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateOrganization, IdOrSlugPath, Organization, OrganizationListQuery, OrganizationPage,
    UpdateOrganization,
};
use super::service::{KindScope, OrganizationList, create, list_request, load, remove, update};
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

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
    let (filter, page) = list_request(KindScope::Any, query.0)?;
    respond_page(&state, &req, OrganizationList(filter), page).await
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
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/organizations/{id_or_slug}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let row = load(&state, KindScope::Any, path.into_inner().id_or_slug).await?;
    Ok(tagged(row.version, Organization::from(row)))
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
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/organizations/{id_or_slug}")]
pub async fn update_organization(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
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
    Ok(tagged(row.version, Organization::from(row)))
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
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/organizations/{id_or_slug}")]
pub async fn delete_organization(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
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
