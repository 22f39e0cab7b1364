use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::project_indicators;

crate::versioned_row! {
    /// A stored indicator of a project.
    row IndicatorRow in project_indicators,
    /// Every writable column of an indicator.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields IndicatorFields {
        pub project_id: i64,
        pub name: String,
        pub unit: String,
        pub baseline: i64,
        pub target: i64,
        pub achieved: Option<i64>,
        pub as_of: Option<NaiveDate>,
    }
}
