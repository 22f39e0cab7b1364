use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::memberships;

/// A stored membership.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    pub id: i64,
    pub association_id: i64,
    pub member_id: i64,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub basis: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of a membership.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = memberships, treat_none_as_null = true)]
pub struct MembershipFields {
    pub association_id: i64,
    pub member_id: i64,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub basis: Option<String>,
}

impl From<&MembershipRow> for MembershipFields {
    fn from(row: &MembershipRow) -> Self {
        MembershipFields {
            association_id: row.association_id,
            member_id: row.member_id,
            joined_on: row.joined_on,
            left_on: row.left_on,
            basis: row.basis.clone(),
        }
    }
}
