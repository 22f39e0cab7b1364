//! Wire types of the cooperation standard: the catalogue, assessments, survey codes and
//! answers, results and the index over time and side by side.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{AssessmentStatus, RespondentGroup};
use crate::domain::Voivodeship;
use crate::list_query;
use crate::organizations::dto::OrganizationSummary;
use crate::validation::not_blank;

// ------------------------------------------------------------------ the catalogue

/// An indicator: a question answered on the 0–5 scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "I.1.1", "question": "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi?",
    "description": "Narzędzie: tworzenie wieloletnich programów współpracy z NGOs.", "demonstration": true
}))]
pub struct StandardIndicator {
    /// `{area}.{n}`, e.g. `I.1.3`.
    #[validate(length(min = 5, max = 20))]
    #[schema(min_length = 5, max_length = 20, pattern = r"^[IVX]+\.[0-9]+\.[0-9]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub question: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub description: Option<String>,
    /// `true` for indicators written for the demo ("dane demonstracyjne"): the seed
    /// names the areas and tools, not the questions.
    #[serde(default)]
    pub demonstration: bool,
}

/// An area (obszar) of a plane, with its tools (narzędzia) and indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "I.1", "title": "Współtworzenie przez samorząd terytorialny i organizacje pozarządowe strategii i programów realizacji polityk publicznych oraz rozwiązań instytucjonalnych",
    "description": "Profesjonalne planowanie i realizacja lokalnych polityk.",
    "tools": ["tworzenie wieloletnich programów współpracy z NGOs", "upublicznianie informacji o tworzonych strategiach i programach"],
    "indicators": [{"code": "I.1.1", "question": "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi?", "description": null, "demonstration": true}]
}))]
pub struct StandardArea {
    /// `{plane}.{n}`, e.g. `I.2`.
    #[validate(length(min = 3, max = 10))]
    #[schema(min_length = 3, max_length = 10, pattern = r"^[IVX]+\.[0-9]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[validate(length(max = 30))]
    #[schema(max_items = 30)]
    pub tools: Vec<String>,
    #[validate(length(min = 1, max = 30), nested)]
    #[schema(min_items = 1, max_items = 30)]
    pub indicators: Vec<StandardIndicator>,
}

/// A plane (płaszczyzna) of the standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "I", "title": "Współpraca jednostek samorządu terytorialnego i organizacji pozarządowych w zakresie tworzenia polityk publicznych",
    "description": "Udział NGOs i władz samorządowych w kształtowaniu polityk publicznych, strategii i programów.",
    "areas": [{
        "code": "I.2", "title": "Konsultowanie założeń projektów aktów normatywnych oraz zasad realizacji innych przedsięwzięć",
        "description": null, "tools": ["konsultacje w formie tradycyjnej", "konsultacje w formie innowacyjnej"],
        "indicators": [{"code": "I.2.1", "question": "Czy projekty uchwał dotyczących NGO są konsultowane przed przyjęciem?", "description": null, "demonstration": true}]
    }]
}))]
pub struct StandardPlane {
    /// A Roman numeral: `I`, `II`, `III`.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_length = 1, max_length = 6, pattern = r"^[IVX]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub areas: Vec<StandardArea>,
}

/// The tree as stored in a catalogue version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueContent {
    pub planes: Vec<StandardPlane>,
}

/// One version of the cooperation standard's catalogue: planes → areas → indicators.
/// Versions never change; an edit is a new version (`POST /cooperation-standard/versions`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "title": "Standard współpracy samorządów zachodniopomorskich z III sektorem", "note": null,
    "planes": [{
        "code": "I", "title": "Współpraca jednostek samorządu terytorialnego i organizacji pozarządowych w zakresie tworzenia polityk publicznych",
        "description": "Udział NGOs i władz samorządowych w kształtowaniu polityk publicznych, strategii i programów.",
        "areas": [{
            "code": "I.2", "title": "Konsultowanie założeń projektów aktów normatywnych oraz zasad realizacji innych przedsięwzięć",
            "description": "Uzyskiwanie opinii i stanowisk od podmiotów, których dotkną skutki proponowanych działań.",
            "tools": ["konsultacje tradycyjne (publikowanie projektów aktów prawnych)", "konsultacje innowacyjne (interaktywne strony WWW, grupy fokusowe)"],
            "indicators": [{"code": "I.2.1", "question": "Czy projekty uchwał dotyczących NGO są konsultowane przed przyjęciem?", "description": null, "demonstration": true}]
        }]
    }],
    "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
}))]
pub struct Catalogue {
    /// The catalogue version; assessments name it as `catalogue_id`.
    pub id: i64,
    pub title: String,
    /// What changed against the previous version.
    pub note: Option<String>,
    pub planes: Vec<StandardPlane>,
    /// Always 1: a version is never changed.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A catalogue version in the list of versions (without its tree).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "title": "Standard współpracy samorządów zachodniopomorskich z III sektorem", "note": null, "areas": 6, "indicators": 24, "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"}))]
pub struct CatalogueVersion {
    pub id: i64,
    pub title: String,
    pub note: Option<String>,
    /// How many areas and indicators it holds.
    pub areas: i64,
    pub indicators: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new catalogue version (administrators): the whole tree. Codes nest (`I` → `I.1`
/// → `I.1.1`) and are unique.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Standard współpracy samorządów zachodniopomorskich z III sektorem", "note": "Nowy wskaźnik w obszarze I.2.",
    "planes": [{
        "code": "I", "title": "Współpraca JST i NGO w zakresie tworzenia polityk publicznych",
        "areas": [{
            "code": "I.2", "title": "Konsultowanie założeń projektów aktów normatywnych",
            "tools": ["konsultacje tradycyjne", "konsultacje innowacyjne"],
            "indicators": [{"code": "I.2.1", "question": "Czy projekty uchwał dotyczących NGO są konsultowane przed przyjęciem?"}]
        }]
    }]
}))]
pub struct CreateCatalogue {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub planes: Vec<StandardPlane>,
}

list_query!(
    /// Query of `GET /cooperation-standard/versions`.
    CatalogueListQuery {}
);

crate::page_of!(CatalogueVersionPage, CatalogueVersion);

/// Path parameter: a catalogue version.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CataloguePath {
    /// Numeric id of the catalogue version.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

// ------------------------------------------------------------------ assessments

crate::versioned_dto! {
    /// An assessment of one local government's cooperation with NGOs for one year.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "jst_id": 12,
        "jst": {"id": 12, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
        "year": 2014, "catalogue_id": 1, "area_codes": ["I.1", "I.2"], "status": "published",
        "min_group_size": 5, "demonstration": true,
        "version": 4, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Assessment {
        pub id: i64,
        /// The assessed local government (kind `jst`); its editors run the assessment.
        pub jst_id: i64,
        pub jst: OrganizationSummary,
        pub year: i32,
        /// The catalogue version the assessment was made with (kept when the catalogue
        /// gets a new version).
        pub catalogue_id: i64,
        /// The assessed areas, in catalogue order.
        pub area_codes: Vec<String>,
        pub status: AssessmentStatus,
        /// Fewer responses of a group than this and its columns are not shown.
        pub min_group_size: i32,
        /// `true` when the answers were generated for the demo data set.
        pub demonstration: bool,
    }
}

/// A new assessment, created as a `draft` (administrators and the JST's editors).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"jst_id": 12, "year": 2014, "area_codes": ["I.1", "I.2"], "min_group_size": 5}))]
pub struct CreateAssessment {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub jst_id: i64,
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The areas to assess (the seed: the two obligatory areas of the plane the local
    /// government chose), each once.
    #[validate(length(min = 1, max = 30))]
    #[schema(min_items = 1, max_items = 30)]
    pub area_codes: Vec<String>,
    /// Default 5.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_group_size: Option<i32>,
    /// The catalogue version to use; default the current one.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub catalogue_id: Option<i64>,
}

/// Changes to an assessment (merge patch): `year`, `area_codes` and `catalogue_id`
/// only while it is a draft, `min_group_size` until it is published. The status
/// changes only through `/transitions`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"area_codes": ["II.1", "II.2"]}))]
pub struct UpdateAssessment {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[validate(length(min = 1, max = 30))]
    #[schema(min_items = 1, max_items = 30)]
    pub area_codes: Option<Vec<String>>,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_group_size: Option<i32>,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub catalogue_id: Option<i64>,
}

/// A move in the lifecycle: `collecting` (from `draft`, or back from `closed`),
/// `closed`, `published`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "collecting"}))]
pub struct AssessmentTransition {
    pub to: AssessmentStatus,
}

list_query!(
    /// Filters of `GET /cooperation-assessments`.
    AssessmentListQuery {
        /// Only assessments of this local government (id).
        #[param(minimum = 1, example = 12)]
        #[validate(range(min = 1))]
        jst: Option<i64>,
        /// Only assessments of this year.
        #[param(minimum = 2000, maximum = 2100, example = 2014)]
        #[validate(range(min = 2000, max = 2100))]
        year: Option<i32>,
        /// Only assessments in this status (drafts only for those who may see them).
        status: Option<AssessmentStatus>,
    }
);

crate::page_of!(AssessmentPage, Assessment);

/// Path parameter: an assessment id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AssessmentPath {
    /// Numeric id of the assessment.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

// ------------------------------------------------------------------ surveys

/// How many one-time codes to issue, for which group.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"group": "ngo", "count": 20}))]
pub struct CreateInvitations {
    pub group: RespondentGroup,
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500)]
    pub count: i32,
}

/// Issued codes: shown this once (only their hashes are stored). Hand one to each
/// respondent; each answers once at `POST /cooperation-surveys/{code}/responses`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"assessment_id": 1, "group": "ngo", "codes": ["wsp_7fK2mQ9xTb3LpZ8vRn4C", "wsp_Qh5Wc2Lr8TzX1mNp6BvD"]}))]
pub struct Invitations {
    pub assessment_id: i64,
    pub group: RespondentGroup,
    pub codes: Vec<String>,
}

/// Path parameter: a survey code.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SurveyPath {
    /// The one-time code a respondent was given.
    #[param(example = "wsp_7fK2mQ9xTb3LpZ8vRn4C", min_length = 1, max_length = 100)]
    pub code: String,
}

/// An indicator to answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "I.1.1", "question": "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi?", "description": null}))]
pub struct SurveyQuestion {
    pub code: String,
    pub question: String,
    pub description: Option<String>,
}

/// An assessed area and its questions.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "I.1", "title": "Współtworzenie strategii i programów", "questions": [{"code": "I.1.1", "question": "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi?", "description": null}]}))]
pub struct SurveyArea {
    pub code: String,
    pub title: String,
    pub questions: Vec<SurveyQuestion>,
}

/// The questionnaire behind a code (no account needed; nothing personal is asked).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "assessment_id": 1, "jst": {"id": 12, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
    "year": 2014, "group": "ngo",
    "scale": "0 (nie) – 5 (w pełni); null: nie wiem",
    "areas": [{"code": "I.1", "title": "Współtworzenie strategii i programów", "questions": [{"code": "I.1.1", "question": "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi?", "description": null}]}]
}))]
pub struct Survey {
    pub assessment_id: i64,
    pub jst: OrganizationSummary,
    pub year: i32,
    pub group: RespondentGroup,
    /// How to answer.
    pub scale: String,
    pub areas: Vec<SurveyArea>,
}

/// One answer: a whole number 0–5, or `null` for "don't know".
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"indicator_code": "I.1.1", "score": 4}))]
pub struct AnswerInput {
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub indicator_code: String,
    #[validate(range(min = 0, max = 5))]
    #[schema(minimum = 0, maximum = 5)]
    pub score: Option<i32>,
}

/// The answers of one respondent, to indicators of the assessed areas (each once;
/// those left out count as "don't know").
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": [{"indicator_code": "I.1.1", "score": 4}, {"indicator_code": "I.1.2", "score": null}]}))]
pub struct CreateSurveyResponse {
    #[validate(length(min = 1, max = 300), nested)]
    #[schema(min_items = 1, max_items = 300)]
    pub answers: Vec<AnswerInput>,
}

/// A recorded response (anonymous: nothing links it to its code).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"assessment_id": 1, "group": "ngo", "answers": 2, "submitted_at": "2026-01-15T10:00:00Z"}))]
pub struct ResponseReceipt {
    pub assessment_id: i64,
    pub group: RespondentGroup,
    /// How many answers were recorded.
    pub answers: i64,
    pub submitted_at: DateTime<Utc>,
}

// ------------------------------------------------------------------ results

/// Responses per group.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"jst": 6, "ngo": 7}))]
pub struct GroupCounts {
    pub jst: i64,
    pub ngo: i64,
}

/// The result of one area. Scores are 0–5, rounded to two decimals at the end only.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "I.1", "title": "Współtworzenie przez samorząd terytorialny i organizacje pozarządowe strategii i programów realizacji polityk publicznych oraz rozwiązań instytucjonalnych", "plane": "I", "score_jst": 3.55, "score_ngo": 2.35, "score": 2.95, "gap": 1.2, "suppressed": false}))]
pub struct AreaScore {
    pub code: String,
    pub title: String,
    pub plane: String,
    /// The mean of the non-null scores of the JST staff's answers to the area's
    /// indicators; `null` without answers or when the group is too small to show.
    pub score_jst: Option<f64>,
    /// The same for the NGOs.
    pub score_ngo: Option<f64>,
    /// The mean of the two group means (each group counts the same), or the one
    /// group's mean; a hidden group still counts.
    pub score: Option<f64>,
    /// `score_jst − score_ngo`, when both are shown.
    pub gap: Option<f64>,
    /// `true` when a group had fewer responses than `min_group_size` and its column
    /// is not shown.
    pub suppressed: bool,
}

/// The score of an assessed plane: the mean of its assessed areas.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "I", "score": 2.9}))]
pub struct PlaneScore {
    pub code: String,
    pub score: Option<f64>,
}

/// The local index of cooperation quality of an assessment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "assessment_id": 1, "jst_id": 12, "year": 2014, "catalogue_id": 1, "status": "published", "min_group_size": 5, "demonstration": true,
    "areas": [
        {"code": "I.1", "title": "Współtworzenie przez samorząd terytorialny i organizacje pozarządowe strategii i programów realizacji polityk publicznych oraz rozwiązań instytucjonalnych", "plane": "I", "score_jst": 3.55, "score_ngo": 2.35, "score": 2.95, "gap": 1.2, "suppressed": false},
        {"code": "I.2", "title": "Konsultowanie założeń projektów aktów normatywnych oraz zasad realizacji innych przedsięwzięć", "plane": "I", "score_jst": 3.41, "score_ngo": 2.3, "score": 2.86, "gap": 1.11, "suppressed": false}
    ],
    "planes": [{"code": "I", "score": 2.9}], "index": 2.9,
    "strengths": ["I.1"], "weaknesses": ["I.2"], "responses": {"jst": 6, "ngo": 7}
}))]
pub struct AssessmentResults {
    pub assessment_id: i64,
    pub jst_id: i64,
    pub year: i32,
    pub catalogue_id: i64,
    pub status: AssessmentStatus,
    pub min_group_size: i32,
    pub demonstration: bool,
    pub areas: Vec<AreaScore>,
    pub planes: Vec<PlaneScore>,
    /// The mean of the assessed planes (0–5); `null` without answers.
    pub index: Option<f64>,
    /// The area codes with the highest score.
    pub strengths: Vec<String>,
    /// The area codes with the lowest score.
    pub weaknesses: Vec<String>,
    pub responses: GroupCounts,
}

// ------------------------------------------------------------------ over time, side by side

/// One published index: of a year (a JST's series) or of a JST (side by side).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "assessment_id": 1, "jst": {"id": 12, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
    "teryt": "3262011", "year": 2014, "index": 2.9, "planes": [{"code": "I", "score": 2.9}],
    "responses": {"jst": 6, "ngo": 7}, "demonstration": true
}))]
pub struct IndexEntry {
    pub assessment_id: i64,
    pub jst: OrganizationSummary,
    pub teryt: Option<String>,
    pub year: i32,
    pub index: Option<f64>,
    pub planes: Vec<PlaneScore>,
    pub responses: GroupCounts,
    pub demonstration: bool,
}

/// Published indexes: a JST's by year (oldest first), or a voivodeship's for a year
/// (by name of the JST). The whole set, not paginated (one row per JST and year).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "assessment_id": 1, "jst": {"id": 12, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
    "teryt": "3262011", "year": 2014, "index": 2.9, "planes": [{"code": "I", "score": 2.9}],
    "responses": {"jst": 6, "ngo": 7}, "demonstration": true
}]}))]
pub struct IndexTable {
    pub items: Vec<IndexEntry>,
}

/// Path parameter: a local government.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JstPath {
    /// Numeric id of the organization (kind `jst`).
    #[param(example = 12, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

/// Query of `GET /cooperation-index`.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    /// The year.
    #[param(minimum = 2000, maximum = 2100, example = 2014)]
    #[validate(range(min = 2000, max = 2100))]
    pub year: i32,
    /// Only local governments of this voivodeship.
    pub voivodeship: Option<Voivodeship>,
}
