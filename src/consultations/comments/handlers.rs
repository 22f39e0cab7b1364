//! HTTP layer of comments, dispositions and the report.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};

use super::dto::{
    Comment, CommentListQuery, CommentPage, CommentPath, CreateComment, DispositionRequest, Report,
    UpdateComment,
};
use super::repo::{self, Arrival, CommentText, ListFilter, Submission, Submitter};
use super::report::{self, ReportFormat};
use crate::auth::{Principal, SignedIn, policy};
use crate::consultations::dto::ConsultationPath;
use crate::consultations::handlers::{load_visible, view};
use crate::consultations::model::ConsultationRow;
use crate::consultations::repo as consultations;
use crate::domain::{CommentChannel, Scope};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn location(consultation_id: i64, comment_id: i64) -> String {
    format!("/api/v1/consultations/{consultation_id}/comments/{comment_id}")
}

fn not_found(consultation_id: i64, comment_id: i64) -> ApiError {
    ApiError::not_found(format!(
        "consultation {consultation_id} has no comment {comment_id}"
    ))
}

/// Persons' names are personal data: shown to the organizer only.
fn reveal_persons(principal: &Principal, consultation: &ConsultationRow) -> bool {
    policy::can_manage_consultation(principal, consultation.organizer_id).is_ok()
}

/// Who submits a comment through the API, and may they: a token speaks for its own
/// organization (a different `submitter_id` is refused, 403); a person names one of
/// their associations (or has exactly one).
fn own_submitter(principal: &Principal, requested: Option<i64>) -> ApiResult<i64> {
    policy::can_comment(principal)?;
    let submitter_id = match (principal, requested) {
        (Principal::Token(token), Some(id)) if id != token.organization_id => {
            return Err(ApiError::forbidden(
                "an API token comments only in the name of its own organization; leave submitter_id out",
            ));
        }
        (_, Some(id)) => id,
        (_, None) => policy::default_submitter(principal).ok_or_else(|| {
            ApiError::invalid_field(
                "submitter_id",
                "required",
                "name the organization you comment for (one of your associations)",
            )
        })?,
    };
    policy::can_comment_for(principal, submitter_id)?;
    Ok(submitter_id)
}

/// The comments of a consultation (the comment table), by number.
///
/// Each with its submitter, channel, receipt time and the organizer's disposition. A draft
/// consultation is found only by administrators and the organizer's editors (404 for
/// others).
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath, CommentListQuery),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/consultations/{id}/comments")]
pub async fn list_comments(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ConsultationPath>,
    query: Query<CommentListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    let id = path.into_inner().id;
    let query = query.0;
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let limit = query.limit;
    let filter = ListFilter {
        consultation_id: id,
        disposition: query.disposition.map(|d| d.as_str()),
        submitter: query.submitter,
        channel: query.channel.map(|c| c.as_str()),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(limit),
    };
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            let consultation = load_visible(conn, &principal, id)?;
            let rows = repo::list(conn, &filter)?;
            let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
            let reveal = reveal_persons(&principal, &consultation);
            Ok((repo::with_details(conn, rows, reveal)?, next_cursor))
        })
        .await?;
    let page = CommentPage { items, next_cursor };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One comment.
///
/// A comment of the consultation named in the path, with its disposition and `ETag`; 404
/// when the id belongs to another consultation or the consultation is a draft you may not
/// see.
#[utoipa::path(
    tag = "consultations",
    params(CommentPath),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "The comment", body = Comment,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/consultations/{id}/comments/{comment_id}")]
pub async fn get_comment(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<CommentPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    let CommentPath { id, comment_id } = path.into_inner();
    let comment = state
        .db
        .run(move |conn| {
            let consultation = load_visible(conn, &principal, id)?;
            let row = repo::find(conn, id, comment_id)?.ok_or_else(|| not_found(id, comment_id))?;
            repo::find_full(conn, row, reveal_persons(&principal, &consultation))
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), comment.version, comment))
}

/// Submit or record a comment; it gets the next number (Lp.).
///
/// **Submitted** (`channel` left out or `api`), only while the consultation is open (409
/// `consultation_not_open` before `opens_at`, `consultation_closed` from `closes_at`): by
/// a partner token with `consultations:comment` in the name of its own organization, or
/// by an editor for one of their associations (`submitter_id`). The submitter must be
/// eligible (403 `not_eligible`): any organization for `public`, members of the
/// organizing association (on that day) for `members`, the listed ones for `invited`.
///
/// **Recorded** (`channel` `email`, `letter` or `meeting`) by the organizer's editors, from
/// an organization (`submitter_id`) or a person (`submitter_name`), with the real
/// `received_at` inside the window — also after the window closed, until the report is
/// published.
///
/// Anonymous comments are not taken (401): residents write, e-mail or speak at a meeting,
/// and the organizer records what it received. Partner tokens submit with
/// `consultations:comment`; the organizer's tokens record with `consultations:write`.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath),
    request_body = CreateComment,
    security(("bearer" = []), ("api_token" = ["consultations:comment"]), ("api_token" = ["consultations:write"])),
    responses(
        (status = 201, description = "Created", body = Comment,
         headers(("Location" = String, description = "URL of the new comment"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/consultations/{id}/comments")]
pub async fn create_comment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<ConsultationPath>,
    body: Json<CreateComment>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let body = body.0;
    let channel = body.channel.unwrap_or(CommentChannel::Api);
    let text = CommentText {
        unit_reference: body.unit_reference,
        content: body.content,
        proposed_change: body.proposed_change,
        justification: body.justification,
    };
    let comment = state
        .db
        .transaction(move |conn| {
            consultations::lock(conn, id)?;
            let consultation = load_visible(conn, &principal, id)?;
            let submission = if channel == CommentChannel::Api {
                let submitter_id = own_submitter(&principal, body.submitter_id)?;
                if body.submitter_name.is_some() {
                    return Err(ApiError::invalid_field(
                        "submitter_name",
                        "not_submittable",
                        "comments of persons are recorded by the organizer (channel email, letter or meeting)",
                    ));
                }
                if body.received_at.is_some() {
                    return Err(ApiError::invalid_field(
                        "received_at",
                        "set_by_server",
                        "a comment submitted through the API is received when it is sent",
                    ));
                }
                Submission {
                    submitter: Submitter::Organization(submitter_id),
                    arrival: Arrival::Submitted,
                    channel,
                    received_at: None,
                    text,
                }
            } else {
                policy::can_manage_consultation(&principal, consultation.organizer_id)?;
                let submitter = match (body.submitter_id, body.submitter_name) {
                    (Some(id), None) => Submitter::Organization(id),
                    (None, Some(name)) => Submitter::Person(name),
                    _ => {
                        return Err(ApiError::invalid_field(
                            "submitter_id",
                            "one_submitter",
                            "a recorded comment is made by an organization (submitter_id) or a person (submitter_name): exactly one",
                        ));
                    }
                };
                Submission {
                    submitter,
                    arrival: Arrival::Recorded,
                    channel,
                    received_at: body.received_at.map(crate::time::from_utc),
                    text,
                }
            };
            let now = crate::time::now();
            let row = repo::submit(conn, &principal.actor(), &consultation, submission, now)?;
            repo::find_full(conn, row, reveal_persons(&principal, &consultation))
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        location(comment.consultation_id, comment.id),
    ));
    Ok(with_etag(response, comment.version, comment))
}

/// Amend a comment (JSON merge patch).
///
/// Needs `If-Match` (the comment's `ETag`). A comment submitted through the API is
/// amended by its submitter (its token with `consultations:comment`, or its editors),
/// only its text, while the consultation is open and the comment pending. A recorded
/// comment is corrected by the organizer's editors (or its tokens with
/// `consultations:write`) until the report is published.
#[utoipa::path(
    tag = "consultations",
    params(CommentPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateComment,
    security(("bearer" = []), ("api_token" = ["consultations:comment"]), ("api_token" = ["consultations:write"])),
    responses(
        (status = 200, description = "Changed", body = Comment,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/consultations/{id}/comments/{comment_id}")]
pub async fn update_comment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CommentPath>,
    if_match: IfMatch,
    body: Json<UpdateComment>,
) -> ApiResult<HttpResponse> {
    let CommentPath { id, comment_id } = path.into_inner();
    let patch = body.0;
    let comment = state
        .db
        .transaction(move |conn| {
            consultations::lock(conn, id)?;
            let consultation = load_visible(conn, &principal, id)?;
            let current =
                repo::find(conn, id, comment_id)?.ok_or_else(|| not_found(id, comment_id))?;
            match (current.channel(), current.submitter_id) {
                (CommentChannel::Api, Some(submitter_id)) => {
                    policy::can_comment_for(&principal, submitter_id)?;
                }
                _ => policy::can_manage_consultation(&principal, consultation.organizer_id)?,
            }
            let expected = if_match.expected(current.version)?;
            let now = crate::time::now();
            let row = repo::amend(
                conn,
                &principal.actor(),
                &consultation,
                &current,
                expected,
                patch,
                now,
            )?;
            repo::find_full(conn, row, reveal_persons(&principal, &consultation))
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), comment.version, comment))
}

/// Decide on a comment (stanowisko wobec uwagi).
///
/// The organizer's editors (and administrators, and the organizer's tokens with
/// `consultations:write`) only. `response` gives the reasons and is required unless the
/// comment is `accepted` (422). The decision records `decided_at` and the decider;
/// repeating it changes nothing. Needs `If-Match` (the comment's `ETag`); 409 once the
/// report is published.
#[utoipa::path(
    tag = "consultations",
    params(CommentPath, crate::http::responses::IfMatchHeader),
    request_body = DispositionRequest,
    security(("bearer" = []), ("api_token" = ["consultations:write"])),
    responses(
        (status = 200, description = "Decided; the comment", body = Comment,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[put("/consultations/{id}/comments/{comment_id}/disposition")]
pub async fn decide_comment(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CommentPath>,
    if_match: IfMatch,
    body: Json<DispositionRequest>,
) -> ApiResult<HttpResponse> {
    let CommentPath { id, comment_id } = path.into_inner();
    let DispositionRequest { status, response } = body.0;
    let comment = state
        .db
        .transaction(move |conn| {
            consultations::lock(conn, id)?;
            let consultation = load_visible(conn, &principal, id)?;
            let current =
                repo::find(conn, id, comment_id)?.ok_or_else(|| not_found(id, comment_id))?;
            policy::can_manage_consultation(&principal, consultation.organizer_id)?;
            let expected = if_match.expected(current.version)?;
            let now = crate::time::now();
            let row = repo::decide(
                conn,
                &principal.actor(),
                &consultation,
                &current,
                expected,
                status,
                response,
                now,
            )?;
            repo::find_full(conn, row, true)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), comment.version, comment))
}

/// The report on a consultation: counts by disposition and by submitter, and the full
/// comment table.
///
/// JSON by default; with `Accept: text/csv` the standard comment table
/// (`Lp.;Podmiot zgłaszający;Jednostka redakcyjna;Treść uwagi;Propozycja zmiany;Uzasadnienie;Stanowisko;Uzasadnienie stanowiska`),
/// `;`-separated, UTF-8 with a byte order mark (Excel reads the Polish letters), one row
/// per comment in number order, dispositions in Polish. Before publication it is a
/// working version (`report_published_on` is `null`). Any other `Accept` is 406.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationPath),
    security((), ("bearer" = []), ("api_token" = ["consultations:read"])),
    responses(
        (status = 200, description = "The report", content(
            (Report = "application/json"),
            (String = "text/csv", example = "\u{feff}Lp.;Podmiot zgłaszający;Jednostka redakcyjna;Treść uwagi;Propozycja zmiany;Uzasadnienie;Stanowisko;Uzasadnienie stanowiska\r\n1;Szczecińska Rada Organizacji Pozarządowych;§ 5 ust. 2;Program przewiduje wyłącznie roczne konkursy ofert.;Dodać pkt 4: „zlecanie zadań w ramach umów wieloletnich”.;;częściowo uwzględniona;Uwaga uwzględniona w zakresie zadań z pomocy społecznej.\r\n")
        )),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 406, response = crate::http::responses::NotAcceptable),
    )
)]
#[get("/consultations/{id}/report")]
pub async fn consultation_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<ConsultationPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::ConsultationsRead)?;
    let format = report::negotiate(&req)?;
    let id = path.into_inner().id;
    let view = view(&state, &principal);
    let report = state
        .db
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            let reveal = reveal_persons(&principal, &row);
            let comments = repo::all(conn, id)?;
            let comments = repo::with_details(conn, comments, reveal)?;
            let consultation = consultations::find_full(conn, row, &view)?;
            Ok(report::build(&consultation, comments))
        })
        .await?;
    match format {
        ReportFormat::Json => Ok(HttpResponse::Ok().json(report)),
        ReportFormat::Csv => {
            let body = report::csv(&report.comments)?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"konsultacje-{id}-uwagi.csv\""),
                ))
                .body(body))
        }
    }
}
