//! Row structs of the cooperation standard: catalogue versions, assessments, survey
//! codes, responses and answers; the closed sets of the domain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    cooperation_answers, cooperation_assessments, cooperation_catalogues, cooperation_responses,
    cooperation_survey_codes,
};

crate::domain::text_enum!(
    /// Where an assessment is: `draft → collecting → closed → published`, and
    /// `closed → collecting` to collect more answers before publishing.
    AssessmentStatus {
        Draft => "draft",
        Collecting => "collecting",
        Closed => "closed",
        Published => "published",
    }
);

impl AssessmentStatus {
    /// Is `self → to` a move of the lifecycle?
    pub fn can_move_to(self, to: AssessmentStatus) -> bool {
        use AssessmentStatus::*;
        matches!(
            (self, to),
            (Draft, Collecting) | (Collecting, Closed) | (Closed, Collecting) | (Closed, Published)
        )
    }

    /// The moves that leave `self`, for the 409 that names them.
    pub fn next(self) -> Vec<AssessmentStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|to| self.can_move_to(*to))
            .collect()
    }
}

crate::domain::text_enum!(
    /// Who answers a survey: `jst` (the local government's staff and councillors) or
    /// `ngo` (the organizations it cooperates with).
    RespondentGroup {
        Jst => "jst",
        Ngo => "ngo",
    }
);

crate::versioned_row! {
    /// One immutable version of the catalogue; `content` is the JSON tree
    /// (`super::dto::CatalogueContent`).
    row CatalogueRow in cooperation_catalogues,
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields CatalogueFields {
        pub title: String,
        pub note: Option<String>,
        #[serde(skip)]
        pub content: String,
    }
}

crate::versioned_row! {
    /// An assessment of one JST for one year.
    row AssessmentRow in cooperation_assessments,
    #[derive(PartialEq, Serialize)]
    fields AssessmentFields {
        pub jst_id: i64,
        pub year: i32,
        pub catalogue_id: i64,
        /// Comma-separated, in catalogue order.
        pub area_codes: String,
        pub status: AssessmentStatus,
        pub min_group_size: i32,
        pub demonstration: bool,
    }
}

impl AssessmentFields {
    pub fn areas(&self) -> Vec<String> {
        split_codes(&self.area_codes)
    }
}

impl AssessmentRow {
    pub fn areas(&self) -> Vec<String> {
        split_codes(&self.area_codes)
    }
}

fn split_codes(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cooperation_survey_codes)]
pub struct NewSurveyCode<'a> {
    pub assessment_id: i64,
    pub respondent_group: RespondentGroup,
    pub code_hash: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = cooperation_survey_codes)]
pub struct SurveyCodeRow {
    pub id: i64,
    pub assessment_id: i64,
    pub respondent_group: RespondentGroup,
    pub code_hash: String,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cooperation_responses)]
pub struct NewResponse {
    pub assessment_id: i64,
    pub respondent_group: RespondentGroup,
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cooperation_answers)]
pub struct NewAnswer<'a> {
    pub response_id: i64,
    pub indicator_code: &'a str,
    pub score: Option<i32>,
}
