use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::schema::{event_invitations, event_registration_settings, event_registrations};
use crate::domain::{ParticipantFunction, RegistrationStatus};

crate::versioned_row! {
    /// The registration settings of one event.
    row SettingsRow in event_registration_settings,
    /// Every writable column of the settings.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields SettingsFields {
        pub event_id: i64,
        pub opens_at: NaiveDateTime,
        pub closes_at: NaiveDateTime,
        pub capacity: Option<i64>,
        pub waitlist: bool,
        pub requires_approval: bool,
    }
}

crate::versioned_row! {
    /// A stored registration. `name`, `email` and `organization_name` are personal data:
    /// `None` once erased.
    row RegistrationRow in event_registrations,
    /// Every writable column of a registration. Serialized (for the audit record) with
    /// the name and e-mail masked and without the cancel code's hash.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields RegistrationFields {
        pub event_id: i64,
        pub organizer_id: i64,
        pub status: RegistrationStatus,
        #[serde(serialize_with = "crate::domain::masked_name")]
        pub name: Option<String>,
        #[serde(serialize_with = "crate::domain::masked_email")]
        pub email: Option<String>,
        pub organization_name: Option<String>,
        pub organization_id: Option<i64>,
        pub function: ParticipantFunction,
        #[serde(skip)]
        pub cancel_code_hash: Option<String>,
        pub consented_at: NaiveDateTime,
        pub checked_in_at: Option<NaiveDateTime>,
        pub erased_at: Option<NaiveDateTime>,
    }
}

impl RegistrationFields {
    /// Forgets the person: name, e-mail, organization name and the cancel code.
    pub fn erase(&mut self, now: NaiveDateTime) {
        self.name = None;
        self.email = None;
        self.organization_name = None;
        self.cancel_code_hash = None;
        self.erased_at = Some(now);
    }
}

crate::versioned_row! {
    /// An organization invited to an event.
    row InvitationRow in event_invitations,
    /// Every writable column of an invitation.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields InvitationFields {
        pub event_id: i64,
        pub organization_id: i64,
        pub via_association_id: Option<i64>,
    }
}
