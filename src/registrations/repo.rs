//! Every query on event registrations, their settings and invitations.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{InvitationRow, RegistrationRow, SettingsRow};
use crate::db::DbConnection;
use crate::db::schema::{
    event_invitations, event_registration_settings, event_registrations, memberships,
    project_events,
};
use crate::domain::RegistrationStatus;
use crate::error::ApiResult;
use crate::pagination::{ById, PageRequest};
use crate::projects::events::model::EventRow;
use crate::write::Audience;

crate::versioned_table!(
    /// The registration settings on the write path.
    Settings,
    event_registration_settings,
    SettingsRow,
    super::model::SettingsFields,
    "registration_settings",
    parent = event_id
);

crate::versioned_table!(
    /// Registrations on the write path. They hold personal data: the change feed shows
    /// them to administrators and to the organizer's editors and tokens only.
    Registrations,
    event_registrations,
    RegistrationRow,
    super::model::RegistrationFields,
    "event_registration",
    parent = event_id,
    audience = |row: &RegistrationRow| Audience::draft_of(row.organizer_id, false)
);

crate::versioned_table!(
    /// Invitations on the write path.
    Invitations,
    event_invitations,
    InvitationRow,
    super::model::InvitationFields,
    "event_invitation",
    parent = event_id
);

// ------------------------------------------------------------------ locking

/// Takes the write lock of one event as the transaction's FIRST statement, so that
/// registrations for it queue up and the capacity holds. The one place with
/// backend-specific SQL of registrations.
///
/// - PostgreSQL: locks the event row (`FOR NO KEY UPDATE`: the registrations' foreign
///   keys to it stay usable).
/// - SQLite: nothing to do. Every caller runs inside `Db::transaction`, which took the
///   database's write lock before anything else (one writer at a time).
pub fn lock_event(conn: &mut DbConnection, event_id: i64) -> ApiResult<()> {
    use diesel::sql_types::BigInt;
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM project_events WHERE id = $1 FOR NO KEY UPDATE")
            .bind::<BigInt, _>(event_id)
            .execute(pg)?;
    }
    Ok(())
}

// ------------------------------------------------------------------ events and settings

pub fn find_event(conn: &mut DbConnection, event_id: i64) -> ApiResult<Option<EventRow>> {
    Ok(project_events::table
        .find(event_id)
        .first(conn)
        .optional()?)
}

pub fn settings(conn: &mut DbConnection, event_id: i64) -> ApiResult<Option<SettingsRow>> {
    Ok(event_registration_settings::table
        .filter(event_registration_settings::event_id.eq(event_id))
        .first(conn)
        .optional()?)
}

/// How many registrations of the event are in each status.
pub fn counts(
    conn: &mut DbConnection,
    event_id: i64,
) -> ApiResult<HashMap<RegistrationStatus, i64>> {
    let rows: Vec<(RegistrationStatus, i64)> = event_registrations::table
        .filter(event_registrations::event_id.eq(event_id))
        .group_by(event_registrations::status)
        .select((event_registrations::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

// ------------------------------------------------------------------ registrations

pub fn find(
    conn: &mut DbConnection,
    event_id: i64,
    registration_id: i64,
) -> ApiResult<Option<RegistrationRow>> {
    Ok(event_registrations::table
        .find(registration_id)
        .filter(event_registrations::event_id.eq(event_id))
        .first(conn)
        .optional()?)
}

pub fn find_by_code_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> ApiResult<Option<RegistrationRow>> {
    Ok(event_registrations::table
        .filter(event_registrations::cancel_code_hash.eq(hash))
        .first(conn)
        .optional()?)
}

/// Is this e-mail address (already lower-cased) registered for the event?
pub fn email_registered(conn: &mut DbConnection, event_id: i64, email: &str) -> ApiResult<bool> {
    let found: Option<i64> = event_registrations::table
        .filter(event_registrations::event_id.eq(event_id))
        .filter(event_registrations::email.eq(email))
        .select(event_registrations::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The registration that waited longest for a seat.
pub fn first_waitlisted(
    conn: &mut DbConnection,
    event_id: i64,
) -> ApiResult<Option<RegistrationRow>> {
    Ok(event_registrations::table
        .filter(event_registrations::event_id.eq(event_id))
        .filter(event_registrations::status.eq(RegistrationStatus::Waitlisted))
        .order(event_registrations::id.asc())
        .first(conn)
        .optional()?)
}

/// The registrations of an event, only those in `status` if given.
fn in_status(
    event_id: i64,
    status: Option<RegistrationStatus>,
) -> event_registrations::BoxedQuery<'static, crate::db::MultiBackend> {
    let query = event_registrations::table
        .filter(event_registrations::event_id.eq(event_id))
        .into_boxed();
    match status {
        Some(status) => query.filter(event_registrations::status.eq(status)),
        None => query,
    }
}

/// A page of an event's registrations in the order they came in.
pub fn list(
    conn: &mut DbConnection,
    event_id: i64,
    status: Option<RegistrationStatus>,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<RegistrationRow>> {
    let mut query = in_status(event_id, status);
    if let Some(since) = since {
        query = query.filter(event_registrations::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(event_registrations::id.gt(cursor.id));
    }
    Ok(query
        .order(event_registrations::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// Every registration of an event (the CSV export), at most `limit`.
pub fn all(
    conn: &mut DbConnection,
    event_id: i64,
    status: Option<RegistrationStatus>,
    limit: i64,
) -> ApiResult<Vec<RegistrationRow>> {
    Ok(in_status(event_id, status)
        .order(event_registrations::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Every registration of an event, in the order they came.
pub fn of_event(conn: &mut DbConnection, event_id: i64) -> ApiResult<Vec<RegistrationRow>> {
    Ok(event_registrations::table
        .filter(event_registrations::event_id.eq(event_id))
        .order(event_registrations::id.asc())
        .load(conn)?)
}

/// Registrations that still hold personal data, of events whose last day was before
/// `day`, at most `limit` of them.
pub fn expired(
    conn: &mut DbConnection,
    day: NaiveDate,
    limit: i64,
) -> ApiResult<Vec<RegistrationRow>> {
    Ok(event_registrations::table
        .inner_join(project_events::table)
        .filter(event_registrations::erased_at.is_null())
        .filter(project_events::last_day.lt(day))
        .select(event_registrations::all_columns)
        .order(event_registrations::id.asc())
        .limit(limit)
        .load(conn)?)
}

// ------------------------------------------------------------------ invitations

/// The organizations that are members of the association on `day`.
pub fn member_ids(
    conn: &mut DbConnection,
    association_id: i64,
    day: NaiveDate,
) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = memberships::table
        .filter(memberships::association_id.eq(association_id))
        .filter(memberships::joined_on.le(day))
        .filter(
            memberships::left_on
                .is_null()
                .or(memberships::left_on.ge(day)),
        )
        .select(memberships::member_id)
        .load(conn)?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The organizations among `ids` already invited to the event.
pub fn invited_among(conn: &mut DbConnection, event_id: i64, ids: &[i64]) -> ApiResult<Vec<i64>> {
    Ok(event_invitations::table
        .filter(event_invitations::event_id.eq(event_id))
        .filter(event_invitations::organization_id.eq_any(ids.to_vec()))
        .select(event_invitations::organization_id)
        .load(conn)?)
}

/// Every invitation to an event, in the order they were sent.
pub fn invitations_of_event(
    conn: &mut DbConnection,
    event_id: i64,
) -> ApiResult<Vec<InvitationRow>> {
    Ok(event_invitations::table
        .filter(event_invitations::event_id.eq(event_id))
        .order(event_invitations::id.asc())
        .load(conn)?)
}

pub fn find_invitation(
    conn: &mut DbConnection,
    event_id: i64,
    invitation_id: i64,
) -> ApiResult<Option<InvitationRow>> {
    Ok(event_invitations::table
        .find(invitation_id)
        .filter(event_invitations::event_id.eq(event_id))
        .first(conn)
        .optional()?)
}

/// A page of an event's invitations in the order they were sent.
pub fn list_invitations(
    conn: &mut DbConnection,
    event_id: i64,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<InvitationRow>> {
    let mut query = event_invitations::table
        .filter(event_invitations::event_id.eq(event_id))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(event_invitations::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(event_invitations::id.gt(cursor.id));
    }
    Ok(query
        .order(event_invitations::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}
