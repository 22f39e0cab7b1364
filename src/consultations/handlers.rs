//! HTTP layer of consultations: extract, authorize (per object, in `auth::policy`), run
//! the repository inside one transaction, shape the response.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    Consultation, ConsultationHistory, ConsultationListQuery, ConsultationPage, ConsultationPath,
    CreateConsultation, TransitionRequest, UpdateConsultation,
};
use super::model::{ConsultationFields, ConsultationRow};
use super::repo::{self, ListFilter, View};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::{Scope, fold_for_search};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn location(id: i64) -> String {
    format!("/api/v1/consultations/{id}")
}

/// The consultation, if this principal may see it: drafts (and drafts cancelled before
/// they were announced) only for admins and the organizer's editors; 404 for others,
/// as if it did not exist.
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<ConsultationRow> {
    repo::find(conn, id)?
        .filter(|row| {
            row.published() || policy::can_see_consultation_draft(principal, row.organizer_id)
        })
        .ok_or_else(|| ApiError::not_found(format!("consultation {id} does not exist")))
}

/// What responses show for this principal now.
pub(crate) fn view(state: &AppState, principal: &Principal) -> View {
    View {
        now: crate::time::now(),
        min_days: state.config.consultation_min_days,
        position_drafts: policy::visible_drafts(principal),
    }
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
    let query = query.0;
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let limit = query.limit;
    let view = view(&state, &principal);
    let filter = ListFilter {
        drafts: policy::visible_consultation_drafts(&principal),
        organizer: query.organizer,
        direction: query.direction.map(|d| d.as_str()),
        subject_kind: query.subject_kind.map(|k| k.as_str()),
        status: query.status,
        eligibility: query.eligibility.map(|e| e.as_str()),
        register_number: query.register_number.map(String::from),
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(limit),
        now: view.now,
    };
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            let rows = repo::list(conn, &filter)?;
            let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
            Ok((repo::with_details(conn, rows, &view)?, next_cursor))
        })
        .await?;
    let page = ConsultationPage { items, next_cursor };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
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
    let id = path.into_inner().id;
    let view = view(&state, &principal);
    let consultation = state
        .db
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            repo::find_full(conn, row, &view)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        consultation.version,
        consultation,
    ))
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
    policy::can_manage_consultation(&principal, body.0.organizer_id)?;
    let (fields, links) = body.0.into_parts();
    let actor = principal.actor();
    let view = view(&state, &principal);
    let consultation = state
        .db
        .transaction(move |conn| {
            let row = repo::insert(conn, &actor, fields, links, &view.min_days, view.now)?;
            repo::find_full(conn, row, &view)
        })
        .await?;
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    let id = path.into_inner().id;
    let patch = body.0;
    let view = view(&state, &principal);
    let consultation = state
        .db
        .transaction(move |conn| {
            repo::lock(conn, id)?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_manage_consultation(&principal, current.organizer_id)?;
            let expected = if_match.expected(current.version)?;
            if let Some(organizer_id) = patch.organizer_id
                && organizer_id != current.organizer_id
            {
                policy::can_manage_consultation(&principal, organizer_id)?;
            }
            let current_links = repo::links(conn, id)?;
            let mut fields = ConsultationFields::from(current.clone());
            let mut links = current_links.clone();
            patch.apply(&mut fields, &mut links);
            let row = repo::update(
                conn,
                &principal.actor(),
                &current,
                current_links,
                expected,
                fields,
                links,
                &view.min_days,
            )?;
            repo::find_full(conn, row, &view)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        consultation.version,
        consultation,
    ))
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/consultations/{id}")]
pub async fn delete_consultation(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ConsultationPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    state
        .db
        .transaction(move |conn| {
            repo::lock(conn, id)?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_manage_consultation(&principal, current.organizer_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
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
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
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
    let id = path.into_inner().id;
    let to = body.0.to;
    let note = body.0.note.map(|n| n.trim().to_owned());
    let view = view(&state, &principal);
    let consultation = state
        .db
        .transaction(move |conn| {
            repo::lock(conn, id)?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_manage_consultation(&principal, current.organizer_id)?;
            let expected = if_match.expected(current.version)?;
            let row = repo::transition(
                conn,
                &principal.actor(),
                &current,
                expected,
                to,
                note.as_deref(),
                view.now,
                &view.min_days,
            )?;
            repo::find_full(conn, row, &view)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        consultation.version,
        consultation,
    ))
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
    let id = path.into_inner().id;
    let now = crate::time::now();
    let items = state
        .db
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            let stored = repo::history(conn, id)?;
            Ok(repo::history_view(&row, stored, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsultationHistory { items }))
}
