//! Every query of the cooperation standard. Catalogue versions and assessments are
//! versioned rows on the shared write path; survey codes, responses and answers are
//! plain rows (anonymous answers are no feed objects).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    AssessmentRow, AssessmentStatus, CatalogueRow, NewAnswer, NewResponse, NewSurveyCode,
    RespondentGroup, SurveyCodeRow,
};
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::schema::{
    cooperation_answers, cooperation_assessments, cooperation_catalogues, cooperation_responses,
    cooperation_survey_codes, organizations,
};
use crate::domain::Voivodeship;
use crate::error::ApiResult;
use crate::pagination::{ById, PageRequest};

crate::versioned_table!(
    /// Catalogue versions on the write path (only ever inserted).
    Catalogues,
    cooperation_catalogues,
    CatalogueRow,
    super::model::CatalogueFields,
    "cooperation_standard"
);

crate::versioned_table!(
    /// Assessments on the write path.
    Assessments,
    cooperation_assessments,
    AssessmentRow,
    super::model::AssessmentFields,
    "cooperation_assessment",
    // A draft stays with the JST's editors; the feed shows it to others from collecting on.
    audience = |row: &AssessmentRow| crate::write::Audience::draft_of(row.jst_id, row.status != AssessmentStatus::Draft)
);

// ------------------------------------------------------------------ catalogue

pub fn catalogue(conn: &mut DbConnection, id: i64) -> ApiResult<Option<CatalogueRow>> {
    Ok(cooperation_catalogues::table
        .find(id)
        .first(conn)
        .optional()?)
}

/// The newest version.
pub fn current_catalogue(conn: &mut DbConnection) -> ApiResult<Option<CatalogueRow>> {
    Ok(cooperation_catalogues::table
        .order(cooperation_catalogues::id.desc())
        .first(conn)
        .optional()?)
}

pub fn list_catalogues(
    conn: &mut DbConnection,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<CatalogueRow>> {
    let mut query = cooperation_catalogues::table.into_boxed();
    if let Some(since) = since {
        query = query.filter(cooperation_catalogues::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(cooperation_catalogues::id.gt(cursor.id));
    }
    Ok(query
        .order(cooperation_catalogues::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

// ------------------------------------------------------------------ assessments

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<AssessmentRow>> {
    Ok(cooperation_assessments::table
        .find(id)
        .first(conn)
        .optional()?)
}

pub fn find_for_year(
    conn: &mut DbConnection,
    jst_id: i64,
    year: i32,
) -> ApiResult<Option<AssessmentRow>> {
    Ok(cooperation_assessments::table
        .filter(cooperation_assessments::jst_id.eq(jst_id))
        .filter(cooperation_assessments::year.eq(year))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone)]
pub struct AssessmentFilter {
    pub drafts: DraftVisibility,
    pub jst: Option<i64>,
    pub year: Option<i32>,
    pub status: Option<AssessmentStatus>,
    pub updated_since: Option<NaiveDateTime>,
}

/// Assessments in id order; drafts the caller may not see are filtered here.
pub fn list(
    conn: &mut DbConnection,
    filter: &AssessmentFilter,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<AssessmentRow>> {
    use cooperation_assessments::dsl as a;
    let mut query = a::cooperation_assessments.into_boxed();
    match &filter.drafts {
        DraftVisibility::All => {}
        DraftVisibility::OfAssociations(ids) => {
            query = query.filter(
                a::status
                    .ne(AssessmentStatus::Draft)
                    .or(a::jst_id.eq_any(ids.clone())),
            );
        }
    }
    if let Some(jst) = filter.jst {
        query = query.filter(a::jst_id.eq(jst));
    }
    if let Some(year) = filter.year {
        query = query.filter(a::year.eq(year));
    }
    if let Some(status) = filter.status {
        query = query.filter(a::status.eq(status));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(a::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(a::id.gt(cursor.id));
    }
    Ok(query.order(a::id.asc()).limit(page.fetch()).load(conn)?)
}

/// The published assessments of one JST, oldest year first.
pub fn published_of(conn: &mut DbConnection, jst_id: i64) -> ApiResult<Vec<AssessmentRow>> {
    Ok(cooperation_assessments::table
        .filter(cooperation_assessments::jst_id.eq(jst_id))
        .filter(cooperation_assessments::status.eq(AssessmentStatus::Published))
        .order(cooperation_assessments::year.asc())
        .load(conn)?)
}

/// The published assessments of a year, of JSTs in `voivodeship` (all when `None`).
pub fn published_in(
    conn: &mut DbConnection,
    year: i32,
    voivodeship: Option<Voivodeship>,
) -> ApiResult<Vec<AssessmentRow>> {
    let mut query = cooperation_assessments::table
        .inner_join(organizations::table)
        .filter(cooperation_assessments::year.eq(year))
        .filter(cooperation_assessments::status.eq(AssessmentStatus::Published))
        .select(cooperation_assessments::all_columns)
        .into_boxed();
    if let Some(voivodeship) = voivodeship {
        query = query.filter(organizations::voivodeship.eq(voivodeship));
    }
    Ok(query
        .order((organizations::sort_name.asc(), organizations::id.asc()))
        .load(conn)?)
}

// ------------------------------------------------------------------ codes and answers

pub fn insert_codes(conn: &mut DbConnection, codes: &[NewSurveyCode<'_>]) -> ApiResult<()> {
    // One statement per row: the multi-backend connection has no batch insert.
    for code in codes {
        diesel::insert_into(cooperation_survey_codes::table)
            .values(code)
            .execute(conn)?;
    }
    Ok(())
}

pub fn code_by_hash(conn: &mut DbConnection, hash: &str) -> ApiResult<Option<SurveyCodeRow>> {
    Ok(cooperation_survey_codes::table
        .filter(cooperation_survey_codes::code_hash.eq(hash))
        .first(conn)
        .optional()?)
}

/// Marks the code used if it still is unused; `false` when another answer took it
/// first. The condition is in the statement: of two racing answers one updates the
/// row, the other (after the first commits, on PostgreSQL) finds `used_at` set.
pub fn claim_code(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> ApiResult<bool> {
    let updated = diesel::update(
        cooperation_survey_codes::table
            .filter(cooperation_survey_codes::id.eq(id))
            .filter(cooperation_survey_codes::used_at.is_null()),
    )
    .set(cooperation_survey_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn insert_response(
    conn: &mut DbConnection,
    response: &NewResponse,
    answers: &[(String, Option<i32>)],
) -> ApiResult<i64> {
    let id = diesel::insert_into(cooperation_responses::table)
        .values(response)
        .returning(cooperation_responses::id)
        .get_result::<i64>(conn)?;
    for (code, score) in answers {
        diesel::insert_into(cooperation_answers::table)
            .values(NewAnswer {
                response_id: id,
                indicator_code: code,
                score: *score,
            })
            .execute(conn)?;
    }
    Ok(id)
}

/// One answer with its response: `(response id, group, indicator code, score)`.
pub type AnswerRow = (i64, RespondentGroup, String, Option<i32>);

/// Every response of an assessment with its answers, response by response.
pub fn answers(conn: &mut DbConnection, assessment_id: i64) -> ApiResult<Vec<AnswerRow>> {
    // Every response holds at least one answer (the request needs one).
    Ok(cooperation_responses::table
        .inner_join(cooperation_answers::table)
        .filter(cooperation_responses::assessment_id.eq(assessment_id))
        .select((
            cooperation_responses::id,
            cooperation_responses::respondent_group,
            cooperation_answers::indicator_code,
            cooperation_answers::score,
        ))
        .order((
            cooperation_responses::id.asc(),
            cooperation_answers::id.asc(),
        ))
        .load(conn)?)
}
