//! The use cases of event registrations: the settings, registering without an account,
//! cancelling by code, the organizer's list and moves (approve, reject, check in,
//! cancel), erasing personal data after the event, and invitations.
//!
//! Every write that can change who holds a seat starts with `repo::lock_event`, so the
//! capacity holds under concurrent registrations on both databases.

use chrono::{Duration, NaiveDate};

use super::dto::{
    CreateRegistration, Invitation, InvitationListQuery, InvitationResult, InviteMembers,
    Registration, RegistrationCounts, RegistrationListQuery, RegistrationReceipt,
    RegistrationSettings, RegistrationSettingsInput,
};
use super::model::{
    InvitationFields, InvitationRow, RegistrationFields, RegistrationRow, SettingsFields,
    SettingsRow,
};
use super::repo::{self, Invitations, Registrations, Settings};
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::{RegistrationStatus, Scope};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::service::{KindScope, Summaries, find_in_scope};
use crate::pagination::{ById, Cursor, PageRequest, since};
use crate::projects::events::model::{EventFields, EventRow};
use crate::projects::events::repo::Events;
use crate::projects::model::ProjectRow;
use crate::write::{self, Actor, Expected};

/// The cancel codes' prefix; a code is the prefix and 32 letters and digits.
const CANCEL_PREFIX: &str = "rzc_";
const CANCEL_LENGTH: usize = 32;
/// The most rows one CSV export holds.
pub const CSV_MAX_ROWS: i64 = 10_000;
/// Registrations erased per transaction by [`purge_expired`].
const PURGE_BATCH: i64 = 500;

pub(crate) fn cancel_url(code: &str) -> String {
    format!("/api/v1/registrations/{code}")
}

fn event(conn: &mut DbConnection, event_id: i64) -> ApiResult<EventRow> {
    repo::find_event(conn, event_id)?
        .ok_or_else(|| ApiError::not_found(format!("event {event_id} does not exist")))
}

fn project_of(conn: &mut DbConnection, event: &EventRow) -> ApiResult<ProjectRow> {
    crate::projects::repo::find(conn, event.project_id)?
        .ok_or_else(|| ApiError::internal("event without project"))
}

/// The event and its project, if the principal organizes it: administrators, editors
/// of the project's lead organization and its tokens with `projects:write` (404, 403).
fn organized(
    conn: &mut DbConnection,
    principal: &Principal,
    event_id: i64,
) -> ApiResult<(EventRow, ProjectRow)> {
    let event = event(conn, event_id)?;
    let project = project_of(conn, &event)?;
    policy::can_manage_project(principal, project.lead_id)?;
    Ok((event, project))
}

fn no_registration(event_id: i64) -> ApiError {
    ApiError::not_found(format!("event {event_id} takes no registrations"))
}

// ------------------------------------------------------------------ settings

fn settings_view(conn: &mut DbConnection, row: SettingsRow) -> ApiResult<RegistrationSettings> {
    let counts = repo::counts(conn, row.event_id)?;
    let count = |status| counts.get(&status).copied().unwrap_or(0);
    let counts = RegistrationCounts {
        pending: count(RegistrationStatus::Pending),
        confirmed: count(RegistrationStatus::Confirmed),
        waitlisted: count(RegistrationStatus::Waitlisted),
        attended: count(RegistrationStatus::Attended),
    };
    let now = crate::time::now();
    let taken = counts.confirmed + counts.attended;
    Ok(RegistrationSettings {
        id: row.id,
        event_id: row.event_id,
        opens_at: crate::time::to_utc(row.opens_at),
        closes_at: crate::time::to_utc(row.closes_at),
        capacity: row.capacity,
        waitlist: row.waitlist,
        requires_approval: row.requires_approval,
        open: row.opens_at <= now && now < row.closes_at,
        seats_left: row.capacity.map(|c| (c - taken).max(0)),
        counts,
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    })
}

pub(crate) async fn get_settings(
    state: &AppState,
    principal: &Principal,
    event_id: i64,
) -> ApiResult<RegistrationSettings> {
    policy::can_read(principal, Scope::ProjectsRead)?;
    state
        .run(move |conn| {
            event(conn, event_id)?;
            let row = repo::settings(conn, event_id)?.ok_or_else(|| no_registration(event_id))?;
            settings_view(conn, row)
        })
        .await
}

/// Seats held by confirmed and attended registrations.
fn seats_taken(conn: &mut DbConnection, event_id: i64) -> ApiResult<i64> {
    let counts = repo::counts(conn, event_id)?;
    Ok(counts
        .iter()
        .filter(|(status, _)| status.holds_seat())
        .map(|(_, n)| n)
        .sum())
}

fn has_seat(conn: &mut DbConnection, settings: &SettingsRow) -> ApiResult<bool> {
    Ok(match settings.capacity {
        None => true,
        Some(capacity) => seats_taken(conn, settings.event_id)? < capacity,
    })
}

/// Gives free seats to the waiting list, longest waiting first (call with the event
/// locked).
fn fill_seats(conn: &mut DbConnection, actor: &Actor, settings: &SettingsRow) -> ApiResult<()> {
    while has_seat(conn, settings)? {
        let Some(next) = repo::first_waitlisted(conn, settings.event_id)? else {
            return Ok(());
        };
        move_to(conn, actor, &next, |f| {
            f.status = RegistrationStatus::Confirmed;
        })?;
    }
    Ok(())
}

fn check_settings(
    conn: &mut DbConnection,
    event_id: i64,
    body: &RegistrationSettingsInput,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if body.closes_at <= body.opens_at {
        errors.push(FieldError::new(
            "closes_at",
            "invalid_date_range",
            format!(
                "closes_at ({}) is not after opens_at ({})",
                body.closes_at, body.opens_at
            ),
        ));
    }
    if let Some(capacity) = body.capacity {
        let taken = seats_taken(conn, event_id)?;
        if capacity < taken {
            errors.push(FieldError::new(
                "capacity",
                "below_taken",
                format!("{taken} seats are taken already; the capacity cannot be {capacity}"),
            ));
        }
    }
    crate::projects::service::none_or_invalid(errors)
}

/// Sets the registration settings of an event: created when it had none (`true`),
/// replaced otherwise (needs `If-Match`). A raised capacity fills from the waiting list.
pub(crate) async fn put_settings(
    state: &AppState,
    principal: &Principal,
    event_id: i64,
    if_match: IfMatch,
    body: RegistrationSettingsInput,
) -> ApiResult<(bool, RegistrationSettings)> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            repo::lock_event(conn, event_id)?;
            organized(conn, &principal, event_id)?;
            check_settings(conn, event_id, &body)?;
            let fields = SettingsFields {
                event_id,
                opens_at: body.opens_at.naive_utc(),
                closes_at: body.closes_at.naive_utc(),
                capacity: body.capacity,
                waitlist: body.waitlist,
                requires_approval: body.requires_approval,
            };
            let actor = principal.actor();
            let (created, row) = match repo::settings(conn, event_id)? {
                None => (
                    true,
                    write::create::<Settings>(conn, &actor, &fields, &fields)?,
                ),
                Some(current) => {
                    let expected = Expected::from_header(&if_match, current.version)?;
                    let before = SettingsFields::from(&current);
                    if before == fields {
                        (false, current)
                    } else {
                        let row = write::update::<Settings, _>(
                            conn,
                            &actor,
                            &current,
                            expected,
                            &fields,
                            (&before, &fields),
                        )?;
                        (false, row)
                    }
                }
            };
            fill_seats(conn, &actor, &row)?;
            Ok((created, settings_view(conn, row)?))
        })
        .await
}

/// Stops taking registrations: only while none is pending, confirmed, waitlisted or
/// attended (409 `still_referenced`).
pub(crate) async fn delete_settings(
    state: &AppState,
    principal: &Principal,
    event_id: i64,
    if_match: IfMatch,
) -> ApiResult<()> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            repo::lock_event(conn, event_id)?;
            organized(conn, &principal, event_id)?;
            let current =
                repo::settings(conn, event_id)?.ok_or_else(|| no_registration(event_id))?;
            let counts = repo::counts(conn, event_id)?;
            let live: i64 = counts
                .iter()
                .filter(|(status, _)| status.is_live() || status.holds_seat())
                .map(|(_, n)| n)
                .sum();
            if live > 0 {
                return Err(ApiError::new(
                    Code::StillReferenced,
                    format!("{live} registrations are still live; cancel or reject them first"),
                ));
            }
            crate::edit::remove::<Settings>(conn, &principal.actor(), &current, &if_match)
        })
        .await
}

// ------------------------------------------------------------------ registering

fn check_registration(body: &CreateRegistration) -> ApiResult<()> {
    let mut errors = Vec::new();
    if !body.consent {
        errors.push(FieldError::new(
            "consent",
            "consent_required",
            "registering needs consent to the processing of the data for the event",
        ));
    }
    if body.organization_name.is_none() && body.organization_id.is_none() {
        errors.push(FieldError::new(
            "organization_name",
            "required",
            "name the institution (organization_name) or an organization of the register (organization_id)",
        ));
    }
    crate::projects::service::none_or_invalid(errors)
}

/// The status a new registration gets: `pending` when the organizer approves each one;
/// else a seat if there is one, else the waiting list, else 409 `event_full`.
fn first_status(conn: &mut DbConnection, settings: &SettingsRow) -> ApiResult<RegistrationStatus> {
    if settings.requires_approval {
        Ok(RegistrationStatus::Pending)
    } else {
        seat_or_wait(conn, settings)
    }
}

fn seat_or_wait(conn: &mut DbConnection, settings: &SettingsRow) -> ApiResult<RegistrationStatus> {
    if has_seat(conn, settings)? {
        Ok(RegistrationStatus::Confirmed)
    } else if settings.waitlist {
        Ok(RegistrationStatus::Waitlisted)
    } else {
        Err(ApiError::new(
            Code::EventFull,
            format!(
                "all {} seats are taken and the event keeps no waiting list",
                settings.capacity.unwrap_or(0)
            ),
        ))
    }
}

/// Registers for an event while its registration is open; anyone may, within the
/// rate limit per client address.
pub(crate) async fn register(
    state: &AppState,
    principal: &Principal,
    client: &str,
    event_id: i64,
    body: CreateRegistration,
) -> ApiResult<RegistrationReceipt> {
    state
        .registration_attempts
        .count(&state.db, &[&format!("registration:{client}")])
        .await?;
    check_registration(&body)?;
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            repo::lock_event(conn, event_id)?;
            let event = event(conn, event_id)?;
            let settings = repo::settings(conn, event_id)?.ok_or_else(|| {
                ApiError::new(
                    Code::RegistrationClosed,
                    format!("event {event_id} takes no registrations"),
                )
            })?;
            let now = crate::time::now();
            if now < settings.opens_at {
                return Err(ApiError::new(
                    Code::RegistrationNotOpen,
                    format!(
                        "registration opens at {}",
                        crate::time::to_utc(settings.opens_at)
                    ),
                ));
            }
            if now >= settings.closes_at {
                return Err(ApiError::new(
                    Code::RegistrationClosed,
                    format!(
                        "registration closed at {}",
                        crate::time::to_utc(settings.closes_at)
                    ),
                ));
            }
            if let Some(id) = body.organization_id
                && crate::organizations::repo::find(conn, id)?.is_none()
            {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "not_found",
                    format!("organization {id} does not exist"),
                ));
            }
            let email = body.email.into_inner().to_lowercase();
            if repo::email_registered(conn, event_id, &email)? {
                return Err(ApiError::new(
                    Code::AlreadyRegistered,
                    "this e-mail address is registered for the event already",
                ));
            }
            let status = first_status(conn, &settings)?;
            let project = project_of(conn, &event)?;
            let code = crate::digest::random_secret(CANCEL_PREFIX, CANCEL_LENGTH);
            let fields = RegistrationFields {
                event_id,
                organizer_id: project.lead_id,
                status,
                name: Some(body.name.trim().to_owned()),
                email: Some(email),
                organization_name: crate::validation::trimmed(body.organization_name),
                organization_id: body.organization_id,
                function: body.function,
                cancel_code_hash: Some(crate::digest::sha256_hex(&code)),
                consented_at: now,
                checked_in_at: None,
                erased_at: None,
            };
            let row = write::create::<Registrations>(conn, &actor, &fields, &fields)?;
            Ok(RegistrationReceipt {
                id: row.id,
                event_id,
                status: row.status,
                cancel_url: cancel_url(&code),
                cancel_code: code,
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
            })
        })
        .await
}

/// Writes a registration's move (`change` applied to its fields) as an update.
fn move_to(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &RegistrationRow,
    change: impl FnOnce(&mut RegistrationFields),
) -> ApiResult<RegistrationRow> {
    let before = RegistrationFields::from(current);
    let mut after = before.clone();
    change(&mut after);
    write::update::<Registrations, _>(
        conn,
        actor,
        current,
        Expected::current(current.version),
        &after,
        (&before, &after),
    )
}

/// Cancels a live registration and erases its personal data; a freed seat goes to the
/// waiting list (call with the event locked).
fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &RegistrationRow,
) -> ApiResult<RegistrationRow> {
    if !current.status.is_live() {
        return Err(illegal(current.status, "cancelled"));
    }
    let now = crate::time::now();
    let row = move_to(conn, actor, current, |f| {
        f.status = RegistrationStatus::Cancelled;
        f.erase(now);
    })?;
    if current.status.holds_seat()
        && let Some(settings) = repo::settings(conn, current.event_id)?
    {
        fill_seats(conn, actor, &settings)?;
    }
    Ok(row)
}

fn illegal(status: RegistrationStatus, wanted: &str) -> ApiError {
    ApiError::new(
        Code::IllegalTransition,
        format!("a {status} registration cannot be {wanted}"),
    )
}

fn unknown_code() -> ApiError {
    ApiError::not_found("no registration has this cancel code (any more)")
}

/// The hash a well-formed cancel code is stored as; 404 for anything else.
fn code_hash(code: &str) -> ApiResult<String> {
    let well_formed = code.len() == CANCEL_PREFIX.len() + CANCEL_LENGTH
        && code.starts_with(CANCEL_PREFIX)
        && code[CANCEL_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    if well_formed {
        Ok(crate::digest::sha256_hex(code))
    } else {
        Err(unknown_code())
    }
}

/// The registration its cancel code names, as the person who registered sees it.
pub(crate) async fn get_by_code(state: &AppState, code: String) -> ApiResult<Registration> {
    let hash = code_hash(&code)?;
    state
        .run(move |conn| {
            let row = repo::find_by_code_hash(conn, &hash)?.ok_or_else(unknown_code)?;
            render_one(conn, row)
        })
        .await
}

/// Cancels by the code the registration answered with (no account needed), if it is
/// still at the version `If-Match` names.
pub(crate) async fn cancel_by_code(
    state: &AppState,
    code: String,
    if_match: IfMatch,
) -> ApiResult<()> {
    let hash = code_hash(&code)?;
    state
        .transaction(move |conn| {
            let found = repo::find_by_code_hash(conn, &hash)?.ok_or_else(unknown_code)?;
            repo::lock_event(conn, found.event_id)?;
            // Read again under the lock: a concurrent move may have come first.
            let current = repo::find_by_code_hash(conn, &hash)?.ok_or_else(unknown_code)?;
            Expected::from_header(&if_match, current.version)?;
            cancel(conn, &Actor::default(), &current)?;
            Ok(())
        })
        .await
}

// ------------------------------------------------------------------ the organizer's side

fn render(conn: &mut DbConnection, rows: Vec<RegistrationRow>) -> ApiResult<Vec<Registration>> {
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.organization_id).collect();
    let summaries = Summaries::fetch(conn, ids)?;
    rows.into_iter()
        .map(|row| {
            let organization = row
                .organization_id
                .map(|id| summaries.get(id))
                .transpose()?;
            Ok(Registration::new(row, organization))
        })
        .collect()
}

fn render_one(conn: &mut DbConnection, row: RegistrationRow) -> ApiResult<Registration> {
    render(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("registration vanished"))
}

fn find(conn: &mut DbConnection, event_id: i64, id: i64) -> ApiResult<RegistrationRow> {
    repo::find(conn, event_id, id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "registration {id} does not exist for event {event_id}"
        ))
    })
}

/// `GET /events/{id}/registrations`, for the organizers, in the order they came in.
pub(crate) struct RegistrationList {
    principal: Principal,
    event_id: i64,
    status: Option<RegistrationStatus>,
    since: Option<chrono::NaiveDateTime>,
}

crate::listing! {
    RegistrationList: ById, RegistrationRow => Registration;
    rows(list, conn, page) = {
        organized(conn, &list.principal, list.event_id)?;
        repo::list(conn, list.event_id, list.status, list.since, page)
    };
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = render(conn, rows);
}

pub(crate) fn list_request(
    principal: &Principal,
    event_id: i64,
    query: RegistrationListQuery,
) -> ApiResult<(RegistrationList, PageRequest<ById>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        RegistrationList {
            principal: principal.clone(),
            event_id,
            status: query.status,
            since: since(query.updated_since),
        },
        page,
    ))
}

/// Every registration of the event (at most [`CSV_MAX_ROWS`]), for the CSV export.
pub(crate) async fn all(
    state: &AppState,
    principal: &Principal,
    event_id: i64,
    status: Option<RegistrationStatus>,
) -> ApiResult<Vec<Registration>> {
    let principal = principal.clone();
    state
        .run(move |conn| {
            organized(conn, &principal, event_id)?;
            let rows = repo::all(conn, event_id, status, CSV_MAX_ROWS)?;
            render(conn, rows)
        })
        .await
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    (event_id, id): (i64, i64),
) -> ApiResult<Registration> {
    let principal = principal.clone();
    state
        .run(move |conn| {
            organized(conn, &principal, event_id)?;
            let row = find(conn, event_id, id)?;
            render_one(conn, row)
        })
        .await
}

/// What an organizer does with a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// `pending` or `waitlisted` → a seat (or the waiting list, from `pending`).
    Approve,
    /// `pending` or `waitlisted` → `rejected`.
    Reject,
    /// `confirmed` → `attended`; the event's `participants_count` follows.
    CheckIn,
    /// A live registration → `cancelled`, its personal data erased.
    Cancel,
}

/// The event's `participants_count` becomes the number of those checked in.
fn count_participants(conn: &mut DbConnection, actor: &Actor, event_id: i64) -> ApiResult<()> {
    let event = event(conn, event_id)?;
    let attended = repo::counts(conn, event_id)?
        .get(&RegistrationStatus::Attended)
        .copied()
        .unwrap_or(0);
    if event.participants_count == Some(attended) {
        return Ok(());
    }
    let before = EventFields::from(&event);
    let mut after = before.clone();
    after.participants_count = Some(attended);
    write::update::<Events, _>(
        conn,
        actor,
        &event,
        Expected::current(event.version),
        &after,
        (&before, &after),
    )?;
    Ok(())
}

pub(crate) async fn act(
    state: &AppState,
    principal: &Principal,
    (event_id, id): (i64, i64),
    action: Move,
) -> ApiResult<Registration> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            repo::lock_event(conn, event_id)?;
            organized(conn, &principal, event_id)?;
            let current = find(conn, event_id, id)?;
            let actor = principal.actor();
            let status = current.status;
            let row = match action {
                Move::Approve => {
                    if !matches!(
                        status,
                        RegistrationStatus::Pending | RegistrationStatus::Waitlisted
                    ) {
                        return Err(illegal(status, "approved"));
                    }
                    let settings =
                        repo::settings(conn, event_id)?.ok_or_else(|| no_registration(event_id))?;
                    let next = seat_or_wait(conn, &settings)?;
                    if next == status {
                        return Err(ApiError::new(
                            Code::EventFull,
                            "all seats are taken; the registration stays on the waiting list",
                        ));
                    }
                    move_to(conn, &actor, &current, |f| f.status = next)?
                }
                Move::Reject => {
                    if !matches!(
                        status,
                        RegistrationStatus::Pending | RegistrationStatus::Waitlisted
                    ) {
                        return Err(illegal(status, "rejected"));
                    }
                    move_to(conn, &actor, &current, |f| {
                        f.status = RegistrationStatus::Rejected
                    })?
                }
                Move::CheckIn => {
                    if status != RegistrationStatus::Confirmed {
                        return Err(illegal(status, "checked in"));
                    }
                    let now = crate::time::now();
                    let row = move_to(conn, &actor, &current, |f| {
                        f.status = RegistrationStatus::Attended;
                        f.checked_in_at = Some(now);
                    })?;
                    count_participants(conn, &actor, event_id)?;
                    row
                }
                Move::Cancel => cancel(conn, &actor, &current)?,
            };
            render_one(conn, row)
        })
        .await
}

// ------------------------------------------------------------------ the event's deletion

/// Deletes what registration keeps under an event that is being deleted (the write
/// path's `cascade`, installed by [`super::install`]): invitations, registrations (their
/// personal data goes with them; the audit record keeps it masked) and the settings,
/// each with its audit record and its tombstone in the change feed.
pub fn remove_under_event(conn: &mut DbConnection, actor: &Actor, event_id: i64) -> ApiResult<()> {
    use crate::edit::remove_all;
    repo::lock_event(conn, event_id)?;
    let invitations = repo::invitations_of_event(conn, event_id)?;
    remove_all::<Invitations>(conn, actor, invitations)?;
    let registrations = repo::of_event(conn, event_id)?;
    remove_all::<Registrations>(conn, actor, registrations)?;
    let settings = repo::settings(conn, event_id)?;
    remove_all::<Settings>(conn, actor, settings.into_iter().collect())
}

// ------------------------------------------------------------------ erasure

/// Erases the personal data of every registration of events that ended more than
/// `retention_days` before `today`; how many it erased. Used by `razem purge` and the
/// hourly task of `razem serve`.
pub fn purge_expired(
    conn: &mut DbConnection,
    today: NaiveDate,
    retention_days: u32,
) -> ApiResult<usize> {
    let ended_before = today - Duration::days(i64::from(retention_days));
    let now = crate::time::now();
    let mut erased = 0;
    loop {
        let batch = diesel::Connection::transaction(conn, |conn| {
            let rows = repo::expired(conn, ended_before, PURGE_BATCH)?;
            for row in &rows {
                move_to(conn, &Actor::default(), row, |f| f.erase(now))?;
            }
            Ok::<_, ApiError>(rows.len())
        })?;
        erased += batch;
        if (batch as i64) < PURGE_BATCH {
            return Ok(erased);
        }
    }
}

/// Runs [`purge_expired`] now and then every hour while the server runs (every
/// instance does; the erasure is idempotent). A failure is logged, not fatal.
pub async fn purge_periodically(state: actix_web::web::Data<AppState>) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        interval.tick().await;
        let days = state.config.registration_retention_days;
        let result = state
            .run(move |conn| purge_expired(conn, crate::time::today(), days))
            .await;
        match result {
            Ok(0) => {}
            Ok(erased) => log::info!("erased the personal data of {erased} past registrations"),
            Err(error) => log::warn!("could not erase past registrations: {error}"),
        }
    }
}

// ------------------------------------------------------------------ invitations

fn render_invitations(
    conn: &mut DbConnection,
    rows: Vec<InvitationRow>,
) -> ApiResult<Vec<Invitation>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let summaries = Summaries::fetch(conn, ids)?;
    rows.into_iter()
        .map(|row| {
            let organization = summaries.get(row.organization_id)?;
            Ok(Invitation::new(row, organization))
        })
        .collect()
}

/// Invites the members of an association as of today who are not invited yet (call
/// inside a transaction; the demo data set uses it too): the new invitations, and how
/// many members had been invited before.
pub fn invite_members(
    conn: &mut DbConnection,
    actor: &Actor,
    event_id: i64,
    association_id: i64,
) -> ApiResult<(Vec<InvitationRow>, i64)> {
    let members = repo::member_ids(conn, association_id, crate::time::today())?;
    let already = repo::invited_among(conn, event_id, &members)?;
    let mut invited = Vec::new();
    for organization_id in members.iter().filter(|id| !already.contains(id)) {
        let fields = InvitationFields {
            event_id,
            organization_id: *organization_id,
            via_association_id: Some(association_id),
        };
        invited.push(write::create::<Invitations>(conn, actor, &fields, &fields)?);
    }
    Ok((invited, already.len() as i64))
}

/// Invites every current member of an association, each organization once.
pub(crate) async fn invite(
    state: &AppState,
    principal: &Principal,
    event_id: i64,
    body: InviteMembers,
) -> ApiResult<InvitationResult> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            repo::lock_event(conn, event_id)?;
            organized(conn, &principal, event_id)?;
            let association = find_in_scope(conn, KindScope::Associations, &body.members_of)
                .map_err(|_| {
                    ApiError::invalid_field(
                        "members_of",
                        "not_found",
                        format!("association '{}' does not exist", body.members_of),
                    )
                })?;
            let (invited, already_invited) =
                invite_members(conn, &principal.actor(), event_id, association.id)?;
            Ok(InvitationResult {
                invited: render_invitations(conn, invited)?,
                already_invited,
            })
        })
        .await
}

/// `GET /events/{id}/invitations`, in the order they were sent.
pub(crate) struct InvitationList {
    event_id: i64,
    since: Option<chrono::NaiveDateTime>,
}

crate::listing! {
    InvitationList: ById, InvitationRow => Invitation;
    rows(list, conn, page) = {
        event(conn, list.event_id)?;
        repo::list_invitations(conn, list.event_id, list.since, page)
    };
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = render_invitations(conn, rows);
}

pub(crate) fn invitation_list_request(
    principal: &Principal,
    event_id: i64,
    query: InvitationListQuery,
) -> ApiResult<(InvitationList, PageRequest<ById>)> {
    policy::can_read(principal, Scope::ProjectsRead)?;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        InvitationList {
            event_id,
            since: since(query.updated_since),
        },
        page,
    ))
}

pub(crate) async fn get_invitation(
    state: &AppState,
    principal: &Principal,
    (event_id, id): (i64, i64),
) -> ApiResult<Invitation> {
    policy::can_read(principal, Scope::ProjectsRead)?;
    state
        .run(move |conn| {
            event(conn, event_id)?;
            let row = repo::find_invitation(conn, event_id, id)?.ok_or_else(|| {
                ApiError::not_found(format!(
                    "invitation {id} does not exist for event {event_id}"
                ))
            })?;
            render_invitations(conn, vec![row])?
                .pop()
                .ok_or_else(|| ApiError::internal("invitation vanished"))
        })
        .await
}
