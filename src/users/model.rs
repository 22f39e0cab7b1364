use diesel::prelude::*;

use crate::db::schema::{user_associations, users};
use crate::domain::Role;

crate::versioned_row! {
    row UserRow in users,
    /// Every writable column of a person.
    #[derive(PartialEq)]
    fields UserFields {
        pub email: String,
        pub name: String,
        pub role: Role,
        pub password_hash: String,
        pub active: bool,
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = user_associations)]
pub struct NewUserAssociation {
    pub user_id: i64,
    pub organization_id: i64,
}
