use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::memberships;

crate::versioned_row! {
    /// A stored membership.
    row MembershipRow in memberships,
    /// Every writable column of a membership.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields MembershipFields {
        pub association_id: i64,
        pub member_id: i64,
        pub joined_on: NaiveDate,
        pub left_on: Option<NaiveDate>,
        pub basis: Option<String>,
    }
}
