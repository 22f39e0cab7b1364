use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::{working_group_meetings, working_group_members, working_groups};
use crate::domain::WorkingGroupRole;

crate::versioned_row! {
    /// A stored working group.
    row WorkingGroupRow in working_groups,
    /// Every writable column of a working group.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields WorkingGroupFields {
        pub association_id: i64,
        pub name: String,
        pub mandate: Option<String>,
        pub established_on: Option<NaiveDate>,
        pub dissolved_on: Option<NaiveDate>,
    }
}

crate::versioned_row! {
    /// A stored member of a working group.
    row MemberRow in working_group_members,
    /// Every writable column of a member.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields MemberFields {
        pub working_group_id: i64,
        pub organization_id: i64,
        pub role: WorkingGroupRole,
        pub from_on: Option<NaiveDate>,
        pub to_on: Option<NaiveDate>,
    }
}

crate::versioned_row! {
    /// A stored meeting of a working group.
    row MeetingRow in working_group_meetings,
    /// Every writable column of a meeting.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields MeetingFields {
        pub working_group_id: i64,
        pub held_on: NaiveDate,
        pub place: Option<String>,
        pub agenda: Option<String>,
        pub minutes: Option<String>,
    }
}

/// A meeting as the audit record keeps it: its columns and the positions discussed.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingState<'a> {
    #[serde(flatten)]
    pub fields: &'a MeetingFields,
    pub position_ids: &'a [i64],
}
