use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::db::schema::project_events;
use crate::domain::{EventKind, LocalTime};

crate::versioned_row! {
    /// A stored event of a project.
    row EventRow in project_events,
    /// Every writable column of an event.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields EventFields {
        pub project_id: i64,
        pub kind: EventKind,
        pub title: String,
        pub description: Option<String>,
        pub starts_on: NaiveDate,
        pub ends_on: Option<NaiveDate>,
        #[serde(skip)]
        pub last_day: NaiveDate,
        pub starts_at: Option<String>,
        pub ends_at: Option<String>,
        #[serde(skip)]
        pub start_sort: i64,
        pub city: Option<String>,
        #[serde(skip)]
        pub city_folded: Option<String>,
        pub venue: Option<String>,
        pub address: Option<String>,
        pub participants_count: Option<i64>,
        pub organizations_count: Option<i64>,
    }
}

/// The calendar's sort key of a start: minutes since 0001-01-01 00:00 (an event
/// without a time sorts at midnight of its day).
pub fn start_sort(day: NaiveDate, time: Option<&str>) -> i64 {
    let minutes = time
        .and_then(|t| t.parse::<LocalTime>().ok())
        .map_or(0, |t| t.minutes());
    (i64::from(day.num_days_from_ce()) - 1) * 1440 + minutes
}

impl EventFields {
    /// Recomputes the derived columns: the overlap bound, the sort key, the folded city.
    pub fn refresh_derived(&mut self) {
        self.last_day = self.ends_on.unwrap_or(self.starts_on);
        self.start_sort = start_sort(self.starts_on, self.starts_at.as_deref());
        self.city_folded = self
            .city
            .as_deref()
            .map(|city| crate::domain::fold_for_search(city.trim()));
    }
}
