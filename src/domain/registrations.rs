//! The closed sets of event registrations and working groups.

use super::text_enum;

text_enum!(
    /// Where a registration for an event stands: `pending` (waits for the organizer's
    /// approval), `confirmed` (has a seat), `waitlisted` (waits for a seat),
    /// `rejected`, `cancelled` (by the person or the organizer), `attended` (checked in).
    RegistrationStatus {
        Pending => "pending",
        Confirmed => "confirmed",
        Waitlisted => "waitlisted",
        Rejected => "rejected",
        Cancelled => "cancelled",
        Attended => "attended",
    }
);

impl RegistrationStatus {
    /// Does the registration hold a seat (counts against the capacity)?
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Confirmed | RegistrationStatus::Attended
        )
    }

    /// May it still be cancelled?
    pub fn is_live(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Pending
                | RegistrationStatus::Confirmed
                | RegistrationStatus::Waitlisted
        )
    }
}

text_enum!(
    /// What a participant does at home: `executive` (wójt, burmistrz, prezydent, starosta,
    /// marszałek and their deputies), `council` (a councillor), `staff` (an employee of a
    /// local government), `ngo` (a non-governmental organization), `other`.
    ParticipantFunction {
        Executive => "executive",
        Council => "council",
        Staff => "staff",
        Ngo => "ngo",
        Other => "other",
    }
);

text_enum!(
    /// The part an organization takes in a working group.
    WorkingGroupRole {
        Chair => "chair",
        Member => "member",
    }
);
