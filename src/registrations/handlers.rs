//! HTTP layer of event registrations and invitations: extract, call the use case
//! (`super::service`), respond.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

use super::dto::{
    CancelCodePath, CreateRegistration, EventIdPath, Invitation, InvitationListQuery,
    InvitationPage, InvitationPath, InvitationResult, InviteMembers, Registration,
    RegistrationListQuery, RegistrationPage, RegistrationPath, RegistrationReceipt,
    RegistrationSettings, RegistrationSettingsInput,
};
use super::service::{self, Move};
use crate::auth::{Principal, SignedIn};
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::respond_page;
use crate::spreadsheet::{Format, attachment, csv_table, negotiate};

/// The header row of the CSV list of registrations.
pub const CSV_HEADER: [&str; 9] = [
    "Lp.",
    "Imię i nazwisko",
    "E-mail",
    "Instytucja",
    "Funkcja",
    "Status",
    "Zgłoszenie",
    "Obecność",
    "Id",
];

// ------------------------------------------------------------------ settings

/// The registration settings of an event, with the counts so far.
///
/// Public: the window (`opens_at`, `closes_at`), `capacity`, `waitlist`,
/// `requires_approval`, whether registrations are taken now (`open`), the counts by
/// status and the seats left. 404 when the event takes no registrations.
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "The settings", body = RegistrationSettings,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/events/{id}/registration")]
pub async fn get_settings(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<EventIdPath>,
) -> ApiResult<HttpResponse> {
    let settings = service::get_settings(&state, &principal, path.into_inner().id).await?;
    Ok(tagged(settings.version, settings))
}

/// Open an event for registration, or change how it registers (organizers).
///
/// Administrators, editors of the project's lead organization and its API tokens with
/// `projects:write`. The first `PUT` creates the settings (201); later ones replace
/// them whole and need `If-Match` (200). `closes_at` must be after `opens_at`, and the
/// capacity not below the seats taken (422); a raised capacity (or none) gives the
/// waiting list its seats at once, longest waiting first.
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath, crate::http::responses::IfMatchHeader),
    request_body = RegistrationSettingsInput,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Replaced", body = RegistrationSettings,
         headers(("ETag" = String, description = "The new version"))),
        (status = 201, description = "Created", body = RegistrationSettings,
         headers(("Location" = String, description = "URL of the settings"), ("ETag" = String, description = "Its version"))),
        crate::http::responses::ChangeProblems,
    )
)]
#[put("/events/{id}/registration")]
pub async fn put_settings(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventIdPath>,
    if_match: IfMatch,
    body: Json<RegistrationSettingsInput>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let (created, settings) =
        service::put_settings(&state, &principal, id, if_match, body.0).await?;
    let response = if created {
        let mut response = HttpResponse::Created();
        response.insert_header((
            header::LOCATION,
            format!("/api/v1/events/{id}/registration"),
        ));
        response
    } else {
        HttpResponse::Ok()
    };
    Ok(with_etag(response, settings.version, settings))
}

/// Stop taking registrations (organizers). Needs `If-Match`.
///
/// Only while no registration is pending, confirmed, waitlisted or attended (409
/// `still_referenced`).
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::DeleteProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[delete("/events/{id}/registration")]
pub async fn delete_settings(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventIdPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete_settings(&state, &principal, path.into_inner().id, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ------------------------------------------------------------------ registering

/// Register for an event (anyone, no account needed).
///
/// While the registration is open (409 `registration_not_open` before `opens_at`,
/// `registration_closed` from `closes_at` or when the event takes none). `consent` must
/// be `true` (422 `consent_required`); `organization_name` or `organization_id` is
/// required. The status is `pending` when the organizer approves every registration,
/// otherwise `confirmed` while seats are left, then `waitlisted` if the event keeps a
/// waiting list, else 409 `event_full`; the capacity holds under concurrent
/// registrations. One registration per e-mail address and event (409
/// `already_registered`). The answer carries the `cancel_code`, shown only this once.
/// Limited per client address (429 `rate_limited` with `Retry-After`).
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath),
    request_body = CreateRegistration,
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = RegistrationReceipt),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 429, response = crate::http::responses::TooManyRequests),
    )
)]
#[post("/events/{id}/registrations")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<EventIdPath>,
    body: Json<CreateRegistration>,
) -> ApiResult<HttpResponse> {
    let client = crate::http::client_address(&req, &state.config.trusted_proxies);
    let receipt =
        service::register(&state, &principal, &client, path.into_inner().id, body.0).await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// One's own registration, by its cancel code (no account needed).
///
/// The status (a waitlisted registration shows when it got a seat) and the data given,
/// with the version to cancel it with. 404 for an unknown code, and once cancelled (the
/// code is erased with the personal data).
#[utoipa::path(
    tag = "registrations",
    params(CancelCodePath),
    security(()),
    responses(
        (status = 200, description = "The registration", body = Registration,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/registrations/{cancel_code}")]
pub async fn get_by_code(
    state: web::Data<AppState>,
    path: Path<CancelCodePath>,
) -> ApiResult<HttpResponse> {
    let registration = service::get_by_code(&state, path.into_inner().cancel_code).await?;
    Ok(tagged(registration.version, registration))
}

/// Cancel a registration with its cancel code (no account needed). Needs `If-Match`.
///
/// A pending, confirmed or waitlisted registration becomes `cancelled` and its personal
/// data (name, e-mail, organization name, the code) is erased at once; a freed seat
/// goes to the first on the waiting list. `If-Match: *` cancels whatever the version. 404
/// for an unknown (or already used) code, 409 `illegal_transition` for a rejected or
/// attended registration.
#[utoipa::path(
    tag = "registrations",
    params(CancelCodePath, crate::http::responses::IfMatchHeader),
    security(()),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/registrations/{cancel_code}")]
pub async fn cancel_by_code(
    state: web::Data<AppState>,
    path: Path<CancelCodePath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::cancel_by_code(&state, path.into_inner().cancel_code, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ------------------------------------------------------------------ the organizer's side

/// The registrations of an event (organizers), JSON or CSV.
///
/// Administrators, editors of the project's lead organization and its API tokens with
/// `projects:write`: with names and e-mail addresses. In the order they came in, `status`
/// filters. JSON is keyset-paginated (`limit`, `cursor`); with `Accept: text/csv` the
/// whole list (at most 10 000 rows) as a `;`-separated table with a BOM, every cell
/// defused against formula injection. Any other `Accept` is 406.
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath, RegistrationListQuery),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "A page of registrations, or all of them as CSV",
         content(
            (RegistrationPage = "application/json"),
            (String = "text/csv", example = "\u{feff}Lp.;Imię i nazwisko;E-mail;Instytucja;Funkcja;Status;Zgłoszenie;Obecność;Id\r\n1;Anna Nowak;a.nowak@um.opole.pl;Urząd Miasta Opola;staff;confirmed;2016-03-22T09:15:00Z;;7\r\n")
         ),
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
        crate::http::responses::ObjectProblems,
        (status = 406, response = crate::http::responses::NotAcceptable),
    )
)]
#[get("/events/{id}/registrations")]
pub async fn list_registrations(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventIdPath>,
    query: Query<RegistrationListQuery>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    match negotiate(&req, "the list of registrations")? {
        Format::Json => {
            let (listing, page) = service::list_request(&principal, id, query.0)?;
            respond_page(&state, &req, listing, page).await
        }
        Format::Csv => {
            let rows = service::all(&state, &principal, id, query.0.status).await?;
            let body = csv_table(
                &CSV_HEADER,
                rows.into_iter().enumerate().map(|(index, r)| {
                    let text = |value: Option<String>| value.unwrap_or_default();
                    [
                        (index + 1).to_string(),
                        text(r.name),
                        text(r.email),
                        text(r.organization_name.or(r.organization.map(|o| o.name))),
                        r.function.to_string(),
                        r.status.to_string(),
                        r.created_at
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        text(
                            r.checked_in_at
                                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                        ),
                        r.id.to_string(),
                    ]
                }),
            )?;
            Ok(attachment(body, &format!("wydarzenie-{id}-zgloszenia.csv")))
        }
    }
}

/// One registration (organizers).
#[utoipa::path(
    tag = "registrations",
    params(RegistrationPath),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "The registration", body = Registration,
         headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/events/{id}/registrations/{registration_id}")]
pub async fn get_registration(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<RegistrationPath>,
) -> ApiResult<HttpResponse> {
    let RegistrationPath {
        id,
        registration_id,
    } = path.into_inner();
    let registration = service::get(&state, &principal, (id, registration_id)).await?;
    Ok(tagged(registration.version, registration))
}

async fn act(
    state: web::Data<AppState>,
    principal: Principal,
    path: RegistrationPath,
    action: Move,
) -> ApiResult<HttpResponse> {
    let registration =
        service::act(&state, &principal, (path.id, path.registration_id), action).await?;
    Ok(tagged(registration.version, registration))
}

/// Approve a pending or waitlisted registration (organizers).
///
/// It gets a seat if one is left; otherwise a pending one goes to the waiting list (when
/// the event keeps one), else 409 `event_full`. 409 `illegal_transition` from any other
/// status.
#[utoipa::path(
    tag = "registrations",
    params(RegistrationPath),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Approved", body = Registration,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/events/{id}/registrations/{registration_id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<RegistrationPath>,
) -> ApiResult<HttpResponse> {
    act(state, principal, path.into_inner(), Move::Approve).await
}

/// Reject a pending or waitlisted registration (organizers).
///
/// 409 `illegal_transition` from any other status (cancel a confirmed one instead).
#[utoipa::path(
    tag = "registrations",
    params(RegistrationPath),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Rejected", body = Registration,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/events/{id}/registrations/{registration_id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<RegistrationPath>,
) -> ApiResult<HttpResponse> {
    act(state, principal, path.into_inner(), Move::Reject).await
}

/// Check in a confirmed participant (organizers).
///
/// The registration becomes `attended` with `checked_in_at`; the event's
/// `participants_count` becomes the number of those checked in (the event's version goes
/// up). 409 `illegal_transition` from any other status.
#[utoipa::path(
    tag = "registrations",
    params(RegistrationPath),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Checked in", body = Registration,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/events/{id}/registrations/{registration_id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<RegistrationPath>,
) -> ApiResult<HttpResponse> {
    act(state, principal, path.into_inner(), Move::CheckIn).await
}

/// Cancel a registration (organizers).
///
/// As with the cancel code: `cancelled`, the personal data erased, a freed seat given to
/// the first on the waiting list. 409 `illegal_transition` for a rejected, cancelled or
/// attended one.
#[utoipa::path(
    tag = "registrations",
    params(RegistrationPath),
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 200, description = "Cancelled", body = Registration,
         headers(("ETag" = String, description = "The new version"))),
        crate::http::responses::ObjectProblems,
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/events/{id}/registrations/{registration_id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<RegistrationPath>,
) -> ApiResult<HttpResponse> {
    act(state, principal, path.into_inner(), Move::Cancel).await
}

// ------------------------------------------------------------------ invitations

/// Invite every member organization of an association (organizers).
///
/// `members_of` names an association, alliance or national association by id or slug
/// (422 `not_found` otherwise); its members as of today are invited, each organization
/// once per event: a repeated call invites nobody twice (200 with `invited: []`). 201
/// when somebody was invited.
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath),
    request_body = InviteMembers,
    security(("bearer" = []), ("api_token" = ["projects:write"])),
    responses(
        (status = 201, description = "Invited", body = InvitationResult),
        (status = 200, description = "Everybody had been invited already", body = InvitationResult),
        crate::http::responses::ObjectProblems,
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/events/{id}/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<EventIdPath>,
    body: Json<InviteMembers>,
) -> ApiResult<HttpResponse> {
    let result = service::invite(&state, &principal, path.into_inner().id, body.0).await?;
    Ok(if result.invited.is_empty() {
        HttpResponse::Ok().json(result)
    } else {
        HttpResponse::Created().json(result)
    })
}

/// The organizations invited to an event, in the order they were invited.
#[utoipa::path(
    tag = "registrations",
    params(EventIdPath, InvitationListQuery),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "A page of invitations", body = InvitationPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/events/{id}/invitations")]
pub async fn list_invitations(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<EventIdPath>,
    query: Query<InvitationListQuery>,
) -> ApiResult<HttpResponse> {
    let (listing, page) =
        service::invitation_list_request(&principal, path.into_inner().id, query.0)?;
    respond_page(&state, &req, listing, page).await
}

/// One invitation.
#[utoipa::path(
    tag = "registrations",
    params(InvitationPath),
    security((), ("bearer" = []), ("api_token" = ["projects:read"])),
    responses(
        (status = 200, description = "The invitation", body = Invitation,
         headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/events/{id}/invitations/{invitation_id}")]
pub async fn get_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<InvitationPath>,
) -> ApiResult<HttpResponse> {
    let InvitationPath { id, invitation_id } = path.into_inner();
    let invitation = service::get_invitation(&state, &principal, (id, invitation_id)).await?;
    Ok(tagged(invitation.version, invitation))
}
