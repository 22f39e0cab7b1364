use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{user_associations, users};
use crate::domain::Role;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of a person.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserFields {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
}

impl From<&UserRow> for UserFields {
    fn from(row: &UserRow) -> Self {
        UserFields {
            email: row.email.clone(),
            name: row.name.clone(),
            role: row.role,
            password_hash: row.password_hash.clone(),
            active: row.active,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = user_associations)]
pub struct NewUserAssociation {
    pub user_id: i64,
    pub organization_id: i64,
}
