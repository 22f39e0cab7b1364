use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{consultation_documents, consultation_transitions, consultations};
use crate::domain::{
    ConsultationDirection, ConsultationForm, ConsultationStatus, Eligibility, SubjectKind,
};
use crate::error::{ApiError, ApiResult};

impl ConsultationRow {
    /// The status at `now`: an announced consultation is open from `opens_at` and
    /// closed from `closes_at`.
    pub fn status_at(&self, now: NaiveDateTime) -> ConsultationStatus {
        ConsultationStatus::at(self.status, self.opens_at, self.closes_at, now)
    }

    /// Has it been announced (and so become public)?
    pub fn published(&self) -> bool {
        self.announced_at.is_some()
    }
}

crate::versioned_row! {
    /// A stored consultation.
    row ConsultationRow in consultations,
    /// Every writable column of a consultation: its whole new state, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields ConsultationFields {
        pub organizer_id: i64,
        pub direction: ConsultationDirection,
        pub title: String,
        pub description: Option<String>,
        pub subject_kind: SubjectKind,
        pub legislation_register_number: Option<String>,
        pub legislation_title: Option<String>,
        pub legislation_url: Option<String>,
        pub legal_basis: Option<String>,
        pub forms: String,
        pub eligibility: Eligibility,
        pub opens_at: NaiveDateTime,
        pub closes_at: NaiveDateTime,
        pub shortened_reason: Option<String>,
        pub status: ConsultationStatus,
        pub announced_at: Option<NaiveDateTime>,
        pub report_published_on: Option<NaiveDate>,
    }
}

/// The stored form of a set of forms: comma-separated, in the order of the enum.
pub fn forms_column(forms: &[ConsultationForm]) -> String {
    ConsultationForm::ALL
        .iter()
        .filter(|form| forms.contains(form))
        .map(|form| form.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The set of forms of the stored column; a value outside the set is an internal error
/// (the column is only written by [`forms_column`]), never silently dropped.
pub fn parse_forms(column: &str) -> ApiResult<Vec<ConsultationForm>> {
    column
        .split(',')
        .map(|form| {
            form.parse()
                .map_err(|error| ApiError::internal(format!("stored consultation forms: {error}")))
        })
        .collect()
}

/// A document put to consultation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentData {
    pub title: String,
    pub url: Option<String>,
    pub text: Option<String>,
    pub version: String,
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = consultation_documents)]
pub struct DocumentRow {
    pub id: i64,
    pub consultation_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub text: Option<String>,
    pub version: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultation_documents)]
pub struct NewDocument<'a> {
    pub consultation_id: i64,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub text: Option<&'a str>,
    pub version: &'a str,
}

/// The related rows of a consultation that requests write as a whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConsultationLinks {
    pub invited_ids: Vec<i64>,
    pub documents: Vec<DocumentData>,
}

/// A consultation's full written state, for the audit log (snapshot and diff).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsultationState {
    #[serde(flatten)]
    pub fields: ConsultationFields,
    #[serde(flatten)]
    pub links: ConsultationLinks,
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = consultation_transitions)]
pub struct TransitionRow {
    pub id: i64,
    pub consultation_id: i64,
    pub from_status: Option<ConsultationStatus>,
    pub to_status: ConsultationStatus,
    pub note: Option<String>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultation_transitions)]
pub struct NewTransition<'a> {
    pub consultation_id: i64,
    pub from_status: Option<ConsultationStatus>,
    pub to_status: ConsultationStatus,
    pub note: Option<&'a str>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}
