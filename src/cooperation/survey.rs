//! Surveys without accounts: one-time codes per respondent group, shown once and
//! stored hashed (like API tokens); the questionnaire behind a code; the answer, which
//! uses the code up. Answers are anonymous: the response keeps its group only, never
//! its code, and no personal data is asked for. They are plain rows, not versioned
//! objects, so the change feed never shows them.

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::distr::Alphanumeric;

use super::dto::{
    CreateInvitations, CreateSurveyResponse, Invitations, ResponseReceipt, Survey, SurveyArea,
    SurveyQuestion,
};
use super::model::{AssessmentRow, AssessmentStatus, NewResponse, NewSurveyCode, SurveyCodeRow};
use super::repo;
use super::service::{content, load_visible};
use crate::auth::Principal;
use crate::auth::policy;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::http::AppState;
use crate::organizations::service::Summaries;
use crate::write::{self, Action, Actor};

/// What a code starts with (`wsp_`: współpraca), so it is recognisable when pasted.
pub const CODE_PREFIX: &str = "wsp_";

/// How to answer, as the questionnaire says it.
const SCALE: &str = "0 (nie) – 5 (w pełni); null: nie wiem";

fn new_code() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    format!("{CODE_PREFIX}{random}")
}

fn hash(code: &str) -> String {
    crate::auth::credentials::hash_secret(code.trim())
}

pub(crate) async fn invite(
    state: &AppState,
    principal: &Principal,
    id: i64,
    body: CreateInvitations,
) -> ApiResult<Invitations> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let assessment = load_visible(conn, &principal, id)?;
            policy::can_manage_assessment(&principal, assessment.jst_id)?;
            if !matches!(
                assessment.status,
                AssessmentStatus::Draft | AssessmentStatus::Collecting
            ) {
                return Err(ApiError::new(
                    Code::SurveyNotOpen,
                    format!(
                        "codes are issued while the assessment is a draft or collecting; it is {}",
                        assessment.status
                    ),
                ));
            }
            let codes: Vec<String> = (0..body.count).map(|_| new_code()).collect();
            let hashes: Vec<String> = codes.iter().map(|c| hash(c)).collect();
            let now = crate::time::now();
            let rows: Vec<NewSurveyCode<'_>> = hashes
                .iter()
                .map(|h| NewSurveyCode {
                    assessment_id: id,
                    respondent_group: body.group,
                    code_hash: h,
                    created_at: now,
                })
                .collect();
            repo::insert_codes(conn, &rows)?;
            write::record_change(
                conn,
                &principal.actor(),
                Action::Issue,
                "cooperation_survey_codes",
                id,
                Some(serde_json::json!({"group": body.group, "count": body.count})),
            )?;
            Ok(Invitations {
                assessment_id: id,
                group: body.group,
                codes,
            })
        })
        .await
}

/// The code and its assessment, if the code may still answer: 404 for an unknown code,
/// 409 `survey_code_used` for a used one, 409 `survey_not_open` unless collecting.
fn open_code(conn: &mut DbConnection, code: &str) -> ApiResult<(SurveyCodeRow, AssessmentRow)> {
    let unknown = || ApiError::not_found("no survey has this code");
    let row = repo::code_by_hash(conn, &hash(code))?.ok_or_else(unknown)?;
    if row.used_at.is_some() {
        return Err(used());
    }
    let assessment = repo::find(conn, row.assessment_id)?.ok_or_else(unknown)?;
    if assessment.status != AssessmentStatus::Collecting {
        return Err(ApiError::new(
            Code::SurveyNotOpen,
            format!(
                "this survey is not collecting answers (the assessment is {})",
                assessment.status
            ),
        ));
    }
    Ok((row, assessment))
}

fn used() -> ApiError {
    ApiError::new(
        Code::SurveyCodeUsed,
        "this code has already answered the survey",
    )
}

/// The assessed areas of an assessment with their indicators, from its catalogue version.
pub(crate) fn assessed_areas(
    conn: &mut DbConnection,
    assessment: &AssessmentRow,
) -> ApiResult<Vec<(String, super::dto::StandardArea)>> {
    let catalogue = repo::catalogue(conn, assessment.catalogue_id)?.ok_or_else(|| {
        ApiError::internal(format!("catalogue {} vanished", assessment.catalogue_id))
    })?;
    let codes = assessment.areas();
    Ok(content(&catalogue)?
        .planes
        .into_iter()
        .flat_map(|plane| {
            let plane_code = plane.code;
            plane
                .areas
                .into_iter()
                .map(move |area| (plane_code.clone(), area))
        })
        .filter(|(_, area)| codes.contains(&area.code))
        .collect())
}

pub(crate) async fn questionnaire(state: &AppState, code: String) -> ApiResult<Survey> {
    state
        .run(move |conn| {
            let (code, assessment) = open_code(conn, &code)?;
            let areas = assessed_areas(conn, &assessment)?;
            let jst = Summaries::fetch(conn, vec![assessment.jst_id])?.get(assessment.jst_id)?;
            Ok(Survey {
                assessment_id: assessment.id,
                jst,
                year: assessment.year,
                group: code.respondent_group,
                scale: SCALE.to_owned(),
                areas: areas
                    .into_iter()
                    .map(|(_, area)| SurveyArea {
                        code: area.code,
                        title: area.title,
                        questions: area
                            .indicators
                            .into_iter()
                            .map(|i| SurveyQuestion {
                                code: i.code,
                                question: i.question,
                                description: i.description,
                            })
                            .collect(),
                    })
                    .collect(),
            })
        })
        .await
}

/// Every answer names an indicator of the assessed areas, once (422 otherwise); the
/// 0–5 range is the DTO's.
fn check_answers(known: &HashSet<String>, body: &CreateSurveyResponse) -> ApiResult<()> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, answer) in body.answers.iter().enumerate() {
        let field = format!("answers[{i}].indicator_code");
        if !known.contains(&answer.indicator_code) {
            errors.push(FieldError::new(
                &field,
                "unknown_indicator",
                format!(
                    "{} is not an indicator of the assessed areas",
                    answer.indicator_code
                ),
            ));
        } else if !seen.insert(answer.indicator_code.as_str()) {
            errors.push(FieldError::new(
                &field,
                "duplicate_value",
                format!("{} is answered twice", answer.indicator_code),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

pub(crate) async fn answer(
    state: &AppState,
    code: String,
    body: CreateSurveyResponse,
) -> ApiResult<ResponseReceipt> {
    state
        .transaction(move |conn| {
            let (code_row, assessment) = open_code(conn, &code)?;
            let known: HashSet<String> = assessed_areas(conn, &assessment)?
                .into_iter()
                .flat_map(|(_, area)| area.indicators.into_iter().map(|i| i.code))
                .collect();
            check_answers(&known, &body)?;
            let now = crate::time::now();
            // The guard against a second answer: only one transaction sets `used_at`.
            if !repo::claim_code(conn, code_row.id, now)? {
                return Err(used());
            }
            let answers: Vec<(String, Option<i32>)> = body
                .answers
                .into_iter()
                .map(|a| (a.indicator_code, a.score))
                .collect();
            let response = NewResponse {
                assessment_id: assessment.id,
                respondent_group: code_row.respondent_group,
                submitted_at: now,
            };
            let response_id = repo::insert_response(conn, &response, &answers)?;
            // Anonymous: no actor, and the audit record keeps neither the code nor the scores.
            write::record_change(
                conn,
                &Actor::default(),
                Action::Create,
                "cooperation_response",
                response_id,
                Some(serde_json::json!({"assessment_id": assessment.id, "group": code_row.respondent_group, "answers": answers.len()})),
            )?;
            Ok(ResponseReceipt {
                assessment_id: assessment.id,
                group: code_row.respondent_group,
                answers: answers.len() as i64,
                submitted_at: crate::time::to_utc(now),
            })
        })
        .await
}

/// The responses of an assessment as the arithmetic takes them.
pub(crate) fn responses(
    conn: &mut DbConnection,
    assessment_id: i64,
) -> ApiResult<Vec<super::results::ResponseData>> {
    let mut by_response: HashMap<i64, super::results::ResponseData> = HashMap::new();
    let mut order = Vec::new();
    for (id, group, code, score) in repo::answers(conn, assessment_id)? {
        by_response
            .entry(id)
            .or_insert_with(|| {
                order.push(id);
                super::results::ResponseData {
                    group,
                    answers: Vec::new(),
                }
            })
            .answers
            .push((code, score));
    }
    Ok(order
        .into_iter()
        .filter_map(|id| by_response.remove(&id))
        .collect())
}
