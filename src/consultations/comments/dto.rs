//! Wire types of comments (uwagi), their dispositions and the consultation report.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::consultations::dto::plausible_instant;
use crate::domain::{CommentChannel, ConsultationStatus, DispositionStatus};
use crate::organizations::dto::OrganizationSummary;
use crate::validation::{double_option, not_blank};

/// What the public sees instead of the name of a person who commented.
pub const PERSON_LABEL: &str = "osoba fizyczna";

/// The organizer's decision on a comment.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "status": "partially_accepted",
    "response": "Uwaga uwzględniona w zakresie umów wieloletnich dla zadań z zakresu pomocy społecznej; w pozostałych obszarach konkursy pozostają roczne ze względu na uchwałę budżetową.",
    "decided_at": "2025-10-24T09:30:00Z", "decided_by": 2
}))]
pub struct Disposition {
    pub status: DispositionStatus,
    /// The reasons (required unless `accepted`).
    pub response: Option<String>,
    /// When the comment was decided (`null` while `pending`).
    pub decided_at: Option<DateTime<Utc>>,
    /// The person who decided (`null` while pending, and for decisions made with an API
    /// token or loaded as demo data).
    pub decided_by: Option<i64>,
}

crate::versioned_dto! {
    /// A comment (uwaga): one row of the standard comment table.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 3, "consultation_id": 1, "number": 3,
        "submitter_id": 41,
        "submitter": {"id": 41, "slug": "szczecinska-rada-organizacji-pozarzadowych", "name": "Szczecińska Rada Organizacji Pozarządowych", "short_name": null, "kind": "ngo"},
        "submitter_name": null,
        "submitter_label": "Szczecińska Rada Organizacji Pozarządowych",
        "unit_reference": "§ 5 ust. 2",
        "content": "Program przewiduje wyłącznie roczne konkursy ofert.",
        "proposed_change": "Dodać pkt 4 w brzmieniu: „zlecanie zadań w ramach umów wieloletnich, zawieranych na okres do 3 lat”.",
        "justification": "Umowy wieloletnie zapewniają ciągłość usług i pozwalają organizacjom planować zatrudnienie.",
        "channel": "api", "received_at": "2025-10-07T13:12:00Z",
        "disposition": {"status": "partially_accepted", "response": "Uwaga uwzględniona w zakresie zadań z pomocy społecznej.", "decided_at": "2025-10-24T09:30:00Z", "decided_by": 2},
        "version": 2, "created_at": "2025-10-07T13:12:00Z", "updated_at": "2025-10-24T09:30:00Z"
    }))]
    pub struct Comment {
        pub id: i64,
        pub consultation_id: i64,
        /// Lp.: 1, 2, 3 … in the order of submission, without gaps.
        pub number: i32,
        /// The organization that commented (`null` for a person).
        pub submitter_id: Option<i64>,
        pub submitter: Option<OrganizationSummary>,
        /// The person who commented (shown to the organizer only: it is personal data).
        pub submitter_name: Option<String>,
        /// Who commented, for display: the organization's name, or the person's name for the
        /// organizer and `osoba fizyczna` for everyone else.
        pub submitter_label: String,
        /// Jednostka redakcyjna: the part of the draft commented on, e.g. `§ 5 ust. 2`.
        pub unit_reference: Option<String>,
        /// Treść uwagi.
        pub content: String,
        /// Propozycja zmiany.
        pub proposed_change: Option<String>,
        /// Uzasadnienie.
        pub justification: Option<String>,
        pub channel: CommentChannel,
        /// When the organizer received the comment.
        pub received_at: DateTime<Utc>,
        pub disposition: Disposition,
    }
}

/// A new comment.
///
/// - Submitted through the API (`channel` left out or `api`) by an organization: by a
///   partner token with `consultations:comment` (the comment is its organization's;
///   `submitter_id`, if given, must be that organization), or by an editor for one of
///   their associations (`submitter_id`; may be left out by an editor of exactly one).
///   `received_at` is the time of the request.
/// - Recorded by the organizer's editors (`channel` `email`, `letter` or `meeting`) with
///   its real `received_at` inside the window, from an organization (`submitter_id`) or
///   a person (`submitter_name`).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_reference": "§ 5 ust. 2",
    "content": "Program przewiduje wyłącznie roczne konkursy ofert.",
    "proposed_change": "Dodać pkt 4 w brzmieniu: „zlecanie zadań w ramach umów wieloletnich, zawieranych na okres do 3 lat”.",
    "justification": "Umowy wieloletnie zapewniają ciągłość usług i pozwalają organizacjom planować zatrudnienie."
}))]
pub struct CreateComment {
    /// The organization in whose name the comment is made.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub submitter_id: Option<i64>,
    /// A person's name (only in comments the organizer records).
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub submitter_name: Option<String>,
    /// Jednostka redakcyjna, e.g. `§ 5 ust. 2`.
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub unit_reference: Option<String>,
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub content: String,
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub proposed_change: Option<String>,
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub justification: Option<String>,
    /// `api` (the default) for the submitter's own comment; `email`, `letter` or `meeting`
    /// for one the organizer records.
    pub channel: Option<CommentChannel>,
    /// When the organizer received it (only, and required, in recorded comments).
    #[validate(custom(function = "plausible_instant"))]
    pub received_at: Option<DateTime<Utc>>,
}

/// Changes to a comment (JSON merge patch). The submitter amends the text of its own
/// comment while the consultation is open and the comment is pending; the organizer
/// corrects the comments it recorded (also `submitter_*`, `channel`, `received_at`).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "proposed_change": "Dodać pkt 4 w brzmieniu: „zlecanie zadań w ramach umów wieloletnich, zawieranych na okres do 5 lat”."
}))]
pub struct UpdateComment {
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub submitter_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub submitter_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub unit_reference: Option<Option<String>>,
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 20000)]
    pub proposed_change: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 20000)]
    pub justification: Option<Option<String>>,
    pub channel: Option<CommentChannel>,
    #[validate(custom(function = "plausible_instant"))]
    pub received_at: Option<DateTime<Utc>>,
}

impl UpdateComment {
    /// The fields only the organizer may change (in the comments it recorded).
    pub fn recording_fields(&self) -> Vec<&'static str> {
        [
            ("submitter_id", self.submitter_id.is_some()),
            ("submitter_name", self.submitter_name.is_some()),
            ("channel", self.channel.is_some()),
            ("received_at", self.received_at.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, present)| present.then_some(field))
        .collect()
    }
}

/// The organizer's decision on a comment.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "rejected",
    "response": "Uwaga nieuwzględniona: wysokość środków na realizację programu określa uchwała budżetowa, nie program współpracy."
}))]
pub struct DispositionRequest {
    /// The decision; `pending` takes a decision back.
    pub status: DispositionStatus,
    /// The reasons: required unless `accepted` (or `pending`).
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub response: Option<String>,
}

crate::text_enum_sort!(
    /// Orders of the comment list.
    CommentSort {
        Number => "number",
        NumberDesc => "-number",
    }
);

crate::list_query!(
    /// Filters of `GET /consultations/{id}/comments`.
    CommentListQuery {
        /// Only comments with this disposition.
        disposition: Option<DispositionStatus>,
        /// Only comments of this organization (id).
        #[param(minimum = 1, example = 41)]
        #[validate(range(min = 1))]
        submitter: Option<i64>,
        /// Only comments received through this channel.
        channel: Option<CommentChannel>,
        /// Order: `number` (default, Lp. ascending) or `-number`.
        #[param(inline)]
        sort: Option<CommentSort>,
    }
);

crate::page_of!(
    CommentPage,
    Comment,
    {
        "id": 3, "consultation_id": 1, "number": 3,
        "submitter_id": 41,
        "submitter": {"id": 41, "slug": "szczecinska-rada-organizacji-pozarzadowych", "name": "Szczecińska Rada Organizacji Pozarządowych", "short_name": null, "kind": "ngo"},
        "submitter_name": null, "submitter_label": "Szczecińska Rada Organizacji Pozarządowych",
        "unit_reference": "§ 5 ust. 2",
        "content": "Program przewiduje wyłącznie roczne konkursy ofert.",
        "proposed_change": "Dodać pkt 4: „zlecanie zadań w ramach umów wieloletnich”.",
        "justification": null,
        "channel": "api", "received_at": "2025-10-07T13:12:00Z",
        "disposition": {"status": "pending", "response": null, "decided_at": null, "decided_by": null},
        "version": 1, "created_at": "2025-10-07T13:12:00Z", "updated_at": "2025-10-07T13:12:00Z"
    },
    null
);

/// How many comments have each disposition.
#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"pending": 0, "accepted": 2, "partially_accepted": 1, "rejected": 1, "explained": 1, "out_of_scope": 1}))]
pub struct DispositionCounts {
    pub pending: i64,
    pub accepted: i64,
    pub partially_accepted: i64,
    pub rejected: i64,
    pub explained: i64,
    pub out_of_scope: i64,
}

impl DispositionCounts {
    pub fn add(&mut self, status: DispositionStatus) {
        let count = match status {
            DispositionStatus::Pending => &mut self.pending,
            DispositionStatus::Accepted => &mut self.accepted,
            DispositionStatus::PartiallyAccepted => &mut self.partially_accepted,
            DispositionStatus::Rejected => &mut self.rejected,
            DispositionStatus::Explained => &mut self.explained,
            DispositionStatus::OutOfScope => &mut self.out_of_scope,
        };
        *count += 1;
    }
}

/// The comments of one submitter.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "submitter_id": 41,
    "submitter": {"id": 41, "slug": "szczecinska-rada-organizacji-pozarzadowych", "name": "Szczecińska Rada Organizacji Pozarządowych", "short_name": null, "kind": "ngo"},
    "submitter_label": "Szczecińska Rada Organizacji Pozarządowych",
    "comments": 2,
    "by_disposition": {"pending": 0, "accepted": 1, "partially_accepted": 1, "rejected": 0, "explained": 0, "out_of_scope": 0}
}))]
pub struct SubmitterCount {
    /// `null` for persons (grouped by name for the organizer, as one group for everyone else).
    pub submitter_id: Option<i64>,
    pub submitter: Option<OrganizationSummary>,
    pub submitter_label: String,
    pub comments: i64,
    pub by_disposition: DispositionCounts,
}

/// The report on a consultation (sprawozdanie z konsultacji): counts and the full
/// comment table in the order of numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "consultation_id": 1,
    "title": "Konsultacje projektu Rocznego programu współpracy Gminy Miasto Szczecin z organizacjami pozarządowymi na 2026 rok",
    "organizer_id": 30,
    "organizer": {"id": 30, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
    "status": "report_published",
    "opens_at": "2025-10-01T06:00:00Z", "closes_at": "2025-10-16T22:00:00Z",
    "report_published_on": "2025-10-30",
    "comment_count": 1,
    "by_disposition": {"pending": 0, "accepted": 0, "partially_accepted": 1, "rejected": 0, "explained": 0, "out_of_scope": 0},
    "by_submitter": [{
        "submitter_id": 41,
        "submitter": {"id": 41, "slug": "szczecinska-rada-organizacji-pozarzadowych", "name": "Szczecińska Rada Organizacji Pozarządowych", "short_name": null, "kind": "ngo"},
        "submitter_label": "Szczecińska Rada Organizacji Pozarządowych", "comments": 1,
        "by_disposition": {"pending": 0, "accepted": 0, "partially_accepted": 1, "rejected": 0, "explained": 0, "out_of_scope": 0}
    }],
    "comments": [{
        "id": 3, "consultation_id": 1, "number": 1,
        "submitter_id": 41,
        "submitter": {"id": 41, "slug": "szczecinska-rada-organizacji-pozarzadowych", "name": "Szczecińska Rada Organizacji Pozarządowych", "short_name": null, "kind": "ngo"},
        "submitter_name": null, "submitter_label": "Szczecińska Rada Organizacji Pozarządowych",
        "unit_reference": "§ 5 ust. 2",
        "content": "Program przewiduje wyłącznie roczne konkursy ofert.",
        "proposed_change": "Dodać pkt 4: „zlecanie zadań w ramach umów wieloletnich”.",
        "justification": null,
        "channel": "api", "received_at": "2025-10-07T13:12:00Z",
        "disposition": {"status": "partially_accepted", "response": "Uwaga uwzględniona w zakresie zadań z pomocy społecznej.", "decided_at": "2025-10-24T09:30:00Z", "decided_by": 2},
        "version": 2, "created_at": "2025-10-07T13:12:00Z", "updated_at": "2025-10-24T09:30:00Z"
    }]
}))]
pub struct Report {
    pub consultation_id: i64,
    pub title: String,
    pub organizer_id: i64,
    pub organizer: OrganizationSummary,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The day the report was published (`null`: a working version).
    pub report_published_on: Option<NaiveDate>,
    pub comment_count: i64,
    pub by_disposition: DispositionCounts,
    /// Per submitter, in the order of their first comment.
    pub by_submitter: Vec<SubmitterCount>,
    /// The full comment table, by number.
    pub comments: Vec<Comment>,
}

/// Path parameters of a comment.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CommentPath {
    /// Numeric id of the consultation.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
    /// Numeric id of the comment (not its number).
    #[param(example = 3, minimum = 1)]
    pub comment_id: i64,
}
