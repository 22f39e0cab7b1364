//! Wire types of working groups, their members and meetings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{
    MeetingFields, MeetingRow, MemberFields, MemberRow, WorkingGroupFields, WorkingGroupRow,
};
use crate::domain::WorkingGroupRole;
use crate::organizations::dto::OrganizationSummary;
use crate::validation::{double_option, not_blank, set, trimmed};

crate::versioned_dto! {
    /// A working group of an association or alliance, e.g. OPOS's group on civil registry
    /// offices.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "association_id": 1, "name": "Zespół branżowy OPOS ds. USC",
        "mandate": "Wymiana doświadczeń i wspólne stanowiska w sprawach urzędów stanu cywilnego.",
        "established_on": null, "dissolved_on": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct WorkingGroup {
        pub id: i64,
        pub association_id: i64,
        pub name: String,
        /// What the group is for.
        pub mandate: Option<String>,
        pub established_on: Option<NaiveDate>,
        /// `null` while it works.
        pub dissolved_on: Option<NaiveDate>,
    }
}

impl From<WorkingGroupRow> for WorkingGroup {
    fn from(row: WorkingGroupRow) -> Self {
        crate::with_stamps!(
            row,
            WorkingGroup {
                id: row.id,
                association_id: row.association_id,
                name: row.name,
                mandate: row.mandate,
                established_on: row.established_on,
                dissolved_on: row.dissolved_on,
            }
        )
    }
}

/// A new working group.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Zespół branżowy OPOS ds. USC",
    "mandate": "Wymiana doświadczeń i wspólne stanowiska w sprawach urzędów stanu cywilnego."
}))]
pub struct CreateWorkingGroup {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub mandate: Option<String>,
    pub established_on: Option<NaiveDate>,
    /// Not before `established_on`.
    pub dissolved_on: Option<NaiveDate>,
}

impl CreateWorkingGroup {
    pub fn into_fields(self, association_id: i64) -> WorkingGroupFields {
        WorkingGroupFields {
            association_id,
            name: self.name.trim().to_owned(),
            mandate: self.mandate,
            established_on: self.established_on,
            dissolved_on: self.dissolved_on,
        }
    }
}

/// Changes to a working group (JSON merge patch): absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"dissolved_on": "2024-12-31"}))]
pub struct UpdateWorkingGroup {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub mandate: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub established_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub dissolved_on: Option<Option<NaiveDate>>,
}

impl UpdateWorkingGroup {
    pub fn apply(self, fields: &mut WorkingGroupFields) {
        set(&mut fields.name, self.name.map(|n| n.trim().to_owned()));
        set(&mut fields.mandate, self.mandate);
        set(&mut fields.established_on, self.established_on);
        set(&mut fields.dissolved_on, self.dissolved_on);
    }
}

crate::versioned_dto! {
    /// An organization in a working group, with its role and period.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "working_group_id": 1, "organization_id": 2,
        "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "role": "chair", "from": "2014-01-01", "to": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Member {
        pub id: i64,
        pub working_group_id: i64,
        pub organization_id: i64,
        pub organization: OrganizationSummary,
        pub role: WorkingGroupRole,
        /// First day in the group (inclusive).
        pub from: Option<NaiveDate>,
        /// Last day (inclusive); `null` while it takes part.
        pub to: Option<NaiveDate>,
    }
}

impl Member {
    pub fn new(row: MemberRow, organization: OrganizationSummary) -> Self {
        crate::with_stamps!(
            row,
            Member {
                id: row.id,
                working_group_id: row.working_group_id,
                organization_id: row.organization_id,
                organization,
                role: row.role,
                from: row.from_on,
                to: row.to_on,
            }
        )
    }
}

/// A new member of a working group.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": 2, "role": "chair", "from": "2014-01-01"}))]
pub struct CreateMember {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organization_id: i64,
    pub role: WorkingGroupRole,
    pub from: Option<NaiveDate>,
    /// Not before `from`.
    pub to: Option<NaiveDate>,
}

/// Changes to a member (JSON merge patch): absent fields stay, `null` clears a day. The
/// organization does not change; remove the member and add the other one instead.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "member", "to": "2019-12-31"}))]
pub struct UpdateMember {
    pub role: Option<WorkingGroupRole>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub from: Option<Option<NaiveDate>>,
    /// Not before `from`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub to: Option<Option<NaiveDate>>,
}

impl UpdateMember {
    pub fn apply(self, fields: &mut MemberFields) {
        set(&mut fields.role, self.role);
        set(&mut fields.from_on, self.from);
        set(&mut fields.to_on, self.to);
    }
}

crate::versioned_dto! {
    /// A meeting of a working group.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "working_group_id": 1, "date": "2015-05-20", "place": "Katowice",
        "agenda": "1. Projekt ustawy o zmianie ustawy – Prawo o aktach stanu cywilnego.",
        "minutes": "Zespół przyjął wspólne uwagi do projektu.", "position_ids": [3],
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Meeting {
        pub id: i64,
        pub working_group_id: i64,
        pub date: NaiveDate,
        pub place: Option<String>,
        pub agenda: Option<String>,
        pub minutes: Option<String>,
        /// The positions discussed, in id order.
        pub position_ids: Vec<i64>,
    }
}

impl Meeting {
    pub fn new(row: MeetingRow, position_ids: Vec<i64>) -> Self {
        crate::with_stamps!(
            row,
            Meeting {
                id: row.id,
                working_group_id: row.working_group_id,
                date: row.held_on,
                place: row.place,
                agenda: row.agenda,
                minutes: row.minutes,
                position_ids,
            }
        )
    }
}

/// A new meeting.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "date": "2015-05-20", "place": "Katowice",
    "agenda": "1. Projekt ustawy o zmianie ustawy – Prawo o aktach stanu cywilnego.",
    "minutes": "Zespół przyjął wspólne uwagi do projektu.", "position_ids": [3]
}))]
pub struct CreateMeeting {
    pub date: NaiveDate,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub place: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub agenda: Option<String>,
    #[validate(length(max = 100000))]
    #[schema(max_length = 100000)]
    pub minutes: Option<String>,
    /// Positions discussed: published ones, or the association's own drafts.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub position_ids: Vec<i64>,
}

impl CreateMeeting {
    pub fn place(&self) -> Option<String> {
        trimmed(self.place.clone())
    }
}

/// Changes to a meeting (JSON merge patch): absent fields stay, `null` clears a text;
/// `position_ids` replaces the positions discussed (`[]` clears them).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"minutes": "Zespół przyjął wspólne uwagi do projektu.", "position_ids": [3, 5]}))]
pub struct UpdateMeeting {
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub agenda: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 100000))]
    #[schema(value_type = Option<String>, max_length = 100000)]
    pub minutes: Option<Option<String>>,
    /// Positions discussed: published ones, or the association's own drafts.
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub position_ids: Option<Vec<i64>>,
}

impl UpdateMeeting {
    /// Applies the columns; answers the new positions, if the patch names them.
    pub fn apply(self, fields: &mut MeetingFields) -> Option<Vec<i64>> {
        set(&mut fields.held_on, self.date);
        set(&mut fields.place, self.place.map(trimmed));
        set(&mut fields.agenda, self.agenda);
        set(&mut fields.minutes, self.minutes);
        self.position_ids
    }
}

crate::text_enum_sort!(
    /// Order of meeting lists: by date, earliest first.
    MeetingSort {
        Date => "date",
    }
);

crate::list_query!(
    /// Query of `GET /associations/{id_or_slug}/working-groups`.
    WorkingGroupListQuery {}
);

crate::list_query!(
    /// Query of `GET /working-groups/{id}/members`.
    MemberListQuery {}
);

crate::list_query!(
    /// Query of `GET /working-groups/{id}/meetings` (earliest first).
    MeetingListQuery {}
);

crate::page_of!(
    WorkingGroupPage,
    WorkingGroup,
    {
        "id": 1, "association_id": 1, "name": "Zespół branżowy OPOS ds. USC",
        "mandate": null, "established_on": null, "dissolved_on": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    null
);

crate::page_of!(MemberPage, Member);

crate::page_of!(
    MeetingPage,
    Meeting,
    {
        "id": 1, "working_group_id": 1, "date": "2015-05-20", "place": "Katowice",
        "agenda": null, "minutes": null, "position_ids": [],
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    null
);

/// Path parameter: one working group.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WorkingGroupPath {
    /// Numeric id of the working group.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
}

/// Path parameters of one member of a working group.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// Numeric id of the working group.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
    /// Numeric id of the member.
    #[param(example = 1, minimum = 1)]
    pub member_id: i64,
}

/// Path parameters of one meeting of a working group.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    /// Numeric id of the working group.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
    /// Numeric id of the meeting.
    #[param(example = 1, minimum = 1)]
    pub meeting_id: i64,
}
