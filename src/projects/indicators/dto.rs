//! Wire types of project indicators.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{IndicatorFields, IndicatorRow};
use crate::validation::plausible_date;
use crate::validation::{double_option, not_blank};

/// The largest value of an indicator.
pub const MAX_VALUE: i64 = 1_000_000_000_000;

/// `achieved` as a percentage of `target`, rounded half up to one decimal place;
/// `None` without a measurement or with a target of 0. Exact integer arithmetic: the
/// only float is the final tenths.
pub fn progress_percent(achieved: Option<i64>, target: i64) -> Option<f64> {
    let achieved = i128::from(achieved?);
    let target = i128::from(target);
    if target <= 0 || achieved < 0 {
        return None;
    }
    // tenths of a percent = achieved * 1000 / target, rounded half up
    let tenths = (achieved * 2000 + target) / (2 * target);
    Some(tenths as f64 / 10.0)
}

crate::versioned_dto! {
    /// A measured result of a project (wskaźnik): a whole number of a unit, its
    /// starting value, its target and what was achieved by a date.
    #[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
    #[schema(example = json!({
        "id": 3, "project_id": 1,
        "name": "Przedstawiciele partnerstw samorządowych objęci szkoleniami i warsztatami", "unit": "osoby",
        "baseline": 0, "target": 1610, "achieved": 1610, "as_of": "2016-10-31", "progress_percent": 100.0,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Indicator {
        pub id: i64,
        pub project_id: i64,
        pub name: String,
        /// What is counted, e.g. `szkolenia`, `osoby`, `partnerstwa`.
        pub unit: String,
        /// The value before the project.
        pub baseline: i64,
        pub target: i64,
        /// What was achieved by `as_of`; `null` while not measured.
        pub achieved: Option<i64>,
        /// The day `achieved` was measured.
        pub as_of: Option<NaiveDate>,
        /// `achieved` as a percentage of `target`, rounded to one decimal place (over 100
        /// when the target is exceeded); `null` without a measurement or with a target of 0.
        #[schema(minimum = 0, example = 100.0)]
        pub progress_percent: Option<f64>,
    }
}

impl From<IndicatorRow> for Indicator {
    fn from(row: IndicatorRow) -> Self {
        crate::with_stamps!(
            row,
            Indicator {
                id: row.id,
                project_id: row.project_id,
                progress_percent: progress_percent(row.achieved, row.target),
                name: row.name,
                unit: row.unit,
                baseline: row.baseline,
                target: row.target,
                achieved: row.achieved,
                as_of: row.as_of,
            }
        )
    }
}

/// A new indicator.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Szkolenia specjalistyczne nt. komunikacji i współpracy", "unit": "szkolenia",
    "baseline": 0, "target": 29, "achieved": 12, "as_of": "2014-06-30"
}))]
pub struct CreateIndicator {
    /// Unique within the project.
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(min = 1, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: String,
    /// 0 when left out.
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub baseline: Option<i64>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub target: i64,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub achieved: Option<i64>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub as_of: Option<NaiveDate>,
}

impl CreateIndicator {
    pub fn into_fields(self, project_id: i64) -> IndicatorFields {
        IndicatorFields {
            project_id,
            name: self.name.trim().to_owned(),
            unit: self.unit.trim().to_owned(),
            baseline: self.baseline.unwrap_or(0),
            target: self.target,
            achieved: self.achieved,
            as_of: self.as_of,
        }
    }
}

/// Changes to an indicator (JSON merge patch): absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"achieved": 29, "as_of": "2016-10-31"}))]
pub struct UpdateIndicator {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: Option<String>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub baseline: Option<i64>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub target: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000_000i64)]
    pub achieved: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub as_of: Option<Option<NaiveDate>>,
}

impl UpdateIndicator {
    pub fn apply(self, fields: &mut IndicatorFields) {
        if let Some(name) = self.name {
            fields.name = name.trim().to_owned();
        }
        if let Some(unit) = self.unit {
            fields.unit = unit.trim().to_owned();
        }
        if let Some(baseline) = self.baseline {
            fields.baseline = baseline;
        }
        if let Some(target) = self.target {
            fields.target = target;
        }
        if let Some(achieved) = self.achieved {
            fields.achieved = achieved;
        }
        if let Some(as_of) = self.as_of {
            fields.as_of = as_of;
        }
    }
}

crate::list_query!(
    /// Filters of `GET /projects/{id}/indicators` (in the order they were added).
    IndicatorListQuery {}
);

crate::page_of!(
    IndicatorPage,
    Indicator,
    {
        "id": 1, "project_id": 1,
        "name": "Szkolenia specjalistyczne nt. komunikacji i współpracy", "unit": "szkolenia",
        "baseline": 0, "target": 29, "achieved": 29, "as_of": "2016-10-31", "progress_percent": 100.0,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    null
);

/// Path parameters of one indicator.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IndicatorPath {
    /// Numeric id of the project.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
    /// Numeric id of the indicator.
    #[param(example = 3, minimum = 1)]
    pub indicator_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_a_rounded_percentage() {
        assert_eq!(progress_percent(Some(29), 29), Some(100.0));
        assert_eq!(progress_percent(Some(1), 3), Some(33.3));
        assert_eq!(progress_percent(Some(2), 3), Some(66.7));
        assert_eq!(progress_percent(Some(1), 8), Some(12.5));
        assert_eq!(progress_percent(Some(1), 16), Some(6.3));
        assert_eq!(progress_percent(Some(0), 5), Some(0.0));
        assert_eq!(progress_percent(Some(60), 52), Some(115.4));
        assert_eq!(progress_percent(Some(5), 0), None);
        assert_eq!(progress_percent(None, 5), None);
        assert_eq!(
            progress_percent(Some(MAX_VALUE), 1),
            Some(100_000_000_000_000.0)
        );
    }
}
