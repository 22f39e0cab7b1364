//! AssessmentResults of an assessment, and the published indexes over time (a JST by year) and
//! side by side (a voivodeship's JSTs for a year), as JSON and as CSV for spreadsheets.

use super::dto::{
    AreaScore, AssessmentResults, GroupCounts, IndexEntry, IndexQuery, IndexTable, PlaneScore,
};
use super::model::{AssessmentRow, AssessmentStatus};
use super::repo;
use super::results::{AreaSpec, Computed, compute};
use super::service::load_visible;
use super::survey::{assessed_areas, responses};
use crate::auth::Principal;
use crate::auth::policy;
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::AppState;
use crate::organizations::service::Summaries;

/// The computed results of an assessment, with the titles and planes of its areas.
fn computed(
    conn: &mut DbConnection,
    assessment: &AssessmentRow,
) -> ApiResult<(Computed, Vec<(String, String)>)> {
    let areas = assessed_areas(conn, assessment)?;
    let specs: Vec<AreaSpec> = areas
        .iter()
        .map(|(plane, area)| AreaSpec {
            code: area.code.clone(),
            plane: plane.clone(),
            indicators: area.indicators.iter().map(|i| i.code.clone()).collect(),
        })
        .collect();
    let titles = areas
        .into_iter()
        .map(|(plane, a)| (plane, a.title))
        .collect();
    let data = responses(conn, assessment.id)?;
    Ok((
        compute(&specs, &data, i64::from(assessment.min_group_size)),
        titles,
    ))
}

fn planes(computed: &Computed) -> Vec<PlaneScore> {
    computed
        .planes
        .iter()
        .map(|p| PlaneScore {
            code: p.code.clone(),
            score: p.score,
        })
        .collect()
}

fn counts(computed: &Computed) -> GroupCounts {
    GroupCounts {
        jst: computed.responses_jst,
        ngo: computed.responses_ngo,
    }
}

pub(crate) async fn results(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<AssessmentResults> {
    let principal = principal.clone();
    state
        .db
        .run(move |conn| {
            let assessment = load_visible(conn, &principal, id)?;
            if assessment.status != AssessmentStatus::Published
                && !policy::can_see_assessment_internals(&principal, assessment.jst_id)
            {
                return Err(ApiError::new(
                    Code::ResultsNotPublished,
                    format!(
                        "the results are shown once the assessment is published; it is {}",
                        assessment.status
                    ),
                ));
            }
            let (computed, titles) = computed(conn, &assessment)?;
            Ok(AssessmentResults {
                assessment_id: assessment.id,
                jst_id: assessment.jst_id,
                year: assessment.year,
                catalogue_id: assessment.catalogue_id,
                status: assessment.status,
                min_group_size: assessment.min_group_size,
                demonstration: assessment.demonstration,
                planes: planes(&computed),
                responses: counts(&computed),
                areas: computed
                    .areas
                    .into_iter()
                    .zip(titles)
                    .map(|(a, (plane, title))| AreaScore {
                        code: a.code,
                        title,
                        plane,
                        score_jst: a.score_jst,
                        score_ngo: a.score_ngo,
                        score: a.score,
                        gap: a.gap,
                        suppressed: a.suppressed,
                    })
                    .collect(),
                index: computed.index,
                strengths: computed.strengths,
                weaknesses: computed.weaknesses,
            })
        })
        .await
}

/// The index entries of these published assessments, in their order.
fn entries(conn: &mut DbConnection, rows: Vec<AssessmentRow>) -> ApiResult<Vec<IndexEntry>> {
    let jsts = Summaries::fetch(conn, rows.iter().map(|r| r.jst_id).collect())?;
    let organizations = crate::organizations::repo::find_many(
        conn,
        &rows.iter().map(|r| r.jst_id).collect::<Vec<_>>(),
    )?;
    rows.into_iter()
        .map(|row| {
            let (computed, _) = computed(conn, &row)?;
            Ok(IndexEntry {
                assessment_id: row.id,
                jst: jsts.get(row.jst_id)?,
                teryt: organizations
                    .iter()
                    .find(|o| o.id == row.jst_id)
                    .and_then(|o| o.teryt.clone()),
                year: row.year,
                index: computed.index,
                planes: planes(&computed),
                responses: counts(&computed),
                demonstration: row.demonstration,
            })
        })
        .collect()
}

/// `GET /organizations/{id}/cooperation-index`: 404 unless the organization is a JST.
pub(crate) async fn series(state: &AppState, jst_id: i64) -> ApiResult<IndexTable> {
    state
        .db
        .run(move |conn| {
            crate::organizations::repo::find(conn, jst_id)?
                .filter(|o| o.kind == OrganizationKind::Jst)
                .ok_or_else(|| {
                    ApiError::not_found(format!("local government {jst_id} does not exist"))
                })?;
            let rows = repo::published_of(conn, jst_id)?;
            Ok(IndexTable {
                items: entries(conn, rows)?,
            })
        })
        .await
}

/// `GET /cooperation-index?year=&voivodeship=`.
pub(crate) async fn side_by_side(state: &AppState, query: IndexQuery) -> ApiResult<IndexTable> {
    state
        .db
        .run(move |conn| {
            let rows = repo::published_in(conn, query.year, query.voivodeship)?;
            Ok(IndexTable {
                items: entries(conn, rows)?,
            })
        })
        .await
}

/// A score as Polish spreadsheets read it: a decimal comma, two decimals; empty for none.
fn number(value: Option<f64>) -> String {
    value
        .map(|v| format!("{v:.2}").replace('.', ","))
        .unwrap_or_default()
}

/// The value of a plane's Roman numeral, for the order of the columns (`II` before `III`
/// whichever entry came first).
fn roman(code: &str) -> u32 {
    let digit = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        _ => 0,
    };
    let digits: Vec<u32> = code.chars().map(digit).collect();
    digits
        .iter()
        .enumerate()
        .map(|(i, d)| match digits.get(i + 1) {
            Some(next) if next > d => 0_u32.wrapping_sub(*d),
            _ => *d,
        })
        .fold(0_u32, u32::wrapping_add)
}

/// The table as CSV (`;`, UTF-8 with BOM, every cell through the formula guard): one
/// row per entry, a column per plane any entry has.
pub(crate) fn csv(table: &IndexTable) -> ApiResult<Vec<u8>> {
    let mut plane_codes: Vec<String> = Vec::new();
    for entry in &table.items {
        for plane in &entry.planes {
            if !plane_codes.contains(&plane.code) {
                plane_codes.push(plane.code.clone());
            }
        }
    }
    plane_codes.sort_by_key(|code| roman(code));
    let mut header: Vec<String> = ["Rok", "TERYT", "JST", "Indeks"]
        .map(str::to_owned)
        .to_vec();
    header.extend(plane_codes.iter().map(|c| format!("Płaszczyzna {c}")));
    header.extend(["Odpowiedzi JST", "Odpowiedzi NGO", "Dane demonstracyjne"].map(str::to_owned));
    let rows = table.items.iter().map(|entry| {
        let mut row = vec![
            entry.year.to_string(),
            entry.teryt.clone().unwrap_or_default(),
            entry.jst.name.clone(),
            number(entry.index),
        ];
        row.extend(plane_codes.iter().map(|code| {
            number(
                entry
                    .planes
                    .iter()
                    .find(|p| &p.code == code)
                    .and_then(|p| p.score),
            )
        }));
        row.push(entry.responses.jst.to_string());
        row.push(entry.responses.ngo.to_string());
        row.push(if entry.demonstration { "tak" } else { "nie" }.to_owned());
        row
    });
    crate::spreadsheet::csv_table(&header, rows)
}
