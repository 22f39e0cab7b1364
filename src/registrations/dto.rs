//! Wire types of event registrations, their settings and invitations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{InvitationRow, RegistrationRow};
use crate::domain::{Email, ParticipantFunction, RegistrationStatus};
use crate::organizations::dto::OrganizationSummary;
use crate::validation::not_blank;

crate::versioned_dto! {
    /// How registrations for an event go: the window, the seats, the waiting list and
    /// whether the organizer approves each one; with the counts so far.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "event_id": 4, "opens_at": "2016-03-21T08:00:00Z", "closes_at": "2016-04-15T22:00:00Z",
        "capacity": 120, "waitlist": true, "requires_approval": false, "open": true,
        "counts": {"pending": 0, "confirmed": 118, "waitlisted": 0, "attended": 0},
        "seats_left": 2,
        "version": 1, "created_at": "2016-03-18T10:00:00Z", "updated_at": "2016-03-18T10:00:00Z"
    }))]
    pub struct RegistrationSettings {
        pub id: i64,
        pub event_id: i64,
        /// From when registrations are taken.
        pub opens_at: DateTime<Utc>,
        /// Until when (exclusive).
        pub closes_at: DateTime<Utc>,
        /// Seats; `null`: no limit. Confirmed and attended registrations take one each.
        pub capacity: Option<i64>,
        /// Does a registration that finds no seat wait for one (`waitlisted`) instead of
        /// being refused (409 `event_full`)?
        pub waitlist: bool,
        /// Does every registration wait for the organizer (`pending`) first?
        pub requires_approval: bool,
        /// Are registrations taken now?
        pub open: bool,
        pub counts: RegistrationCounts,
        /// Seats still free; `null` without a capacity.
        pub seats_left: Option<i64>,
    }
}

/// Registrations so far, by status (rejected and cancelled ones are not counted).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({"pending": 0, "confirmed": 118, "waitlisted": 0, "attended": 0}))]
pub struct RegistrationCounts {
    pub pending: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub attended: i64,
}

/// The registration settings of an event (`PUT` replaces them whole).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "opens_at": "2016-03-21T08:00:00Z", "closes_at": "2016-04-15T22:00:00Z",
    "capacity": 120, "waitlist": true, "requires_approval": false
}))]
pub struct RegistrationSettingsInput {
    pub opens_at: DateTime<Utc>,
    /// After `opens_at`.
    pub closes_at: DateTime<Utc>,
    /// Seats; leave out for no limit. Not below the confirmed and attended
    /// registrations; raising it gives the waiting list the new seats.
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub capacity: Option<i64>,
    #[serde(default)]
    pub waitlist: bool,
    #[serde(default)]
    pub requires_approval: bool,
}

crate::versioned_dto! {
    /// A registration as the organizer sees it (personal data included).
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 7, "event_id": 4, "status": "confirmed",
        "name": "Anna Nowak", "email": "a.nowak@um.opole.pl",
        "organization_name": "Urząd Miasta Opola", "organization_id": null, "organization": null,
        "function": "staff", "consented_at": "2016-03-22T09:15:00Z",
        "checked_in_at": null, "erased_at": null,
        "version": 1, "created_at": "2016-03-22T09:15:00Z", "updated_at": "2016-03-22T09:15:00Z"
    }))]
    pub struct Registration {
        pub id: i64,
        pub event_id: i64,
        pub status: RegistrationStatus,
        /// `null` once erased (cancelled, or the retention period after the event ended).
        pub name: Option<String>,
        /// `null` once erased.
        pub email: Option<String>,
        /// `null` once erased.
        pub organization_name: Option<String>,
        pub organization_id: Option<i64>,
        pub organization: Option<OrganizationSummary>,
        pub function: ParticipantFunction,
        /// When the person agreed to the processing of their data.
        pub consented_at: DateTime<Utc>,
        pub checked_in_at: Option<DateTime<Utc>>,
        /// When the personal data was erased.
        pub erased_at: Option<DateTime<Utc>>,
    }
}

impl Registration {
    pub fn new(row: RegistrationRow, organization: Option<OrganizationSummary>) -> Self {
        crate::with_stamps!(
            row,
            Registration {
                id: row.id,
                event_id: row.event_id,
                status: row.status,
                name: row.name,
                email: row.email,
                organization_name: row.organization_name,
                organization_id: row.organization_id,
                organization,
                function: row.function,
                consented_at: crate::time::to_utc(row.consented_at),
                checked_in_at: row.checked_in_at.map(crate::time::to_utc),
                erased_at: row.erased_at.map(crate::time::to_utc),
            }
        )
    }
}

/// A registration for an event, by anyone (no account needed).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Anna Nowak", "email": "a.nowak@um.opole.pl",
    "organization_name": "Urząd Miasta Opola", "function": "staff", "consent": true
}))]
pub struct CreateRegistration {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Shown to the organizers only.
    pub email: Email,
    /// The institution the person comes from; this or `organization_id` is required.
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub organization_name: Option<String>,
    /// An organization of the register.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organization_id: Option<i64>,
    pub function: ParticipantFunction,
    /// Consent to the processing of the data for the event; must be `true` (422
    /// `consent_required` otherwise).
    pub consent: bool,
}

/// What the person who registered gets back: the status and the cancel code, shown
/// only in this answer (it is stored hashed).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 7, "event_id": 4, "status": "confirmed",
    "cancel_code": "rzc_T3xk9QvJ2mLp8RwZ4nYb6HsA1cDe5FgU",
    "cancel_url": "/api/v1/registrations/rzc_T3xk9QvJ2mLp8RwZ4nYb6HsA1cDe5FgU",
    "version": 1, "created_at": "2016-03-22T09:15:00Z"
}))]
pub struct RegistrationReceipt {
    pub id: i64,
    pub event_id: i64,
    /// `confirmed` (a seat), `waitlisted` (waits for one) or `pending` (waits for the
    /// organizer).
    pub status: RegistrationStatus,
    /// Cancels the registration (`DELETE /registrations/{cancel_code}`); keep it, it is
    /// not shown again.
    pub cancel_code: String,
    pub cancel_url: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

crate::list_query!(
    /// Filters of `GET /events/{id}/registrations`.
    RegistrationListQuery {
        /// Only registrations in this status.
        status: Option<RegistrationStatus>,
    }
);

crate::page_of!(RegistrationPage, Registration);

/// Path parameter: one event, by its id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventIdPath {
    /// Numeric id of the event.
    #[param(example = 4, minimum = 1)]
    pub id: i64,
}

/// Path parameters of one registration.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RegistrationPath {
    /// Numeric id of the event.
    #[param(example = 4, minimum = 1)]
    pub id: i64,
    /// Numeric id of the registration.
    #[param(example = 7, minimum = 1)]
    pub registration_id: i64,
}

/// Path parameter: the cancel code a registration answered with.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CancelCodePath {
    /// The cancel code, `rzc_` and 32 letters and digits.
    #[param(
        example = "rzc_T3xk9QvJ2mLp8RwZ4nYb6HsA1cDe5FgU",
        min_length = 36,
        max_length = 36
    )]
    pub cancel_code: String,
}

// ------------------------------------------------------------------ invitations

crate::versioned_dto! {
    /// An organization invited to an event.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "event_id": 4, "organization_id": 2,
        "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "via_association_id": 1,
        "version": 1, "created_at": "2016-03-18T10:00:00Z", "updated_at": "2016-03-18T10:00:00Z"
    }))]
    pub struct Invitation {
        pub id: i64,
        pub event_id: i64,
        pub organization_id: i64,
        pub organization: OrganizationSummary,
        /// The association whose members were invited in one call.
        pub via_association_id: Option<i64>,
    }
}

impl Invitation {
    pub fn new(row: InvitationRow, organization: OrganizationSummary) -> Self {
        crate::with_stamps!(
            row,
            Invitation {
                id: row.id,
                event_id: row.event_id,
                organization_id: row.organization_id,
                organization,
                via_association_id: row.via_association_id,
            }
        )
    }
}

/// Invite every member organization of an association (by id or slug), as of today.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"members_of": "opos"}))]
pub struct InviteMembers {
    /// The association, alliance or national association, by id or slug.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "opos")]
    pub members_of: String,
}

/// What one invitation call did: the organizations newly invited and how many had been
/// invited before (a repeated call invites nobody twice).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "invited": [{
        "id": 1, "event_id": 4, "organization_id": 2,
        "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "via_association_id": 1,
        "version": 1, "created_at": "2016-03-18T10:00:00Z", "updated_at": "2016-03-18T10:00:00Z"
    }],
    "already_invited": 8
}))]
pub struct InvitationResult {
    pub invited: Vec<Invitation>,
    pub already_invited: i64,
}

crate::list_query!(
    /// Filters of `GET /events/{id}/invitations`.
    InvitationListQuery {}
);

crate::page_of!(InvitationPage, Invitation);

/// Path parameters of one invitation.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// Numeric id of the event.
    #[param(example = 4, minimum = 1)]
    pub id: i64,
    /// Numeric id of the invitation.
    #[param(example = 1, minimum = 1)]
    pub invitation_id: i64,
}
