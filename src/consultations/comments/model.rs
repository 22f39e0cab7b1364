use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::schema::consultation_comments;
use crate::domain::{CommentChannel, DispositionStatus};

crate::versioned_row! {
    /// A stored comment (uwaga).
    row CommentRow in consultation_comments,
    /// Every writable column of a comment: its whole new state, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields CommentFields {
        pub consultation_id: i64,
        /// Lp., given under the consultation's lock.
        pub number: i32,
        pub submitter_id: Option<i64>,
        pub submitter_name: Option<String>,
        pub unit_reference: Option<String>,
        pub content: String,
        pub proposed_change: Option<String>,
        pub justification: Option<String>,
        pub channel: CommentChannel,
        pub received_at: NaiveDateTime,
        pub disposition_status: DispositionStatus,
        pub disposition_response: Option<String>,
        pub decided_at: Option<NaiveDateTime>,
        pub decided_by: Option<i64>,
    }
}
