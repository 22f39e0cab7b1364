//! Timestamps: stored as naive UTC with microsecond precision (what PostgreSQL keeps),
//! so a value reads back identical from both backends.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub fn to_utc(value: NaiveDateTime) -> DateTime<Utc> {
    value.and_utc()
}

/// Cursor form of a timestamp: sortable text with microseconds.
pub fn cursor_key(value: NaiveDateTime) -> String {
    value.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

pub fn from_cursor_key(key: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(key, "%Y-%m-%dT%H:%M:%S%.6f").ok()
}

/// Today's date (UTC): what "current" members and presidencies are computed for.
pub fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

/// Cursor form of a date.
pub fn date_key(value: chrono::NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

pub fn from_date_key(key: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()
}

/// The stored form of an instant from a request: naive UTC, microseconds.
pub fn from_utc(value: DateTime<Utc>) -> NaiveDateTime {
    value.naive_utc().trunc_subsecs(6)
}
