//! HTTP layer of the cooperation standard: extract, call the use case, respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    Assessment, AssessmentListQuery, AssessmentPage, AssessmentPath, AssessmentResults,
    AssessmentTransition, Catalogue, CatalogueListQuery, CataloguePath, CatalogueVersionPage,
    CreateAssessment, CreateCatalogue, CreateInvitations, CreateSurveyResponse, IndexQuery,
    IndexTable, Invitations, JstPath, ResponseReceipt, Survey, SurveyPath, UpdateAssessment,
};
use super::{index, service, survey};
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;
use crate::spreadsheet::{negotiate, respond};

// ------------------------------------------------------------------ the catalogue

/// The cooperation standard: its current catalogue.
///
/// The newest version of the catalogue of the West Pomeranian standard of cooperation
/// between local governments and NGOs (after the national "Model współpracy
/// administracji publicznej i organizacji pozarządowych"): planes (`I`, `II`, `III`) →
/// areas (`I.1` … `III.2`, each with the tools the standard names) → indicators
/// (`I.1.3` …, the questions of the survey, answered 0–5). Indicators marked
/// `demonstration` were written for the demo, not taken from the standard.
#[utoipa::path(
    tag = "cooperation",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The current catalogue", body = Catalogue,
         headers(("ETag" = String, description = "Its version (always 1: versions never change)"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/cooperation-standard")]
pub async fn current_catalogue(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let catalogue = service::current_catalogue(&state).await?;
    Ok(tagged(catalogue.version, catalogue))
}

/// Every version of the catalogue, oldest first.
///
/// Each with its title, note and how many areas and indicators it holds; the tree is at
/// `GET /cooperation-standard/versions/{id}`.
#[utoipa::path(
    tag = "cooperation",
    params(CatalogueListQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of catalogue versions", body = CatalogueVersionPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/cooperation-standard/versions")]
pub async fn list_catalogues(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<CatalogueListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::catalogue_list_request(query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One version of the catalogue.
///
/// The tree as an assessment made with it (`catalogue_id`) sees it: versions never change.
#[utoipa::path(
    tag = "cooperation",
    params(CataloguePath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue version", body = Catalogue,
         headers(("ETag" = String, description = "Its version (always 1)"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/cooperation-standard/versions/{id}")]
pub async fn get_catalogue(
    state: web::Data<AppState>,
    path: Path<CataloguePath>,
) -> ApiResult<HttpResponse> {
    let catalogue = service::catalogue(&state, path.into_inner().id).await?;
    Ok(tagged(catalogue.version, catalogue))
}

/// Publish a new version of the catalogue (administrators).
///
/// The whole tree: an edit is a new version (take the current one, change it, post it),
/// which becomes the current catalogue. Versions never change, so assessments keep the
/// one they were made with and their results stay as they were. Codes nest (`I` →
/// `I.1` → `I.1.1`) and are unique (422 naming the field otherwise).
#[utoipa::path(
    tag = "cooperation",
    request_body = CreateCatalogue,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Published", body = Catalogue,
         headers(("Location" = String, description = "URL of the version"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/cooperation-standard/versions")]
pub async fn create_catalogue(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateCatalogue>,
) -> ApiResult<HttpResponse> {
    let catalogue = service::create_catalogue(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/cooperation-standard/versions/{}", catalogue.id),
    ));
    Ok(with_etag(response, catalogue.version, catalogue))
}

// ------------------------------------------------------------------ assessments

/// List assessments of cooperation quality.
///
/// Drafts only for administrators and the JST's editors. Filters `jst`, `year`,
/// `status`, `updated_since`; in id order, keyset-paginated.
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentListQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of assessments", body = AssessmentPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/cooperation-assessments")]
pub async fn list_assessments(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<AssessmentListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = service::list_request(&principal, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One assessment.
///
/// A draft is found only by administrators and the JST's editors (404 for others).
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The assessment", body = Assessment,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/cooperation-assessments/{id}")]
pub async fn get_assessment(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<AssessmentPath>,
) -> ApiResult<HttpResponse> {
    let assessment = service::get(&state, &principal, path.into_inner().id).await?;
    Ok(tagged(assessment.version, assessment))
}

/// Start an assessment of a local government for a year (as a draft).
///
/// Administrators and editors of the JST (`jst_id`, kind `jst`: 422 otherwise). One per
/// JST and year (409 `assessment_exists`). `area_codes` must be areas of the catalogue
/// (422 `unknown_area`); the catalogue version is the current one unless
/// `catalogue_id` names another. `min_group_size` defaults to 5.
#[utoipa::path(
    tag = "cooperation",
    request_body = CreateAssessment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created as a draft", body = Assessment,
         headers(("Location" = String, description = "URL of the assessment"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/cooperation-assessments")]
pub async fn create_assessment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateAssessment>,
) -> ApiResult<HttpResponse> {
    let assessment = service::create(&state, &principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, service::location(assessment.id)));
    Ok(with_etag(response, assessment.version, assessment))
}

/// Change an assessment. Needs `If-Match`.
///
/// `year`, `area_codes` and `catalogue_id` only in a draft (409
/// `assessment_not_draft`); `min_group_size` until published (409
/// `assessment_published`).
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateAssessment,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = Assessment, headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/cooperation-assessments/{id}")]
pub async fn update_assessment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<AssessmentPath>,
    if_match: IfMatch,
    body: Json<UpdateAssessment>,
) -> ApiResult<HttpResponse> {
    let assessment =
        service::update(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(assessment.version, assessment))
}

/// Delete a draft assessment (with its unused codes). Needs `If-Match`.
///
/// Once collecting it has answers and stays (409 `assessment_not_draft`).
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/cooperation-assessments/{id}")]
pub async fn delete_assessment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<AssessmentPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, &principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move an assessment through its lifecycle. Needs `If-Match`.
///
/// `draft → collecting` (the survey opens) `→ closed` (it stops taking answers) `→
/// published` (anyone reads the results), and `closed → collecting` to collect more.
/// Any other move is 409 `illegal_transition` naming the allowed ones.
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath, crate::http::responses::IfMatchHeader),
    request_body = AssessmentTransition,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved", body = Assessment, headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/cooperation-assessments/{id}/transitions")]
pub async fn transition_assessment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<AssessmentPath>,
    if_match: IfMatch,
    body: Json<AssessmentTransition>,
) -> ApiResult<HttpResponse> {
    let assessment =
        service::transition(&state, &principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(assessment.version, assessment))
}

/// Issue one-time survey codes for a respondent group.
///
/// Administrators and the JST's editors, while the assessment is a draft or collecting
/// (409 `survey_not_open` otherwise). `group` `jst` (the local government's staff and
/// councillors) or `ngo`; `count` 1–500. The codes are in this response only (the
/// database keeps their SHA-256); each answers once.
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath),
    request_body = CreateInvitations,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The codes, shown this once", body = Invitations),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/cooperation-assessments/{id}/invitations")]
pub async fn create_invitations(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<AssessmentPath>,
    body: Json<CreateInvitations>,
) -> ApiResult<HttpResponse> {
    let invitations = survey::invite(&state, &principal, path.into_inner().id, body.0).await?;
    Ok(HttpResponse::Created().json(invitations))
}

/// The results of an assessment: the local index of cooperation quality.
///
/// Per area the JST's and the NGOs' means (`score_jst`, `score_ngo`), `score` (the
/// mean of the two, each group counting the same) and `gap`; per plane the mean of
/// its assessed areas; `index` (the mean of the planes); `strengths` and `weaknesses`
/// (the areas with the highest and the lowest score). Rounded to two decimals at the
/// end only. A group with fewer responses than `min_group_size` is not shown (`null`,
/// `suppressed: true`) but still counts in `score`. Anyone reads published results;
/// the JST's editors and administrators read them earlier (others: 409
/// `results_not_published`).
#[utoipa::path(
    tag = "cooperation",
    params(AssessmentPath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The results", body = AssessmentResults),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[get("/cooperation-assessments/{id}/results")]
pub async fn assessment_results(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<AssessmentPath>,
) -> ApiResult<HttpResponse> {
    let results = index::results(&state, &principal, path.into_inner().id).await?;
    Ok(HttpResponse::Ok().json(results))
}

// ------------------------------------------------------------------ surveys

/// Runs a survey request under the limit per client address: counted before the code is
/// looked at (atomically, in the database, across instances, as failed sign-ins are)
/// and refunded when it succeeds, so only failures (guessing codes) use it up.
async fn limited<T>(
    req: &HttpRequest,
    state: &AppState,
    work: impl std::future::Future<Output = ApiResult<T>>,
) -> ApiResult<T> {
    let key = format!(
        "survey-address:{}",
        crate::http::client_address(req, &state.config.trusted_proxies)
    );
    let attempt = state.survey_attempts.count(&state.db, &[&key]).await?;
    let value = work.await?;
    state.survey_attempts.refund(&state.db, attempt).await?;
    Ok(value)
}

/// The questionnaire behind a survey code (no account needed).
///
/// The assessed areas with their questions, the scale and the group the code is for;
/// nothing personal is asked. An unknown code is 404, a used one 409
/// `survey_code_used`, a survey not collecting 409 `survey_not_open`. Failed look-ups
/// count against a limit per client address (429 with `Retry-After`), as failed
/// sign-ins do.
#[utoipa::path(
    tag = "cooperation",
    params(SurveyPath),
    security(()),
    responses(
        (status = 200, description = "The questionnaire", body = Survey),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 429, response = crate::http::responses::TooManyRequests),
    )
)]
#[get("/cooperation-surveys/{code}")]
pub async fn get_survey(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: Path<SurveyPath>,
) -> ApiResult<HttpResponse> {
    let survey = limited(
        &req,
        &state,
        survey::questionnaire(&state, path.into_inner().code),
    )
    .await?;
    Ok(HttpResponse::Ok().json(survey))
}

/// Answer a survey with a one-time code (no account needed; only while collecting).
///
/// `answers`: `{indicator_code, score}` with `score` a whole number 0–5 or `null`
/// ("don't know"), each indicator of the assessed areas at most once (one outside them
/// is 422 `unknown_indicator`, a score out of range 422). A code answers once: a
/// second answer is 409 `survey_code_used`, also when two answers race. An unknown
/// code is 404. Failed answers count against a limit per client address (429 with
/// `Retry-After`), as failed sign-ins do; a successful one costs nothing.
#[utoipa::path(
    tag = "cooperation",
    params(SurveyPath),
    request_body = CreateSurveyResponse,
    security(()),
    responses(
        (status = 201, description = "Recorded", body = ResponseReceipt),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 429, response = crate::http::responses::TooManyRequests),
    )
)]
#[post("/cooperation-surveys/{code}/responses")]
pub async fn answer_survey(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: Path<SurveyPath>,
    body: Json<CreateSurveyResponse>,
) -> ApiResult<HttpResponse> {
    let receipt = limited(
        &req,
        &state,
        survey::answer(&state, path.into_inner().code, body.0),
    )
    .await?;
    Ok(HttpResponse::Created().json(receipt))
}

// ------------------------------------------------------------------ the index

/// A local government's published indexes by year (the time series).
///
/// Oldest year first: the index, the plane scores and the responses per group of each
/// published assessment. With `Accept: text/csv`: `Rok;TERYT;JST;Indeks;Płaszczyzna
/// I;…;Odpowiedzi JST;Odpowiedzi NGO;Dane demonstracyjne`, `;`-separated, UTF-8 with a
/// byte order mark, decimal commas. 404 unless the organization is a JST.
#[utoipa::path(
    tag = "cooperation",
    params(JstPath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The series", content(
            (IndexTable = "application/json"),
            (String = "text/csv", example = "\u{feff}Rok;TERYT;JST;Indeks;Płaszczyzna I;Odpowiedzi JST;Odpowiedzi NGO;Dane demonstracyjne\r\n2014;3262011;Gmina Miasto Szczecin;2,90;2,90;6;7;tak\r\n")
        )),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 406, response = crate::http::responses::NotAcceptable),
    )
)]
#[get("/organizations/{id}/cooperation-index")]
pub async fn jst_index(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: Path<JstPath>,
) -> ApiResult<HttpResponse> {
    let format = negotiate(&req, "the index")?;
    let id = path.into_inner().id;
    let table = index::series(&state, id).await?;
    respond(
        format,
        &table,
        index::csv,
        &format!("indeks-wspolpracy-{id}.csv"),
    )
}

/// Published indexes side by side: the JSTs of a voivodeship for a year.
///
/// By name of the local government; `voivodeship` left out: every voivodeship. The
/// same columns as the time series; also as `text/csv`.
#[utoipa::path(
    tag = "cooperation",
    params(IndexQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The indexes", content(
            (IndexTable = "application/json"),
            (String = "text/csv", example = "\u{feff}Rok;TERYT;JST;Indeks;Płaszczyzna I;Odpowiedzi JST;Odpowiedzi NGO;Dane demonstracyjne\r\n2014;3262011;Gmina Miasto Szczecin;2,90;2,90;6;7;tak\r\n")
        )),
        (status = 406, response = crate::http::responses::NotAcceptable),
    )
)]
#[get("/cooperation-index")]
pub async fn side_by_side(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<IndexQuery>,
) -> ApiResult<HttpResponse> {
    let format = negotiate(&req, "the index")?;
    let query = query.0;
    let filename = format!("indeks-wspolpracy-{}.csv", query.year);
    let table = index::side_by_side(&state, query).await?;
    respond(format, &table, index::csv, &filename)
}
