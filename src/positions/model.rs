use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    position_attachments, position_co_signers, position_responses, position_transitions, positions,
};
use crate::domain::{PositionKind, PositionStatus};

/// The sort key of a position without an adoption date: after every real date, so
/// drafts come first in `-adopted_on` and last in `adopted_on`.
pub fn no_adoption_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

crate::versioned_row! {
    /// A stored position.
    row PositionRow in positions,
    /// Every writable column of a position: its whole new state, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields PositionFields {
        pub association_id: i64,
        pub number: Option<String>,
        #[serde(skip)]
        pub number_year: Option<i32>,
        #[serde(skip)]
        pub number_seq: Option<i32>,
        pub kind: PositionKind,
        pub title: Option<String>,
        pub summary: Option<String>,
        pub body: Option<String>,
        pub status: PositionStatus,
        pub adopted_on: Option<NaiveDate>,
        #[serde(skip)]
        pub adopted_sort: NaiveDate,
        pub sent_on: Option<NaiveDate>,
        pub legislation_register_number: Option<String>,
        pub legislation_title: Option<String>,
        pub legislation_url: Option<String>,
        pub consultation_id: Option<i64>,
        pub published: bool,
    }
}

impl PositionFields {
    /// Recomputes the derived columns: the number's parts and the sort key.
    pub fn refresh_derived(&mut self) {
        let number = self
            .number
            .as_deref()
            .and_then(|n| n.parse::<crate::domain::PositionNumber>().ok());
        self.number_year = number.as_ref().map(|n| n.year());
        self.number_seq = number.as_ref().map(|n| n.seq());
        self.adopted_sort = self.adopted_on.unwrap_or_else(no_adoption_date);
    }
}

/// An organization that co-signed, and when.
#[derive(Debug, Clone, PartialEq, Queryable, Serialize)]
pub struct CoSignerRow {
    pub organization_id: i64,
    pub signed_on: NaiveDate,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = position_co_signers)]
pub struct NewCoSigner {
    pub position_id: i64,
    pub organization_id: i64,
    pub signed_on: NaiveDate,
}

/// Metadata of a file attached to a position (the file itself lives elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentData {
    pub title: String,
    pub url: String,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = position_attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub position_id: i64,
    pub title: String,
    pub url: String,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = position_attachments)]
pub struct NewAttachment<'a> {
    pub position_id: i64,
    pub title: &'a str,
    pub url: &'a str,
    pub media_type: Option<&'a str>,
    pub size_bytes: Option<i64>,
}

crate::child_row! {
    /// A stored reply of an addressee.
    row ResponseRow in position_responses,
    /// A reply to store; the audit record keeps it without its `created_at`.
    #[derive(Clone, Serialize)]
    new NewResponse {
        pub position_id: i64,
        pub received_on: NaiveDate,
        pub from_organization_id: i64,
        pub summary: String,
        pub attachment_title: Option<String>,
        pub attachment_url: Option<String>,
        pub attachment_media_type: Option<String>,
        pub attachment_size_bytes: Option<i64>,
        #[serde(skip)]
        pub created_at: NaiveDateTime,
    }
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = position_transitions)]
pub struct TransitionRow {
    pub id: i64,
    pub position_id: i64,
    pub from_status: Option<PositionStatus>,
    pub to_status: PositionStatus,
    pub on_date: NaiveDate,
    pub note: Option<String>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = position_transitions)]
pub struct NewTransition<'a> {
    pub position_id: i64,
    pub from_status: Option<PositionStatus>,
    pub to_status: PositionStatus,
    pub on_date: NaiveDate,
    pub note: Option<&'a str>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// The related rows of a position that requests write as a whole: topics, addressees,
/// co-signers and attachments (in their stored order).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PositionLinks {
    pub topics: Vec<String>,
    pub addressee_ids: Vec<i64>,
    pub co_signers: Vec<CoSignerRow>,
    pub attachments: Vec<AttachmentData>,
}

/// A position's full written state, for the audit log (snapshot and diff).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionState {
    #[serde(flatten)]
    pub fields: PositionFields,
    #[serde(flatten)]
    pub links: PositionLinks,
}
