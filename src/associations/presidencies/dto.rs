//! Wire types of presidencies.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{PresidencyFields, PresidencyRow};
use crate::organizations::dto::OrganizationSummary;
use crate::organizations::model::OrganizationRow;

crate::versioned_dto! {
    /// One term of an alliance's rotating presidency.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 3, "alliance_id": 1, "holder_id": 2,
        "holder": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "starts_on": "2026-07-01", "ends_on": "2026-12-31",
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Presidency {
        pub id: i64,
        /// The alliance.
        pub alliance_id: i64,
        /// The member association holding the presidency.
        pub holder_id: i64,
        pub holder: OrganizationSummary,
        /// First day of the term.
        pub starts_on: NaiveDate,
        /// Last day of the term (inclusive).
        pub ends_on: NaiveDate,
    }
}

impl Presidency {
    pub fn new(row: PresidencyRow, holder: &OrganizationRow) -> Self {
        crate::with_stamps!(
            row,
            Presidency {
                id: row.id,
                alliance_id: row.alliance_id,
                holder_id: row.holder_id,
                holder: OrganizationSummary::from(holder),
                starts_on: row.starts_on,
                ends_on: row.ends_on,
            }
        )
    }
}

/// The presidency term in force, embedded in an alliance.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "holder_id": 2,
    "holder": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
    "starts_on": "2026-07-01", "ends_on": "2026-12-31"
}))]
pub struct PresidencySummary {
    pub id: i64,
    pub holder_id: i64,
    pub holder: OrganizationSummary,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PresidencySummary {
    pub fn new(row: &PresidencyRow, holder: &OrganizationRow) -> Self {
        PresidencySummary {
            id: row.id,
            holder_id: row.holder_id,
            holder: OrganizationSummary::from(holder),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
        }
    }
}

/// A new presidency term.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"holder_id": 2, "starts_on": "2027-01-01", "ends_on": "2027-06-30"}))]
pub struct CreatePresidency {
    /// A member of the alliance on every day of the term.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub holder_id: i64,
    /// First day of the term.
    pub starts_on: NaiveDate,
    /// Last day of the term (inclusive), not before `starts_on`.
    pub ends_on: NaiveDate,
}

impl CreatePresidency {
    pub fn into_fields(self, alliance_id: i64) -> PresidencyFields {
        PresidencyFields {
            alliance_id,
            holder_id: self.holder_id,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }
}

/// Changes to a presidency term (JSON merge patch).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ends_on": "2027-05-31"}))]
pub struct UpdatePresidency {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub holder_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

impl UpdatePresidency {
    pub fn apply(self, fields: &mut PresidencyFields) {
        if let Some(holder_id) = self.holder_id {
            fields.holder_id = holder_id;
        }
        if let Some(starts_on) = self.starts_on {
            fields.starts_on = starts_on;
        }
        if let Some(ends_on) = self.ends_on {
            fields.ends_on = ends_on;
        }
    }
}

crate::text_enum_sort!(
    /// Orders of the presidency list.
    PresidencySort {
        StartsOn => "starts_on",
        StartsOnDesc => "-starts_on",
    }
);

crate::list_query!(
    /// Filters of `GET /associations/{id_or_slug}/presidencies`.
    PresidencyListQuery {
        /// Only the term in force on this day.
        #[param(value_type = Option<String>, format = Date, example = "2020-01-01")]
        on: Option<NaiveDate>,
        /// Only the terms of this holder.
        #[param(minimum = 1, example = 2)]
        #[validate(range(min = 1))]
        holder_id: Option<i64>,
        /// Order: `starts_on` (default, oldest first) or `-starts_on`.
        #[param(inline)]
        sort: Option<PresidencySort>,
    }
);

crate::page_of!(PresidencyPage, Presidency);

/// Path parameters of one presidency term.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PresidencyPath {
    /// Numeric id or slug of the alliance.
    #[param(example = "opos", min_length = 1, max_length = 100)]
    pub id_or_slug: String,
    /// Id of the presidency term.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub presidency_id: i64,
}
