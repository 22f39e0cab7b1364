//! Wire types of consultations (the rules that tie their fields together are in `service`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::model::{ConsultationFields, ConsultationLinks, DocumentData, forms_column};
use crate::domain::{
    ConsultationDirection, ConsultationForm, ConsultationStatus, Eligibility, PositionKind,
    PositionStatus, RegisterNumber, SubjectKind, WebUrl,
};
use crate::organizations::dto::OrganizationSummary;
use crate::positions::dto::{Legislation, LegislationInput};
use crate::validation::{double_option, double_option_object, not_blank, objects, optional_object};
use crate::validation::{set, trimmed};

/// Most documents a consultation carries.
pub const MAX_DOCUMENTS: usize = 50;
/// Most invited organizations.
pub const MAX_INVITED: usize = 500;

/// A document put to consultation: a link, or Markdown text.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "title": "Projekt Rocznego programu współpracy z organizacjami pozarządowymi na 2026 rok",
    "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf",
    "text": null,
    "version": "1"
}))]
pub struct Document {
    pub title: String,
    /// Where the document is (absent when it is given as `text`).
    pub url: Option<String>,
    /// The document in Markdown (absent when it is given as `url`).
    pub text: Option<String>,
    /// Which version of the draft this is, e.g. `1`, `2 (po konsultacjach)`.
    pub version: String,
}

impl From<DocumentData> for Document {
    fn from(data: DocumentData) -> Self {
        Document {
            title: data.title,
            url: data.url,
            text: data.text,
            version: data.version,
        }
    }
}

/// A position that answers the consultation (e.g. an association's opinion on a draft law).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "id": 1, "association_id": 1,
    "association": {"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"},
    "number": "4/2023", "kind": "opinion",
    "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
    "status": "sent", "adopted_on": "2023-02-28", "sent_on": "2023-03-07"
}))]
pub struct AnsweringPosition {
    pub id: i64,
    pub association_id: i64,
    pub association: OrganizationSummary,
    pub number: Option<String>,
    pub kind: PositionKind,
    pub title: Option<String>,
    pub status: PositionStatus,
    pub adopted_on: Option<NaiveDate>,
    pub sent_on: Option<NaiveDate>,
}

/// A consultation (konsultacje) with its window, documents and the positions that answer it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "organizer_id": 30,
    "organizer": {"id": 30, "slug": "gmina-miasto-szczecin", "name": "Gmina Miasto Szczecin", "short_name": "Szczecin", "kind": "jst"},
    "direction": "outbound",
    "title": "Konsultacje projektu Rocznego programu współpracy Gminy Miasto Szczecin z organizacjami pozarządowymi na 2026 rok",
    "description": "Zapraszamy organizacje pozarządowe do zgłaszania uwag do projektu programu współpracy.",
    "subject_kind": "programme",
    "legislation": null,
    "legal_basis": "art. 5 ust. 5 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o wolontariacie",
    "forms": ["online", "written", "meeting"],
    "eligibility": "public", "invited_ids": [], "invited": [],
    "opens_at": "2025-10-01T06:00:00Z", "closes_at": "2025-10-16T22:00:00Z",
    "minimum_days": 14, "shortened_reason": null,
    "status": "report_published", "announced_at": "2025-09-24T08:00:00Z", "report_published_on": "2025-10-30",
    "documents": [{"title": "Projekt programu współpracy na 2026 rok", "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf", "text": null, "version": "1"}],
    "comment_count": 6,
    "positions": [],
    "version": 9, "created_at": "2025-09-22T10:00:00Z", "updated_at": "2025-10-30T12:00:00Z"
}))]
pub struct Consultation {
    pub id: i64,
    /// Who consults.
    pub organizer_id: i64,
    pub organizer: OrganizationSummary,
    pub direction: ConsultationDirection,
    pub title: String,
    /// Markdown.
    pub description: Option<String>,
    pub subject_kind: SubjectKind,
    /// The draft law or regulation consulted, if any.
    pub legislation: Option<Legislation>,
    /// The legal basis of the consultation.
    pub legal_basis: Option<String>,
    pub forms: Vec<ConsultationForm>,
    pub eligibility: Eligibility,
    /// The organizations invited to comment (eligibility `invited`).
    pub invited_ids: Vec<i64>,
    pub invited: Vec<OrganizationSummary>,
    /// Comments are accepted from this instant …
    pub opens_at: DateTime<Utc>,
    /// … until this one (exclusive).
    pub closes_at: DateTime<Utc>,
    /// The shortest window for this subject kind (configuration); a shorter one carries a
    /// `shortened_reason`.
    pub minimum_days: u32,
    pub shortened_reason: Option<String>,
    /// Computed from the stored state and the current time: an announced consultation
    /// is `open` from `opens_at` and `closed` from `closes_at`.
    pub status: ConsultationStatus,
    /// When the consultation was announced (it is public from then on).
    pub announced_at: Option<DateTime<Utc>>,
    /// The day the report on the comments was published.
    pub report_published_on: Option<NaiveDate>,
    pub documents: Vec<Document>,
    /// How many comments were submitted or recorded.
    pub comment_count: i64,
    /// The positions that answer this consultation (those the caller may see).
    pub positions: Vec<AnsweringPosition>,
    /// Incremented on every change of the consultation itself (not by comments, nor by
    /// the clock); also sent as the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A document to put to consultation: give `url` or Markdown `text`, not both.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Projekt Rocznego programu współpracy z organizacjami pozarządowymi na 2026 rok",
    "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf",
    "version": "1"
}))]
pub struct DocumentInput {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    pub url: Option<WebUrl>,
    /// Markdown.
    #[validate(length(min = 1, max = 100000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100000)]
    pub text: Option<String>,
    /// Which version of the draft this is (`1` when left out).
    #[validate(length(min = 1, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50)]
    pub version: Option<String>,
}

impl From<DocumentInput> for DocumentData {
    fn from(input: DocumentInput) -> Self {
        DocumentData {
            title: input.title.trim().to_owned(),
            url: input.url.map(String::from),
            text: input.text,
            version: input
                .version
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| "1".to_owned()),
        }
    }
}

/// Instants of consultations and their comments lie in the era of restored local
/// government (1990-2100).
pub(crate) fn plausible_instant(instant: &DateTime<Utc>) -> Result<(), ValidationError> {
    if (1990..=2100).contains(&instant.year()) {
        Ok(())
    } else {
        let mut error = ValidationError::new("date_out_of_range");
        error.message = Some("an instant between 1990-01-01 and 2100-12-31".into());
        Err(error)
    }
}

/// A new consultation; it starts as a `draft` (announce it with `/transitions`).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "organizer_id": 30, "direction": "outbound",
    "title": "Konsultacje projektu Rocznego programu współpracy Gminy Miasto Szczecin z organizacjami pozarządowymi na 2026 rok",
    "description": "Zapraszamy organizacje pozarządowe do zgłaszania uwag do projektu programu współpracy.",
    "subject_kind": "programme",
    "legal_basis": "art. 5 ust. 5 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o wolontariacie",
    "forms": ["online", "written", "meeting"],
    "eligibility": "public",
    "opens_at": "2025-10-01T06:00:00Z", "closes_at": "2025-10-16T22:00:00Z",
    "documents": [{"title": "Projekt programu współpracy na 2026 rok", "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf", "version": "1"}]
}))]
pub struct CreateConsultation {
    /// The organization that consults.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organizer_id: i64,
    pub direction: ConsultationDirection,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// Markdown.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub subject_kind: SubjectKind,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub legislation: Option<LegislationInput>,
    #[validate(length(min = 1, max = 1000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub legal_basis: Option<String>,
    /// The forms of the consultation (a set; repeats are ignored).
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5)]
    pub forms: Vec<ConsultationForm>,
    pub eligibility: Eligibility,
    /// The organizations invited to comment; only with eligibility `invited`.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub invited_ids: Vec<i64>,
    /// Start of the window (1990-2100).
    #[validate(custom(function = "plausible_instant"))]
    pub opens_at: DateTime<Utc>,
    /// End of the window (after `opens_at`; 1990-2100).
    #[validate(custom(function = "plausible_instant"))]
    pub closes_at: DateTime<Utc>,
    /// Required when the window is shorter than the minimum for the subject kind.
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub shortened_reason: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub documents: Vec<DocumentInput>,
}

fn legislation_columns(fields: &mut ConsultationFields, legislation: Option<LegislationInput>) {
    let (register_number, title, url) = match legislation {
        Some(l) => (l.register_number, l.title, l.url),
        None => (None, None, None),
    };
    fields.legislation_register_number = register_number.map(String::from);
    fields.legislation_title = trimmed(title);
    fields.legislation_url = url.map(String::from);
}

/// Invited organizations in a canonical order, without repeats.
fn canonical_ids(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl CreateConsultation {
    /// The stored state of the new draft and its related rows.
    pub fn into_parts(self) -> (ConsultationFields, ConsultationLinks) {
        let mut fields = ConsultationFields {
            organizer_id: self.organizer_id,
            direction: self.direction,
            title: self.title.trim().to_owned(),
            description: self.description,
            subject_kind: self.subject_kind,
            legislation_register_number: None,
            legislation_title: None,
            legislation_url: None,
            legal_basis: trimmed(self.legal_basis),
            forms: forms_column(&self.forms),
            eligibility: self.eligibility,
            opens_at: crate::time::from_utc(self.opens_at),
            closes_at: crate::time::from_utc(self.closes_at),
            shortened_reason: trimmed(self.shortened_reason),
            status: ConsultationStatus::Draft,
            announced_at: None,
            report_published_on: None,
        };
        legislation_columns(&mut fields, self.legislation);
        let links = ConsultationLinks {
            invited_ids: canonical_ids(self.invited_ids),
            documents: self.documents.into_iter().map(Into::into).collect(),
        };
        (fields, links)
    }
}

/// Changes to a consultation (JSON merge patch): absent fields stay, `null` clears;
/// lists (`forms`, `invited_ids`, `documents`) replace the whole list. The status
/// changes only through `/transitions`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "closes_at": "2025-10-23T22:00:00Z",
    "documents": [
        {"title": "Projekt programu współpracy na 2026 rok", "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf", "version": "1"},
        {"title": "Projekt programu współpracy na 2026 rok (z autopoprawką)", "url": "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026-v2.pdf", "version": "2"}
    ]
}))]
pub struct UpdateConsultation {
    /// Another organizer (drafts only).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organizer_id: Option<i64>,
    pub direction: Option<ConsultationDirection>,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub description: Option<Option<String>>,
    pub subject_kind: Option<SubjectKind>,
    #[serde(default, deserialize_with = "double_option_object")]
    #[validate(nested)]
    #[schema(value_type = Option<LegislationInput>)]
    pub legislation: Option<Option<LegislationInput>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 1000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1000)]
    pub legal_basis: Option<Option<String>>,
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5)]
    pub forms: Option<Vec<ConsultationForm>>,
    /// Fixed once the consultation is open.
    pub eligibility: Option<Eligibility>,
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub invited_ids: Option<Vec<i64>>,
    /// Fixed once the consultation is open.
    #[validate(custom(function = "plausible_instant"))]
    pub opens_at: Option<DateTime<Utc>>,
    /// Once open, the window may only be extended; fixed once closed.
    #[validate(custom(function = "plausible_instant"))]
    pub closes_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000)]
    pub shortened_reason: Option<Option<String>>,
    #[serde(default, deserialize_with = "optional_objects")]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub documents: Option<Vec<DocumentInput>>,
}

/// [`objects`] for an optional list (absent: `None`; `null` is refused as the list is not nullable).
fn optional_objects<'de, D>(deserializer: D) -> Result<Option<Vec<DocumentInput>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    objects(deserializer).map(Some)
}

impl UpdateConsultation {
    /// Applies the patch to the current state.
    pub fn apply(self, fields: &mut ConsultationFields, links: &mut ConsultationLinks) {
        set(&mut fields.organizer_id, self.organizer_id);
        set(&mut fields.direction, self.direction);
        set(&mut fields.title, self.title.map(|t| t.trim().to_owned()));
        set(&mut fields.description, self.description);
        set(&mut fields.subject_kind, self.subject_kind);
        if let Some(legislation) = self.legislation {
            legislation_columns(fields, legislation);
        }
        set(&mut fields.legal_basis, self.legal_basis.map(trimmed));
        set(&mut fields.forms, self.forms.map(|f| forms_column(&f)));
        set(&mut fields.eligibility, self.eligibility);
        set(
            &mut fields.opens_at,
            self.opens_at.map(crate::time::from_utc),
        );
        set(
            &mut fields.closes_at,
            self.closes_at.map(crate::time::from_utc),
        );
        set(
            &mut fields.shortened_reason,
            self.shortened_reason.map(trimmed),
        );
        set(&mut links.invited_ids, self.invited_ids.map(canonical_ids));
        set(
            &mut links.documents,
            self.documents
                .map(|d| d.into_iter().map(Into::into).collect()),
        );
    }
}

/// A move in the lifecycle.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "announced", "note": "Ogłoszenie w BIP i na stronie internetowej miasta."}))]
pub struct TransitionRequest {
    /// `announced`, `report_published` or `cancelled` (`open` and `closed` follow the clock).
    pub to: ConsultationStatus,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// One move of a consultation's lifecycle. The creation is the first entry; the moves
/// to `open` and `closed` are made by the clock (`automatic`, without an id).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "from": "draft", "to": "announced", "at": "2025-09-24T08:00:00Z",
    "note": "Ogłoszenie w BIP i na stronie internetowej miasta.", "actor_user_id": 2, "automatic": false
}))]
pub struct ConsultationTransition {
    /// `null` for the clock's moves, which are not stored.
    pub id: Option<i64>,
    /// The status before (`null` for the creation).
    pub from: Option<ConsultationStatus>,
    pub to: ConsultationStatus,
    /// When the move happened.
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// The person who made the move (`null` for the clock, API tokens and demo data).
    pub actor_user_id: Option<i64>,
    /// True for the moves the clock makes (`open` at `opens_at`, `closed` at `closes_at`).
    pub automatic: bool,
}

/// Every move of a consultation, oldest first (not paginated: a lifecycle is short).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {"id": 10, "from": null, "to": "draft", "at": "2025-09-22T10:00:00Z", "note": null, "actor_user_id": 2, "automatic": false},
    {"id": 12, "from": "draft", "to": "announced", "at": "2025-09-24T08:00:00Z", "note": "Ogłoszenie w BIP.", "actor_user_id": 2, "automatic": false},
    {"id": null, "from": "announced", "to": "open", "at": "2025-10-01T06:00:00Z", "note": null, "actor_user_id": null, "automatic": true},
    {"id": null, "from": "open", "to": "closed", "at": "2025-10-16T22:00:00Z", "note": null, "actor_user_id": null, "automatic": true},
    {"id": 31, "from": "closed", "to": "report_published", "at": "2025-10-30T12:00:00Z", "note": "Sprawozdanie opublikowane w BIP.", "actor_user_id": 2, "automatic": false}
]}))]
pub struct ConsultationHistory {
    pub items: Vec<ConsultationTransition>,
}

crate::text_enum_sort!(
    /// Orders of the consultation list.
    ConsultationSort {
        OpensAtDesc => "-opens_at",
        OpensAt => "opens_at",
        ClosesAt => "closes_at",
        ClosesAtDesc => "-closes_at",
        UpdatedAtDesc => "-updated_at",
        UpdatedAt => "updated_at",
    }
);

crate::list_query!(
    /// Filters of `GET /consultations`.
    ConsultationListQuery {
        /// Only consultations of this organizer (id).
        #[param(minimum = 1, example = 30)]
        #[validate(range(min = 1))]
        organizer: Option<i64>,
        /// Only outbound or only inbound consultations.
        direction: Option<ConsultationDirection>,
        /// Only consultations of this subject kind.
        subject_kind: Option<SubjectKind>,
        /// Only consultations in this status now (drafts only for those who may see them).
        status: Option<ConsultationStatus>,
        /// Only consultations open to this group.
        eligibility: Option<Eligibility>,
        /// Only consultations of the draft with this register number.
        #[param(value_type = Option<String>, pattern = r"^[A-Z]{2,4}[0-9]+$", example = "UD439")]
        register_number: Option<RegisterNumber>,
        /// Words of the title, description or legislation (as in `GET /search`: case,
        /// diacritics and Polish endings ignored; every word must begin a word of the text).
        #[param(min_length = 1, max_length = 100, example = "program wspolpracy")]
        #[validate(length(min = 1, max = 100))]
        q: Option<String>,
        /// Order: `-opens_at` (default, newest first), `opens_at`, `closes_at` (closing
        /// soonest first), `-closes_at`, `-updated_at`, `updated_at`. Ties are broken by id.
        #[param(inline)]
        sort: Option<ConsultationSort>,
    }
);

crate::page_of!(
    ConsultationPage,
    Consultation,
    {
        "id": 2, "organizer_id": 15,
        "organizer": {"id": 15, "slug": "ministerstwo-infrastruktury", "name": "Ministerstwo Infrastruktury", "short_name": "MI", "kind": "government_body"},
        "direction": "inbound",
        "title": "Konsultacje publiczne projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków",
        "description": null, "subject_kind": "draft_act",
        "legislation": {"register_number": "UD439", "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw", "url": null},
        "legal_basis": null, "forms": ["online", "written"], "eligibility": "public", "invited_ids": [], "invited": [],
        "opens_at": "2023-02-06T08:00:00Z", "closes_at": "2023-03-08T22:59:59Z", "minimum_days": 30, "shortened_reason": null,
        "status": "closed", "announced_at": "2023-02-03T12:00:00Z", "report_published_on": null,
        "documents": [], "comment_count": 3,
        "positions": [{"id": 1, "association_id": 1, "association": {"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"}, "number": "4/2023", "kind": "opinion", "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę", "status": "sent", "adopted_on": "2023-02-28", "sent_on": "2023-03-07"}],
        "version": 3, "created_at": "2023-02-03T12:00:00Z", "updated_at": "2023-02-03T12:00:00Z"
    },
    null
);

/// Path parameter: a consultation id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConsultationPath {
    /// Numeric id of the consultation.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
}
