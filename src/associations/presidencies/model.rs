use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::presidencies;

/// A stored presidency term.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = presidencies)]
pub struct PresidencyRow {
    pub id: i64,
    pub alliance_id: i64,
    pub holder_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of a presidency.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = presidencies)]
pub struct PresidencyFields {
    pub alliance_id: i64,
    pub holder_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl From<&PresidencyRow> for PresidencyFields {
    fn from(row: &PresidencyRow) -> Self {
        PresidencyFields {
            alliance_id: row.alliance_id,
            holder_id: row.holder_id,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
        }
    }
}
