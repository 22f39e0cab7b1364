use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::project_indicators;

/// A stored indicator of a project.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = project_indicators)]
pub struct IndicatorRow {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub unit: String,
    pub baseline: i64,
    pub target: i64,
    pub achieved: Option<i64>,
    pub as_of: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of an indicator.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = project_indicators, treat_none_as_null = true)]
pub struct IndicatorFields {
    pub project_id: i64,
    pub name: String,
    pub unit: String,
    pub baseline: i64,
    pub target: i64,
    pub achieved: Option<i64>,
    pub as_of: Option<NaiveDate>,
}

impl From<&IndicatorRow> for IndicatorFields {
    fn from(row: &IndicatorRow) -> Self {
        IndicatorFields {
            project_id: row.project_id,
            name: row.name.clone(),
            unit: row.unit.clone(),
            baseline: row.baseline,
            target: row.target,
            achieved: row.achieved,
            as_of: row.as_of,
        }
    }
}
