use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::milestones;

crate::versioned_row! {
    /// A stored milestone.
    row MilestoneRow in milestones,
    /// Every writable column of a milestone.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields MilestoneFields {
        pub association_id: i64,
        pub starts_on: NaiveDate,
        pub ends_on: Option<NaiveDate>,
        pub title: String,
        pub place: Option<String>,
        pub description: Option<String>,
    }
}
