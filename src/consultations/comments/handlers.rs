//! HTTP layer of comments, dispositions and the report: extract, call the use case
//! (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};

use super::dto::{
    Comment, CommentListQuery, CommentPage, CommentPath, CreateComment, DispositionRequest, Report,
    UpdateComment,
};
use super::report;
use super::service;
use crate::auth::{Principal, SignedIn, policy};
use crate::consultations::dto::ConsultationPath;
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;

fn location(consultation_id: i64, comment_id: i64) -> String {
    format!("/api/v1/consultations/{consultation_id}/comments/{comment_id}")
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
    let (list, page) = service::CommentList::new(principal, path.into_inner().id, query.0)?;
    respond_page(&state, &req, list, page).await
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
    let comment = service::get(&state, principal, id, comment_id).await?;
    Ok(tagged(comment.version, comment))
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
        crate::http::responses::ObjectProblems,
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
    let comment = service::create(&state, principal, path.into_inner().id, body.0).await?;
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
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
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
    let comment = service::update(&state, principal, (id, comment_id), if_match, body.0).await?;
    Ok(tagged(comment.version, comment))
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
        crate::http::responses::ChangeProblems,
        (status = 409, response = crate::http::responses::Conflict),
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
    let comment =
        service::decide_request(&state, principal, (id, comment_id), if_match, body.0).await?;
    Ok(tagged(comment.version, comment))
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
    let report = service::report(&state, principal, id).await?;
    crate::spreadsheet::respond(
        format,
        &report,
        |report| report::csv(&report.comments),
        &format!("konsultacje-{id}-uwagi.csv"),
    )
}
