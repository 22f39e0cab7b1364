use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{Association, AssociationPage};
use crate::associations::presidencies::dto::PresidencySummary;
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::{tagged, with_etag};
use crate::organizations::dto::OrganizationSort;
use crate::organizations::dto::{
    CreateOrganization, IdOrSlugPath, Organization, OrganizationListQuery, UpdateOrganization,
};
use crate::organizations::model::OrganizationRow;
use crate::organizations::repo::ListFilter;
use crate::organizations::service::{KindScope, create, list_request, load, remove, update};
use crate::pagination::respond_page;

/// `/associations`: the organizations of the association kinds, each with what is
/// computed about it.
struct AssociationList(ListFilter);

crate::listing! {
    AssociationList: OrganizationSort, OrganizationRow => Association;
    rows(list, conn, page) = crate::organizations::repo::list(conn, &list.0, page);
    cursor(row, sort) = crate::organizations::repo::cursor_after(row, sort);
    render(conn, rows) = describe(conn, rows);
}

/// Adds what is computed about associations to a page of them, in three queries
/// whatever the page size: member counts, presidencies in force, their holders.
pub fn describe(
    conn: &mut DbConnection,
    rows: Vec<OrganizationRow>,
) -> ApiResult<Vec<Association>> {
    let today = crate::time::today();
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts = crate::associations::memberships::repo::counts_on(conn, &ids, today)?;
    let terms = crate::associations::presidencies::repo::in_force(conn, &ids, today)?;
    let holder_ids: Vec<i64> = terms.iter().map(|term| term.holder_id).collect();
    let holders = crate::organizations::repo::find_many(conn, &holder_ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let current_presidency = terms
                .iter()
                .find(|term| term.alliance_id == row.id)
                .and_then(|term| {
                    holders
                        .iter()
                        .find(|holder| holder.id == term.holder_id)
                        .map(|holder| PresidencySummary::new(term, holder))
                });
            Association {
                member_count: counts.get(&row.id).copied().unwrap_or(0),
                current_presidency,
                organization: Organization::from(row),
            }
        })
        .collect())
}

async fn describe_one(state: &AppState, row: OrganizationRow) -> ApiResult<Association> {
    let mut described = state.db.run(move |conn| describe(conn, vec![row])).await?;
    described
        .pop()
        .ok_or_else(|| crate::error::ApiError::internal("association vanished"))
}

/// List associations and alliances.
///
/// `kind` narrows to `alliance`, `association` or `national_association`.
#[utoipa::path(
    tag = "associations",
    params(OrganizationListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of associations", body = AssociationPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
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
    let (filter, page) = list_request(KindScope::Associations, query.0)?;
    respond_page(&state, &req, AssociationList(filter), page).await
}

/// One association, by id or slug (e.g. `opos`).
///
/// With its member count and the presidency in force today. The `ETag` is the version to
/// send in `If-Match` when changing it.
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The association", body = Association,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/associations/{id_or_slug}")]
pub async fn get_association(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let row = load(
        &state,
        KindScope::Associations,
        path.into_inner().id_or_slug,
    )
    .await?;
    let version = row.version;
    Ok(tagged(version, describe_one(&state, row).await?))
}

/// Create an association or alliance (administrators).
///
/// `kind` is `alliance`, `association` or `national_association`; the slug must be unused
/// by any organization (409 `slug_taken`). Members, presidencies and milestones are added
/// afterwards under the new association.
#[utoipa::path(
    tag = "associations",
    request_body = CreateOrganization,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Association,
         headers(("Location" = String, description = "URL of the new association"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
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
    let version = row.version;
    Ok(with_etag(
        response,
        version,
        describe_one(&state, row).await?,
    ))
}

/// Change an association (JSON merge patch).
///
/// Needs `If-Match`. Administrators change any association; editors their own.
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateOrganization,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Association,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/associations/{id_or_slug}")]
pub async fn update_association(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
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
    let version = row.version;
    Ok(tagged(version, describe_one(&state, row).await?))
}

/// Delete an association (administrators). Needs `If-Match`.
///
/// Its memberships, presidencies and milestones go with it; an association still referenced
/// elsewhere (as a member, a holder, by positions or projects) answers 409. The deletion is
/// recorded in the audit log with the last state.
#[utoipa::path(
    tag = "associations",
    params(IdOrSlugPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/associations/{id_or_slug}")]
pub async fn delete_association(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
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
