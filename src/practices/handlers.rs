//! HTTP layer of good practices: extract, call the use case (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    Adoption, AdoptionListQuery, AdoptionPage, AdoptionPath, CategoryListQuery, CategoryPage,
    CategoryPath, CreateAdoption, CreateCategory, CreatePractice, Practice, PracticeCategory,
    PracticeHistory, PracticeListQuery, PracticeMap, PracticeMapQuery, PracticePage, PracticePath,
    TransitionRequest, UpdatePractice,
};
use super::service;
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

/// The media type of the map (RFC 7946).
pub const GEO_JSON: &str = "application/geo+json";

// ------------------------------------------------------------------ categories

/// List the categories of the good-practice base.
///
/// The seven of the base (Usługi społeczne, Usługi techniczne, Rozwój instytucjonalny,
/// Efektywność energetyczna, Współpraca JST-NGO, Współpraca między JST, Dialog
/// społeczny) and those administrators added, in id order.
#[utoipa::path(
    tag = "practices",
    params(CategoryListQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of categories", body = CategoryPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/practice-categories")]
pub async fn list_categories(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<CategoryListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::category_list_request(query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One category, by id or slug.
///
/// With its version (`ETag`); the practices filed under it are
/// `GET /practices?category={id_or_slug}`.
#[utoipa::path(
    tag = "practices",
    params(CategoryPath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The category", body = PracticeCategory,
         headers(("ETag" = String, description = "Current version"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/practice-categories/{id_or_slug}")]
pub async fn get_category(
    state: web::Data<AppState>,
    path: Path<CategoryPath>,
) -> ApiResult<HttpResponse> {
    let category = service::get_category(&state, path.into_inner().id_or_slug).await?;
    Ok(tagged(category.version, category))
}

/// Add a category (administrators).
///
/// The slug is derived from the name when left out and must be unused (409 `slug_taken`).
#[utoipa::path(
    tag = "practices",
    request_body = CreateCategory,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PracticeCategory,
         headers(("Location" = String, description = "URL of the new category"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/practice-categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateCategory>,
) -> ApiResult<HttpResponse> {
    let category = service::create_category(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/practice-categories/{}", category.id),
    ));
    Ok(with_etag(response, category.version, category))
}

// ------------------------------------------------------------------ practices

/// List good practices (Baza Dobrych Praktyk).
///
/// Published and archived practices for everyone; drafts and submitted ones also for
/// administrators, the implementer's editors and its `practices:write` tokens. Filters: `category` (id or slug),
/// `voivodeship`, `teryt` (a prefix: `16` opolskie, `1661` Opole), `unit_kind`,
/// `population_min`/`population_max` (unknown populations never match), `near=lat,lon`
/// with `radius_km` (the great-circle distance; each item then carries `distance_km`),
/// `q`, `implementer` and `jst` (a JST's or an association's page), `project`, `status`,
/// `updated_since`. Contacts that are not public appear only for the implementer's
/// editors and tokens and administrators. Keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "practices",
    params(PracticeListQuery),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "A page of practices", body = PracticePage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/practices")]
pub async fn list_practices(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PracticeListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// The map of practices (*Mapa Praktyk*) as GeoJSON.
///
/// A FeatureCollection (RFC 7946, `application/geo+json`) of the **published** practices
/// that have a location: each a `Point` with `coordinates` `[lon, lat]` and the properties
/// `id`, `title`, `categories` and `url`. The same filters as `GET /practices` (without
/// `status`, sort or pages), in title order; at most 2000 features, `truncated: true`
/// when more matched.
#[utoipa::path(
    tag = "practices",
    params(PracticeMapQuery),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "The practices on the map", body = PracticeMap, content_type = "application/geo+json"),
    )
)]
#[get("/practices/map")]
pub async fn practice_map(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PracticeMapQuery>,
) -> ApiResult<HttpResponse> {
    let map = service::map(&state, &principal, query.0).await?;
    Ok(HttpResponse::Ok().content_type(GEO_JSON).json(map))
}

/// One good practice, with everything related embedded.
///
/// A draft or submitted practice is found only by administrators and the implementer's
/// editors and `practices:write` tokens (404 for others); non-public contacts likewise.
#[utoipa::path(
    tag = "practices",
    params(PracticePath),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "The practice", body = Practice,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/practices/{id:[0-9]+}")]
pub async fn get_practice(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PracticePath>,
) -> ApiResult<HttpResponse> {
    Ok(service::get(&state, &principal, path.into_inner().id)
        .await?
        .respond())
}

/// Describe a good practice (as a draft).
///
/// Administrators, editors of the implementer (`implementer_id`: a gmina, an
/// association's office …) and its `practices:write` tokens. A location outside Poland is 422 `outside_poland`; unknown
/// references are 422 naming the field; `jst_id` must be a local government. For a JST
/// the TERC code, the kind of unit, the population, the city and the voivodeship are
/// taken from it when left out.
#[utoipa::path(
    tag = "practices",
    request_body = CreatePractice,
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 201, description = "Created as a draft", body = Practice,
         headers(("Location" = String, description = "URL of the new practice"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/practices")]
pub async fn create_practice(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreatePractice>,
) -> ApiResult<HttpResponse> {
    let practice = service::create(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, service::location(practice.id)));
    Ok(with_etag(response, practice.version, practice))
}

/// Change a good practice. Needs `If-Match`.
///
/// Administrators, editors and `practices:write` tokens of the implementer (of both,
/// when `implementer_id` changes). A submitted or published practice keeps its summary and a category.
#[utoipa::path(
    tag = "practices",
    params(PracticePath, crate::http::responses::IfMatchHeader),
    request_body = UpdatePractice,
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "Changed", body = Practice, headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[patch("/practices/{id:[0-9]+}")]
pub async fn update_practice(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PracticePath>,
    if_match: IfMatch,
    body: Json<UpdatePractice>,
) -> ApiResult<HttpResponse> {
    let practice = service::update(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(practice.version, practice))
}

/// Delete a good practice. Needs `If-Match`.
///
/// The implementer's editors and `practices:write` tokens delete drafts and submitted practices; a practice the public
/// has seen (published, archived) only an administrator deletes; archive it instead.
#[utoipa::path(
    tag = "practices",
    params(PracticePath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/practices/{id:[0-9]+}")]
pub async fn delete_practice(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PracticePath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, &principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a good practice through its lifecycle. Needs `If-Match`.
///
/// `draft → submitted → published → archived`, and `published → submitted` when it needs a
/// new review; any other move is 409 `illegal_transition`. The implementer's editors and
/// `practices:write` tokens submit and archive; only administrators publish (403 otherwise). Submitting needs a
/// summary and a category (422 naming what is missing). On publication `entered_on`
/// defaults to today. Every move is kept in the history.
#[utoipa::path(
    tag = "practices",
    params(PracticePath, crate::http::responses::IfMatchHeader),
    request_body = TransitionRequest,
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "Moved", body = Practice, headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/practices/{id}/transitions")]
pub async fn transition_practice(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PracticePath>,
    if_match: IfMatch,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let practice =
        service::transition(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(practice.version, practice))
}

/// The history of a good practice: every move with its note and actor, oldest first.
///
/// An unpublished practice is found only by administrators and the implementer's editors
/// and tokens.
#[utoipa::path(
    tag = "practices",
    params(PracticePath),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "The moves, the creation first", body = PracticeHistory),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/practices/{id}/history")]
pub async fn practice_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PracticePath>,
) -> ApiResult<HttpResponse> {
    let history = service::history(&state, &principal, path.into_inner().id).await?;
    Ok(HttpResponse::Ok().json(history))
}

// ------------------------------------------------------------------ adoptions

/// The local governments that took a practice over, in the order recorded.
///
/// Each with the adopting organization embedded, the date and a note. An unpublished
/// practice is found only by administrators and the implementer's editors and tokens.
#[utoipa::path(
    tag = "practices",
    params(PracticePath, AdoptionListQuery),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "A page of adoptions", body = AdoptionPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/practices/{id}/adoptions")]
pub async fn list_adoptions(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PracticePath>,
    query: Query<AdoptionListQuery>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let (listing, page) = service::adoption_list_request(&state, &principal, id, query.0).await?;
    respond_page(&state, &req, listing, page).await
}

/// Record that a local government took the practice over.
///
/// Administrators, editors and `practices:write` tokens of the adopting local government
/// (`organization_id`, kind
/// `jst`, not the practice's own: 422). Only a published practice is taken over (409
/// `practice_not_published`); once per local government (409 `already_adopted`). The
/// practice's `adoption_count` and version go up by one.
#[utoipa::path(
    tag = "practices",
    params(PracticePath),
    request_body = CreateAdoption,
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 201, description = "Recorded", body = Adoption,
         headers(("Location" = String, description = "URL of the adoption"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/practices/{id}/adoptions")]
pub async fn add_adoption(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PracticePath>,
    body: Json<CreateAdoption>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let adoption = service::add_adoption(&state, &principal, id, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/practices/{id}/adoptions/{}", adoption.id),
        ))
        .json(adoption))
}

/// One adoption of a practice.
///
/// The adopting local government, the date and the note, as recorded by its editor or
/// an administrator.
#[utoipa::path(
    tag = "practices",
    params(AdoptionPath),
    security((), ("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 200, description = "The adoption", body = Adoption),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/practices/{id}/adoptions/{adoption_id}")]
pub async fn get_adoption(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<AdoptionPath>,
) -> ApiResult<HttpResponse> {
    let AdoptionPath { id, adoption_id } = path.into_inner();
    let adoption = service::get_adoption(&state, &principal, id, adoption_id).await?;
    Ok(HttpResponse::Ok().json(adoption))
}

/// Remove an adoption.
///
/// Administrators, editors and `practices:write` tokens of the adopting local government.
/// Needs `If-Match` with the
/// practice's `ETag` (its `adoption_count` changes).
#[utoipa::path(
    tag = "practices",
    params(AdoptionPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["practices:write"])),
    responses(
        (status = 204, description = "Removed"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/practices/{id}/adoptions/{adoption_id}")]
pub async fn remove_adoption(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<AdoptionPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let AdoptionPath { id, adoption_id } = path.into_inner();
    service::remove_adoption(&state, &principal, id, adoption_id, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}
