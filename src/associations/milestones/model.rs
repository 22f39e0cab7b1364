use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::milestones;

/// A stored milestone.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = milestones)]
pub struct MilestoneRow {
    pub id: i64,
    pub association_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub title: String,
    pub place: Option<String>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of a milestone.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = milestones, treat_none_as_null = true)]
pub struct MilestoneFields {
    pub association_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub title: String,
    pub place: Option<String>,
    pub description: Option<String>,
}

impl From<&MilestoneRow> for MilestoneFields {
    fn from(row: &MilestoneRow) -> Self {
        MilestoneFields {
            association_id: row.association_id,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            title: row.title.clone(),
            place: row.place.clone(),
            description: row.description.clone(),
        }
    }
}
