use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Query};
use crate::organizations::dto::{
    CreateOrganization, IdOrSlugPath, Organization, OrganizationListQuery, OrganizationPage,
    UpdateOrganization,
};
use crate::organizations::handlers::{
    KindScope, create, list_rows, load, remove, update, with_etag,
};
use crate::pagination::page_response;
use crate::server::AppState;

/// List associations and alliances.
///
/// `kind` narrows to `alliance`, `association` or `national_association`.
#[utoipa::path(
    tag = "associations",
    params(OrganizationListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of associations", body = OrganizationPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::openapi::Forbidden),
    )
)]
#[get("/associations")]
pub async fn list_associations(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<OrganizationListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let (rows, next_cursor) = list_rows(&state, KindScope::Associations, query.0).await?;
    let page = OrganizationPage {
        items: rows.into_iter().map(Organization::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One association, by id or slug (e.g. `opos`).
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The association", body = Organization,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/associations/{id_or_slug}")]
pub async fn get_association(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let row = load(
        &state,
        KindScope::Associations,
        path.into_inner().id_or_slug,
    )
    .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        Organization::from(row),
    ))
}

/// Create an association or alliance (administrators).
#[utoipa::path(
    tag = "associations",
    request_body = CreateOrganization,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Organization,
         headers(("Location" = String, description = "URL of the new association"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::UnprocessableEntity),
    )
)]
#[post("/associations")]
pub async fn create_association(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateOrganization>,
) -> ApiResult<HttpResponse> {
    let row = create(&state, &principal, KindScope::Associations, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, KindScope::Associations.location(row.id)));
    Ok(with_etag(response, row.version, Organization::from(row)))
}

/// Change an association (JSON merge patch).
///
/// Needs `If-Match`. Administrators change any association; editors their own.
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath, crate::openapi::IfMatchHeader),
    request_body = UpdateOrganization,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Organization,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 422, response = crate::openapi::UnprocessableEntity),
        (status = 428, response = crate::openapi::PreconditionRequired),
    )
)]
#[patch("/associations/{id_or_slug}")]
pub async fn update_association(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: web::Path<IdOrSlugPath>,
    if_match: IfMatch,
    body: Json<UpdateOrganization>,
) -> ApiResult<HttpResponse> {
    let row = update(
        &state,
        &principal,
        KindScope::Associations,
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

/// Delete an association (administrators). Needs `If-Match`.
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath, crate::openapi::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 428, response = crate::openapi::PreconditionRequired),
    )
)]
#[delete("/associations/{id_or_slug}")]
pub async fn delete_association(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: web::Path<IdOrSlugPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    remove(
        &state,
        &principal,
        KindScope::Associations,
        path.into_inner().id_or_slug,
        if_match,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
