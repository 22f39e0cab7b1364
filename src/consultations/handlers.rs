//! HTTP layer of consultations: extract, call the use case (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    Consultation, ConsultationHistory, ConsultationListQuery, ConsultationPage, ConsultationPath,
    CreateConsultation, TransitionRequest, UpdateConsultation,
};
use super::service;
use crate::auth::{Principal, SignedIn, policy};
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

fn location(id: i64) -> String {
    format!("/api/v1/consultations/{id}")
}

/// List consultations.
///
/// Newest window first by default. `status` is the status now (`open`: announced and
/// inside its window). Drafts appear only for administrators and the organizer's
/// editors. Keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "consultations",
    params(ConsultationListQuery),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "A page of consultations", body = ConsultationPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/consultations")]
pub async fn list_consultations(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ConsultationListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    let (list, page) = service::ConsultationList::new(&state, &principal, query.0)?;
    respond_page(&state, &req, list, page).await
}

/// One consultation, with its documents and the positions that answer it.
///
/// A draft is found only by administrators and the organizer's editors.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "The consultation", body = Consultation,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/consultations/{id}")]
pub async fn get_consultation(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ConsultationPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    Ok(service::get(&state, principal, path.into_inner().id)
        .await?
        .respond())
}

/// Create a consultation (as a draft).
///
/// Administrators, the organizer's editors, and the organizer's API tokens with
/// `consultations:write`. A window shorter than the minimum for its subject kind needs a
/// `shortened_reason` (422 otherwise). Announce it with `POST /consultations/{id}/transitions`.
#[utoipa::path(
    tag = "consultations",
    request_body = CreateConsultation,
    security(("bearer" = []), ("api_token" = ["consultations:write"])),
    responses(
        (status = 201, description = "Created", body = Consultation,
         headers(("Location" = String, description = "URL of the new consultation"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/consultations")]
pub async fn create_consultation(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateConsultation>,
) -> ApiResult<HttpResponse> {
    let consultation = service::create(&state, principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location(consultation.id)));
    Ok(with_etag(response, consultation.version, consultation))
}

/// Change a consultation (JSON merge patch).
///
/// Needs `If-Match`. Lists (`forms`, `invited_ids`, `documents`) replace the whole list.
/// The organizer changes only in a draft; once the window has opened, `opens_at` and
/// `eligibility` are fixed and `closes_at` may only move later; once it has closed, the
/// window is fixed; a published report or a cancelled consultation no longer changes
/// (409). The status changes only through `/transitions`.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateConsultation,
    security(("bearer" = []), ("api_token" = ["consultations:write"])),
    responses(
        (status = 200, description = "Changed", body = Consultation,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[patch("/consultations/{id}")]
pub async fn update_consultation(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ConsultationPath>,
    if_match: IfMatch,
    body: Json<UpdateConsultation>,
) -> ApiResult<HttpResponse> {
    let consultation =
        service::update(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(consultation.version, consultation))
}

/// Delete a consultation that was never announced.
///
/// Needs `If-Match`. Announced consultations are part of the record: cancel them
/// instead (409 `consultation_not_deletable`); one that positions answer stays too
/// (409 `still_referenced`).
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["consultations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/consultations/{id}")]
pub async fn delete_consultation(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ConsultationPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state, principal, path.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a consultation through its lifecycle.
///
/// `draft → announced` (the window must satisfy the minimum period, or carry a
/// `shortened_reason`), then the clock: `open` from `opens_at`, `closed` from
/// `closes_at`; `closed → report_published` once every comment is decided (409
/// `comments_pending` otherwise; the day is recorded as `report_published_on`);
/// `cancelled` from `draft`, `announced` or `open`. Any other move is 409
/// `illegal_transition` naming the allowed ones. Needs `If-Match`.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath, crate::http::responses::IfMatchHeader),
    request_body = TransitionRequest,
    security(("bearer" = []), ("api_token" = ["consultations:write"])),
    responses(
        (status = 200, description = "Moved", body = Consultation,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/consultations/{id}/transitions")]
pub async fn transition_consultation(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ConsultationPath>,
    if_match: IfMatch,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let consultation =
        service::transition(&state, principal, path.into_inner(), if_match, body.0).await?;
    Ok(tagged(consultation.version, consultation))
}

/// The history of a consultation, oldest first.
///
/// Every move with its time, note and actor, including the clock's moves to `open` and
/// `closed` (marked `automatic`). A draft is found only by administrators and the
/// organizer's editors.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "The moves, the creation first", body = ConsultationHistory),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/consultations/{id}/history")]
pub async fn consultation_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ConsultationPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    let items = service::history(&state, principal, path.into_inner().id).await?;
    Ok(HttpResponse::Ok().json(ConsultationHistory { items }))
}
