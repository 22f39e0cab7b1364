//! Wire types of project events.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{EventFields, EventRow};
use crate::domain::{EventKind, LocalTime};
use crate::projects::dto::ProjectSummary;
use crate::validation::plausible_date;
use crate::validation::{double_option, not_blank};
use crate::validation::{set, trimmed};

crate::versioned_dto! {
    /// An event of a project: a conference, training, workshop, study visit, competition
    /// or meeting, with its place and how many took part.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 4, "project_id": 1,
        "project": {"id": 1, "code": "ZMP-EOG-2012", "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego"},
        "kind": "conference",
        "title": "Konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu",
        "description": "Regionalna konferencja informacyjna dla samorządów tworzących lub chcących utworzyć partnerstwa międzysamorządowe.",
        "starts_on": "2016-04-18", "ends_on": null, "starts_at": "11:00", "ends_at": null,
        "city": "Opole", "venue": "Sala Herbowa, Opolski Urząd Wojewódzki", "address": "ul. Piastowska 14",
        "participants_count": null, "organizations_count": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct ProjectEvent {
        pub id: i64,
        pub project_id: i64,
        pub project: ProjectSummary,
        pub kind: EventKind,
        pub title: String,
        pub description: Option<String>,
        /// First day.
        pub starts_on: NaiveDate,
        /// Last day of an event of several days (inclusive); `null` for one day.
        pub ends_on: Option<NaiveDate>,
        /// Local time of the start at the venue, `HH:MM`.
        pub starts_at: Option<String>,
        /// Local time of the end at the venue (on the last day), `HH:MM`.
        pub ends_at: Option<String>,
        pub city: Option<String>,
        /// The building or room, e.g. `Sala Herbowa, Opolski Urząd Wojewódzki`.
        pub venue: Option<String>,
        /// Street address, e.g. `ul. Piastowska 14`.
        pub address: Option<String>,
        /// How many people took part.
        pub participants_count: Option<i64>,
        /// How many organizations (local governments, NGOs, …) took part.
        pub organizations_count: Option<i64>,
    }
}

impl ProjectEvent {
    pub fn new(row: EventRow, project: ProjectSummary) -> Self {
        crate::with_stamps!(
            row,
            ProjectEvent {
                id: row.id,
                project_id: row.project_id,
                project,
                kind: row.kind,
                title: row.title,
                description: row.description,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                city: row.city,
                venue: row.venue,
                address: row.address,
                participants_count: row.participants_count,
                organizations_count: row.organizations_count,
            }
        )
    }
}

/// A new event.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "conference",
    "title": "Konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu",
    "starts_on": "2016-04-18", "starts_at": "11:00",
    "city": "Opole", "venue": "Sala Herbowa, Opolski Urząd Wojewódzki", "address": "ul. Piastowska 14"
}))]
pub struct CreateProjectEvent {
    pub kind: EventKind,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: NaiveDate,
    /// Last day of an event of several days, not before `starts_on`.
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: Option<NaiveDate>,
    /// Local time of the start at the venue.
    pub starts_at: Option<LocalTime>,
    /// Local time of the end at the venue (on the last day); after `starts_at` for an
    /// event of one day.
    pub ends_at: Option<LocalTime>,
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100)]
    pub city: Option<String>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub venue: Option<String>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub address: Option<String>,
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub participants_count: Option<i64>,
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub organizations_count: Option<i64>,
}

impl CreateProjectEvent {
    pub fn into_fields(self, project_id: i64) -> EventFields {
        let mut fields = EventFields {
            project_id,
            kind: self.kind,
            title: self.title.trim().to_owned(),
            description: self.description,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            last_day: self.starts_on,
            starts_at: self.starts_at.map(LocalTime::into_inner),
            ends_at: self.ends_at.map(LocalTime::into_inner),
            start_sort: 0,
            city: trimmed(self.city),
            city_folded: None,
            venue: trimmed(self.venue),
            address: trimmed(self.address),
            participants_count: self.participants_count,
            organizations_count: self.organizations_count,
        };
        fields.refresh_derived();
        fields
    }
}

/// Changes to an event (JSON merge patch): absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"participants_count": 120, "organizations_count": 64}))]
pub struct UpdateProjectEvent {
    pub kind: Option<EventKind>,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub description: Option<Option<String>>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<LocalTime>)]
    pub starts_at: Option<Option<LocalTime>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<LocalTime>)]
    pub ends_at: Option<Option<LocalTime>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub venue: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub participants_count: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub organizations_count: Option<Option<i64>>,
}

impl UpdateProjectEvent {
    pub fn apply(self, fields: &mut EventFields) {
        set(&mut fields.kind, self.kind);
        set(&mut fields.title, self.title.map(|t| t.trim().to_owned()));
        set(&mut fields.description, self.description);
        set(&mut fields.starts_on, self.starts_on);
        set(&mut fields.ends_on, self.ends_on);
        set(
            &mut fields.starts_at,
            self.starts_at.map(|t| t.map(LocalTime::into_inner)),
        );
        set(
            &mut fields.ends_at,
            self.ends_at.map(|t| t.map(LocalTime::into_inner)),
        );
        set(&mut fields.city, self.city.map(trimmed));
        set(&mut fields.venue, self.venue.map(trimmed));
        set(&mut fields.address, self.address.map(trimmed));
        set(&mut fields.participants_count, self.participants_count);
        set(&mut fields.organizations_count, self.organizations_count);
        fields.refresh_derived();
    }
}

crate::text_enum_sort!(
    /// Orders of event lists.
    EventSort {
        StartsOn => "starts_on",
        StartsOnDesc => "-starts_on",
    }
);

/// Declares an event list's query: `$before`, the filters both event lists share, then
/// `$after`.
macro_rules! event_query {
    ($(#[$meta:meta])* $name:ident { $($before:tt)* } { $($after:tt)* }) => {
        crate::list_query!(
            $(#[$meta])*
            $name {
                $($before)*
                /// Only events of this kind.
                kind: Option<EventKind>,
                /// Only events that last until this day or later.
                #[param(value_type = Option<String>, format = Date, example = "2016-01-01")]
                from: Option<NaiveDate>,
                /// Only events that start on this day or earlier.
                #[param(value_type = Option<String>, format = Date, example = "2016-12-31")]
                to: Option<NaiveDate>,
                /// Only events in this city (case and diacritics ignored: `poznan` finds `Poznań`).
                #[param(min_length = 1, max_length = 100, example = "Opole")]
                #[validate(length(min = 1, max = 100))]
                city: Option<String>,
                $($after)*
            }
        );
    };
}

event_query!(
    /// Filters of `GET /projects/{id}/events`.
    ProjectEventListQuery {} {
        /// Order: `starts_on` (default: the calendar order, earliest first; by time of
        /// day within a day), `-starts_on`. Ties are broken by id.
        #[param(inline)]
        sort: Option<EventSort>,
    }
);

event_query!(
    /// Filters of `GET /events`, the calendar of every project.
    EventCalendarQuery {
        /// Only events of this project (id).
        #[param(minimum = 1, example = 1)]
        #[validate(range(min = 1))]
        project: Option<i64>,
    } {
        /// Order: `starts_on` (default: earliest first; by time of day within a day),
        /// `-starts_on`. Ties are broken by id.
        #[param(inline)]
        sort: Option<EventSort>,
    }
);

impl EventCalendarQuery {
    /// The project asked for, and the filters every event list shares.
    pub fn split(self) -> (Option<i64>, ProjectEventListQuery) {
        let filters = ProjectEventListQuery {
            kind: self.kind,
            from: self.from,
            to: self.to,
            city: self.city,
            sort: self.sort,
            updated_since: self.updated_since,
            limit: self.limit,
            cursor: self.cursor,
        };
        (self.project, filters)
    }
}

crate::page_of!(
    ProjectEventPage,
    ProjectEvent,
    {
        "id": 4, "project_id": 1,
        "project": {"id": 1, "code": "ZMP-EOG-2012", "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego"},
        "kind": "conference",
        "title": "Konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu",
        "description": null,
        "starts_on": "2016-04-18", "ends_on": null, "starts_at": "11:00", "ends_at": null,
        "city": "Opole", "venue": "Sala Herbowa, Opolski Urząd Wojewódzki", "address": "ul. Piastowska 14",
        "participants_count": null, "organizations_count": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    "eyJzIjoic3RhcnRzX29uIiwiayI6IjEwNjAyNTY2NjAiLCJpIjo0fQ"
);

/// Path parameters of one event.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// Numeric id of the project.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
    /// Numeric id of the event.
    #[param(example = 4, minimum = 1)]
    pub event_id: i64,
}
