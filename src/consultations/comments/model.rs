use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::consultation_comments;
use crate::domain::{CommentChannel, DispositionStatus};

/// A stored comment (uwaga).
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = consultation_comments)]
pub struct CommentRow {
    pub id: i64,
    pub consultation_id: i64,
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
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column of a comment: its whole new state, for insert and update.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = consultation_comments, treat_none_as_null = true)]
pub struct CommentFields {
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

impl From<CommentRow> for CommentFields {
    fn from(row: CommentRow) -> Self {
        CommentFields {
            consultation_id: row.consultation_id,
            number: row.number,
            submitter_id: row.submitter_id,
            submitter_name: row.submitter_name,
            unit_reference: row.unit_reference,
            content: row.content,
            proposed_change: row.proposed_change,
            justification: row.justification,
            channel: row.channel,
            received_at: row.received_at,
            disposition_status: row.disposition_status,
            disposition_response: row.disposition_response,
            decided_at: row.decided_at,
            decided_by: row.decided_by,
        }
    }
}
