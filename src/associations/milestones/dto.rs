//! Wire types of milestones.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{MilestoneFields, MilestoneRow};
use crate::validation::trimmed;
use crate::validation::{double_option, not_blank};

crate::versioned_dto! {
    /// An event on the timeline of an association.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 4, "association_id": 1, "date": "2013-10-29", "end_date": null,
        "title": "Oficjalna inauguracja OPOS", "place": "Nowa Sól",
        "description": "Oficjalne podpisanie porozumienia tworzącego Ogólnopolskie Porozumienie Organizacji Samorządowych (OPOS) w Nowej Soli.",
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Milestone {
        pub id: i64,
        pub association_id: i64,
        /// The day of the event (its first day, for an event of several days).
        pub date: NaiveDate,
        /// The last day of an event of several days (inclusive); `null` for one day.
        pub end_date: Option<NaiveDate>,
        pub title: String,
        pub place: Option<String>,
        pub description: Option<String>,
    }
}

impl From<MilestoneRow> for Milestone {
    fn from(row: MilestoneRow) -> Self {
        crate::with_stamps!(
            row,
            Milestone {
                id: row.id,
                association_id: row.association_id,
                date: row.starts_on,
                end_date: row.ends_on,
                title: row.title,
                place: row.place,
                description: row.description,
            }
        )
    }
}

/// A new milestone.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "date": "2012-09-17", "end_date": "2012-09-18", "title": "Zapoczątkowanie współpracy", "place": "Poznań",
    "description": "Spotkanie konsultacyjne regionalnych korporacji samorządowych w Wielkopolsce."
}))]
pub struct CreateMilestone {
    pub date: NaiveDate,
    /// Last day of an event of several days, not before `date`.
    pub end_date: Option<NaiveDate>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub place: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
}

impl CreateMilestone {
    pub fn into_fields(self, association_id: i64) -> MilestoneFields {
        MilestoneFields {
            association_id,
            starts_on: self.date,
            ends_on: self.end_date,
            title: self.title.trim().to_owned(),
            place: trimmed(self.place),
            description: self.description,
        }
    }
}

/// Changes to a milestone (JSON merge patch): absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"place": "Nowa Sól"}))]
pub struct UpdateMilestone {
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub description: Option<Option<String>>,
}

impl UpdateMilestone {
    pub fn apply(self, fields: &mut MilestoneFields) {
        if let Some(date) = self.date {
            fields.starts_on = date;
        }
        if let Some(end_date) = self.end_date {
            fields.ends_on = end_date;
        }
        if let Some(title) = self.title {
            fields.title = title.trim().to_owned();
        }
        if let Some(place) = self.place {
            fields.place = trimmed(place);
        }
        if let Some(description) = self.description {
            fields.description = description;
        }
    }
}

crate::text_enum_sort!(
    /// Orders of the timeline.
    MilestoneSort {
        Date => "date",
        DateDesc => "-date",
    }
);

crate::list_query!(
    /// Filters of `GET /associations/{id_or_slug}/milestones`.
    MilestoneListQuery {
        /// Only events that last until this day or later.
        #[param(value_type = Option<String>, format = Date, example = "2013-01-01")]
        from: Option<NaiveDate>,
        /// Only events starting on or before this day.
        #[param(value_type = Option<String>, format = Date, example = "2013-12-31")]
        to: Option<NaiveDate>,
        /// Order: `date` (default, oldest first) or `-date`.
        #[param(inline)]
        sort: Option<MilestoneSort>,
    }
);

crate::page_of!(
    MilestonePage,
    Milestone,
    {
        "id": 1, "association_id": 1, "date": "2012-09-17", "end_date": "2012-09-18",
        "title": "Zapoczątkowanie współpracy", "place": "Poznań",
        "description": "Spotkanie konsultacyjne regionalnych korporacji samorządowych w Wielkopolsce.",
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    null
);

/// Path parameters of one milestone.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MilestonePath {
    /// Numeric id or slug of the association.
    #[param(example = "opos", min_length = 1, max_length = 100)]
    pub id_or_slug: String,
    /// Id of the milestone.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub milestone_id: i64,
}
