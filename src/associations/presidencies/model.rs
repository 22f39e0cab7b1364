use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::presidencies;

crate::versioned_row! {
    /// A stored presidency term.
    row PresidencyRow in presidencies,
    /// Every writable column of a presidency.
    #[derive(PartialEq, Serialize)]
    fields PresidencyFields {
        pub alliance_id: i64,
        pub holder_id: i64,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
    }
}
