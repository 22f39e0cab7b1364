//! Wire types of positions, and the rules that tie their fields together.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::model::{AttachmentData, CoSignerRow, PositionFields, PositionLinks};
use crate::domain::{PositionKind, PositionNumber, PositionStatus, RegisterNumber, WebUrl};
use crate::organizations::dto::OrganizationSummary;
use crate::validation::{double_option, not_blank};
use crate::validation::{plausible_date, set, trimmed};

/// Most topics a position may carry.
pub const MAX_TOPICS: usize = 20;
/// Longest topic.
pub const MAX_TOPIC_CHARS: usize = 60;

/// The draft law or regulation a position concerns.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "register_number": "UD383",
    "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
    "url": "https://legislacja.gov.pl/projekt/12345678"
}))]
pub struct Legislation {
    /// Number in the government legislation register (`^[A-Z]{2,4}[0-9]+$`).
    pub register_number: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

impl Legislation {
    /// The legislation of a stored row, when any of its three columns is set.
    pub fn from_columns(
        register_number: &Option<String>,
        title: &Option<String>,
        url: &Option<String>,
    ) -> Option<Legislation> {
        (register_number.is_some() || title.is_some() || url.is_some()).then(|| Legislation {
            register_number: register_number.clone(),
            title: title.clone(),
            url: url.clone(),
        })
    }
}

/// A file attached to a position (metadata; the file is stored elsewhere).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "title": "Opinia OPOS – tekst podpisany (PDF)",
    "url": "https://opos.example.pl/stanowiska/3-2024.pdf",
    "media_type": "application/pdf",
    "size_bytes": 284512
}))]
pub struct Attachment {
    pub title: String,
    pub url: String,
    /// Media type, e.g. `application/pdf`.
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
}

impl From<AttachmentData> for Attachment {
    fn from(data: AttachmentData) -> Self {
        Attachment {
            title: data.title,
            url: data.url,
            media_type: data.media_type,
            size_bytes: data.size_bytes,
        }
    }
}

/// An organization that co-signed the position.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "organization_id": 2,
    "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": "ŚZGiP", "kind": "association"},
    "signed_on": "2024-03-12"
}))]
pub struct CoSigner {
    pub organization_id: i64,
    pub organization: OrganizationSummary,
    pub signed_on: NaiveDate,
}

/// A reply of an addressee.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "id": 1, "received_on": "2024-04-22", "from_id": 15,
    "from": {"id": 15, "slug": "ministerstwo-infrastruktury", "name": "Ministerstwo Infrastruktury", "short_name": "MI", "kind": "government_body"},
    "summary": "Ministerstwo zapowiada wydłużenie okresu przejściowego dla oceny ryzyka w systemach zaopatrzenia w wodę do 2029 r.",
    "attachment": {"title": "Pismo MI z 22 kwietnia 2024 r.", "url": "https://opos.example.pl/odpowiedzi/mi-2024-04-22.pdf", "media_type": "application/pdf", "size_bytes": 120330},
    "created_at": "2024-04-23T08:15:00Z"
}))]
pub struct PositionResponse {
    pub id: i64,
    pub received_on: NaiveDate,
    /// The organization that replied (one of the addressees).
    pub from_id: i64,
    pub from: OrganizationSummary,
    pub summary: String,
    pub attachment: Option<Attachment>,
    pub created_at: DateTime<Utc>,
}

crate::versioned_dto! {
    /// A position in a list: everything but the body.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 3, "association_id": 1,
        "association": {"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"},
        "number": "3/2024", "kind": "opinion",
        "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
        "summary": "Porozumienie popiera wdrożenie dyrektywy w sprawie wody przeznaczonej do spożycia, ale wskazuje na brak źródeł finansowania nowych zadań gmin i zbyt krótkie terminy.",
        "status": "sent", "adopted_on": "2024-03-08", "sent_on": "2024-03-15",
        "topics": ["gospodarka wodno-ściekowa", "finanse samorządowe"],
        "legislation": {"register_number": "UD383", "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw", "url": null},
        "addressee_ids": [15],
        "addressees": [{"id": 15, "slug": "ministerstwo-infrastruktury", "name": "Ministerstwo Infrastruktury", "short_name": "MI", "kind": "government_body"}],
        "co_signers": [{"organization_id": 2, "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"}, "signed_on": "2024-03-12"}],
        "attachments": [],
        "responses": [],
        "consultation_id": null,
        "version": 4, "created_at": "2024-02-20T09:00:00Z", "updated_at": "2024-03-15T11:30:00Z"
    }))]
    pub struct PositionListItem {
        pub id: i64,
        /// The adopting association or alliance.
        pub association_id: i64,
        pub association: OrganizationSummary,
        /// `N/YYYY`, unique per association and year of adoption; assigned on adoption when not given.
        pub number: Option<String>,
        pub kind: PositionKind,
        pub title: Option<String>,
        pub summary: Option<String>,
        pub status: PositionStatus,
        pub adopted_on: Option<NaiveDate>,
        pub sent_on: Option<NaiveDate>,
        /// Tags, lower-case.
        pub topics: Vec<String>,
        pub legislation: Option<Legislation>,
        pub addressee_ids: Vec<i64>,
        pub addressees: Vec<OrganizationSummary>,
        pub co_signers: Vec<CoSigner>,
        pub attachments: Vec<Attachment>,
        /// Replies of the addressees, oldest first.
        pub responses: Vec<PositionResponse>,
        /// The consultation the position answers, if any.
        pub consultation_id: Option<i64>,
    }
}

crate::versioned_dto! {
    /// A position (stanowisko), appeal, intervention, opinion or resolution, with its
    /// Markdown body and every related organization embedded.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 3, "association_id": 1,
        "association": {"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"},
        "number": "3/2024", "kind": "opinion",
        "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
        "summary": "Porozumienie popiera wdrożenie dyrektywy w sprawie wody przeznaczonej do spożycia, ale wskazuje na brak źródeł finansowania nowych zadań gmin i zbyt krótkie terminy.",
        "body": "## Uwagi ogólne\n\nOgólnopolskie Porozumienie Organizacji Samorządowych opiniuje projekt **pozytywnie z zastrzeżeniami**.\n\n1. Nowe zadania gmin wymagają wskazania źródeł finansowania.\n2. Termin na ocenę ryzyka w systemach zaopatrzenia w wodę jest zbyt krótki.",
        "status": "sent", "adopted_on": "2024-03-08", "sent_on": "2024-03-15",
        "topics": ["gospodarka wodno-ściekowa", "finanse samorządowe"],
        "legislation": {"register_number": "UD383", "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw", "url": null},
        "addressee_ids": [15],
        "addressees": [{"id": 15, "slug": "ministerstwo-infrastruktury", "name": "Ministerstwo Infrastruktury", "short_name": "MI", "kind": "government_body"}],
        "co_signers": [{"organization_id": 2, "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"}, "signed_on": "2024-03-12"}],
        "attachments": [{"title": "Opinia OPOS – tekst podpisany (PDF)", "url": "https://opos.example.pl/stanowiska/3-2024.pdf", "media_type": "application/pdf", "size_bytes": 284512}],
        "responses": [],
        "consultation_id": null,
        "version": 4, "created_at": "2024-02-20T09:00:00Z", "updated_at": "2024-03-15T11:30:00Z"
    }))]
    pub struct Position {
        pub id: i64,
        /// The adopting association or alliance.
        pub association_id: i64,
        pub association: OrganizationSummary,
        /// `N/YYYY`, unique per association and year of adoption; assigned on adoption when not given.
        pub number: Option<String>,
        pub kind: PositionKind,
        pub title: Option<String>,
        pub summary: Option<String>,
        /// The text, in Markdown.
        pub body: Option<String>,
        pub status: PositionStatus,
        pub adopted_on: Option<NaiveDate>,
        pub sent_on: Option<NaiveDate>,
        /// Tags, lower-case.
        pub topics: Vec<String>,
        pub legislation: Option<Legislation>,
        pub addressee_ids: Vec<i64>,
        pub addressees: Vec<OrganizationSummary>,
        pub co_signers: Vec<CoSigner>,
        pub attachments: Vec<Attachment>,
        /// Replies of the addressees, oldest first.
        pub responses: Vec<PositionResponse>,
        /// The consultation the position answers, if any.
        pub consultation_id: Option<i64>,
    }
}

impl Position {
    /// The list form: the same without the body.
    pub fn into_list_item(self) -> PositionListItem {
        PositionListItem {
            id: self.id,
            association_id: self.association_id,
            association: self.association,
            number: self.number,
            kind: self.kind,
            title: self.title,
            summary: self.summary,
            status: self.status,
            adopted_on: self.adopted_on,
            sent_on: self.sent_on,
            topics: self.topics,
            legislation: self.legislation,
            addressee_ids: self.addressee_ids,
            addressees: self.addressees,
            co_signers: self.co_signers,
            attachments: self.attachments,
            responses: self.responses,
            consultation_id: self.consultation_id,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The legislation of a new or changed position.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "register_number": "UD383",
    "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
    "url": "https://legislacja.gov.pl/projekt/12345678"
}))]
pub struct LegislationInput {
    pub register_number: Option<RegisterNumber>,
    #[validate(length(min = 1, max = 1000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    pub url: Option<WebUrl>,
}

/// A file to attach (its metadata).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Opinia OPOS – tekst podpisany (PDF)",
    "url": "https://opos.example.pl/stanowiska/3-2024.pdf",
    "media_type": "application/pdf",
    "size_bytes": 284512
}))]
pub struct AttachmentInput {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    pub url: WebUrl,
    /// Media type `type/subtype`, e.g. `application/pdf`.
    #[validate(length(min = 3, max = 100), custom(function = "validate_media_type"))]
    #[schema(
        min_length = 3,
        max_length = 100,
        pattern = r"^[a-z0-9.+-]+/[a-z0-9.+-]+$",
        example = "application/pdf"
    )]
    pub media_type: Option<String>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000i64)]
    pub size_bytes: Option<i64>,
}

fn validate_media_type(value: &str) -> Result<(), ValidationError> {
    let part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b))
    };
    match value.split_once('/') {
        Some((kind, sub)) if part(kind) && part(sub) => Ok(()),
        _ => {
            let mut error = ValidationError::new("invalid_media_type");
            error.message =
                Some("a media type is type/subtype in lower case, e.g. application/pdf".into());
            Err(error)
        }
    }
}

impl From<AttachmentInput> for AttachmentData {
    fn from(input: AttachmentInput) -> Self {
        AttachmentData {
            title: input.title.trim().to_owned(),
            url: input.url.into_inner(),
            media_type: input.media_type,
            size_bytes: input.size_bytes,
        }
    }
}

/// An organization that co-signs (recorded by the adopting association).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": 2, "signed_on": "2024-03-12"}))]
pub struct CoSignerInput {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organization_id: i64,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub signed_on: NaiveDate,
}

fn validate_topics(values: &[String]) -> Result<(), ValidationError> {
    if values.len() > MAX_TOPICS {
        let mut error = ValidationError::new("too_many_topics");
        error.message = Some(format!("at most {MAX_TOPICS} topics").into());
        return Err(error);
    }
    for value in values {
        let length = value.trim().chars().count();
        if length == 0 || length > MAX_TOPIC_CHARS {
            let mut error = ValidationError::new("invalid_topic");
            error.message =
                Some(format!("a topic has 1-{MAX_TOPIC_CHARS} characters (not blank)").into());
            return Err(error);
        }
    }
    Ok(())
}

/// Topics as stored: trimmed, single-spaced, lower-case, without repeats.
pub fn normalize_topics(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let topic = normalize_topic(&value);
        if !out.contains(&topic) {
            out.push(topic);
        }
    }
    out
}

pub fn normalize_topic(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A new position; it starts as a `draft` (use `/transitions` to adopt it).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "association_id": 1, "kind": "opinion",
    "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
    "summary": "Porozumienie popiera wdrożenie dyrektywy, ale wskazuje na brak źródeł finansowania nowych zadań gmin.",
    "body": "## Uwagi ogólne\n\nOPOS opiniuje projekt **pozytywnie z zastrzeżeniami**.",
    "adopted_on": "2024-03-08",
    "topics": ["gospodarka wodno-ściekowa"],
    "legislation": {"register_number": "UD383", "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw"},
    "addressee_ids": [15],
    "co_signers": [{"organization_id": 2, "signed_on": "2024-03-12"}]
}))]
pub struct CreatePosition {
    /// The adopting association or alliance.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub association_id: i64,
    pub kind: PositionKind,
    /// Leave out to have the next number of the year assigned on adoption.
    pub number: Option<PositionNumber>,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub summary: Option<String>,
    /// Markdown.
    #[validate(length(max = 200000))]
    #[schema(max_length = 200000)]
    pub body: Option<String>,
    /// The (planned) adoption date; may also be given with the move to `adopted`.
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub adopted_on: Option<NaiveDate>,
    #[serde(default)]
    #[validate(custom(function = "validate_topics"))]
    #[schema(max_items = 20)]
    pub topics: Vec<String>,
    #[validate(nested)]
    pub legislation: Option<LegislationInput>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub addressee_ids: Vec<i64>,
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub co_signers: Vec<CoSignerInput>,
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub attachments: Vec<AttachmentInput>,
    /// The consultation the position answers (it must exist).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub consultation_id: Option<i64>,
}

fn co_signer_rows(inputs: Vec<CoSignerInput>) -> Vec<CoSignerRow> {
    inputs
        .into_iter()
        .map(|c| CoSignerRow {
            organization_id: c.organization_id,
            signed_on: c.signed_on,
        })
        .collect()
}

fn legislation_columns(fields: &mut PositionFields, legislation: Option<LegislationInput>) {
    let legislation = legislation.unwrap_or(LegislationInput {
        register_number: None,
        title: None,
        url: None,
    });
    fields.legislation_register_number = legislation.register_number.map(String::from);
    fields.legislation_title = trimmed(legislation.title);
    fields.legislation_url = legislation.url.map(String::from);
}

impl CreatePosition {
    /// The stored state of the new draft and its related rows.
    pub fn into_parts(self) -> (PositionFields, PositionLinks) {
        let mut fields = PositionFields {
            association_id: self.association_id,
            number: self.number.map(String::from),
            number_year: None,
            number_seq: None,
            kind: self.kind,
            title: trimmed(self.title),
            summary: self.summary,
            body: self.body,
            status: PositionStatus::Draft,
            adopted_on: self.adopted_on,
            adopted_sort: super::model::no_adoption_date(),
            sent_on: None,
            legislation_register_number: None,
            legislation_title: None,
            legislation_url: None,
            consultation_id: self.consultation_id,
            published: false,
        };
        legislation_columns(&mut fields, self.legislation);
        fields.refresh_derived();
        let links = PositionLinks {
            topics: normalize_topics(self.topics),
            addressee_ids: self.addressee_ids,
            co_signers: co_signer_rows(self.co_signers),
            attachments: self.attachments.into_iter().map(Into::into).collect(),
        };
        (fields, links)
    }
}

/// Changes to a position (JSON merge patch): absent fields stay, `null` clears;
/// lists (`topics`, `addressee_ids`, `co_signers`, `attachments`) replace the whole list.
/// The status changes only through `/transitions`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "summary": "Porozumienie popiera wdrożenie dyrektywy, ale wskazuje na brak źródeł finansowania nowych zadań gmin i zbyt krótkie terminy.",
    "topics": ["gospodarka wodno-ściekowa", "finanse samorządowe"],
    "addressee_ids": [15, 16]
}))]
pub struct UpdatePosition {
    /// Another adopting association (drafts only).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub association_id: Option<i64>,
    pub kind: Option<PositionKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PositionNumber>)]
    pub number: Option<Option<PositionNumber>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 500)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 200000))]
    #[schema(value_type = Option<String>, max_length = 200000)]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub adopted_on: Option<Option<NaiveDate>>,
    /// Corrects the date of sending (only once the position was sent).
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub sent_on: Option<NaiveDate>,
    #[validate(custom(function = "validate_topics"))]
    #[schema(max_items = 20)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(nested)]
    #[schema(value_type = Option<LegislationInput>)]
    pub legislation: Option<Option<LegislationInput>>,
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub addressee_ids: Option<Vec<i64>>,
    /// Replaces the co-signers (only before the position is sent).
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub co_signers: Option<Vec<CoSignerInput>>,
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub attachments: Option<Vec<AttachmentInput>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub consultation_id: Option<Option<i64>>,
}

impl UpdatePosition {
    /// Applies the patch to the current state.
    pub fn apply(self, fields: &mut PositionFields, links: &mut PositionLinks) {
        set(&mut fields.association_id, self.association_id);
        set(&mut fields.kind, self.kind);
        set(&mut fields.number, self.number.map(|n| n.map(String::from)));
        set(&mut fields.title, self.title.map(trimmed));
        set(&mut fields.summary, self.summary);
        set(&mut fields.body, self.body);
        set(&mut fields.adopted_on, self.adopted_on);
        if let Some(sent_on) = self.sent_on {
            fields.sent_on = Some(sent_on);
        }
        if let Some(legislation) = self.legislation {
            legislation_columns(fields, legislation);
        }
        set(&mut fields.consultation_id, self.consultation_id);
        set(&mut links.topics, self.topics.map(normalize_topics));
        set(&mut links.addressee_ids, self.addressee_ids);
        set(&mut links.co_signers, self.co_signers.map(co_signer_rows));
        set(
            &mut links.attachments,
            self.attachments
                .map(|a| a.into_iter().map(Into::into).collect()),
        );
        fields.refresh_derived();
    }
}

/// A move in the lifecycle.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "adopted", "on": "2024-03-08", "note": "Przyjęte na posiedzeniu Prezydium OPOS w Nowej Soli."}))]
pub struct TransitionRequest {
    /// The new status.
    pub to: PositionStatus,
    /// The date of the move (today when left out). For `adopted` it is the adoption date,
    /// and then it may be left out only when the draft has `adopted_on`.
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// One move of a position's lifecycle (the first entry is its creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 7, "from": "draft", "to": "adopted", "on": "2024-03-08",
    "note": "Przyjęte na posiedzeniu Prezydium OPOS w Nowej Soli.", "actor_user_id": 2,
    "created_at": "2024-03-08T14:02:11Z"
}))]
pub struct PositionTransition {
    pub id: i64,
    /// The status before (`null` for the creation).
    pub from: Option<PositionStatus>,
    pub to: PositionStatus,
    /// The date of the move.
    pub on: NaiveDate,
    pub note: Option<String>,
    /// The person who made the move (`null` for imports and demo data).
    pub actor_user_id: Option<i64>,
    /// When the move was recorded.
    pub created_at: DateTime<Utc>,
}

/// Every move of a position, oldest first (a lifecycle has at most six entries, so
/// the history is not paginated).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {"id": 5, "from": null, "to": "draft", "on": "2024-02-20", "note": null, "actor_user_id": 2, "created_at": "2024-02-20T09:00:00Z"},
    {"id": 7, "from": "draft", "to": "adopted", "on": "2024-03-08", "note": "Przyjęte na posiedzeniu Prezydium OPOS.", "actor_user_id": 2, "created_at": "2024-03-08T14:02:11Z"},
    {"id": 9, "from": "adopted", "to": "sent", "on": "2024-03-15", "note": null, "actor_user_id": 2, "created_at": "2024-03-15T11:30:00Z"}
]}))]
pub struct PositionHistory {
    pub items: Vec<PositionTransition>,
}

/// Co-signing as an organization.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signed_on": "2024-03-12"}))]
pub struct CoSignRequest {
    /// The date of signing (today when left out).
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub signed_on: Option<NaiveDate>,
}

/// A reply of an addressee to record.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "received_on": "2024-04-22", "from_id": 15,
    "summary": "Ministerstwo zapowiada wydłużenie okresu przejściowego dla oceny ryzyka do 2029 r.",
    "attachment": {"title": "Pismo MI z 22 kwietnia 2024 r.", "url": "https://opos.example.pl/odpowiedzi/mi-2024-04-22.pdf", "media_type": "application/pdf"}
}))]
pub struct CreateResponse {
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub received_on: NaiveDate,
    /// The addressee that replied.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub from_id: i64,
    #[validate(length(min = 1, max = 5000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
    #[validate(nested)]
    pub attachment: Option<AttachmentInput>,
}

crate::text_enum_sort!(
    /// Orders of the position list.
    PositionSort {
        AdoptedOnDesc => "-adopted_on",
        AdoptedOn => "adopted_on",
        UpdatedAtDesc => "-updated_at",
        UpdatedAt => "updated_at",
    }
);

crate::list_query!(
    /// Filters of `GET /positions`.
    PositionListQuery {
        /// Only positions adopted by this association or alliance (id).
        #[param(minimum = 1, example = 1)]
        #[validate(range(min = 1))]
        association: Option<i64>,
        /// Only positions of this kind.
        kind: Option<PositionKind>,
        /// Only positions in this status (drafts only for those who may see them).
        status: Option<PositionStatus>,
        /// Only positions with this topic (case ignored).
        #[param(min_length = 1, max_length = 60, example = "gospodarka wodno-ściekowa")]
        #[validate(length(min = 1, max = 60))]
        topic: Option<String>,
        /// Only positions adopted on or after this date.
        #[param(value_type = Option<String>, format = Date, example = "2020-01-01")]
        adopted_from: Option<NaiveDate>,
        /// Only positions adopted on or before this date.
        #[param(value_type = Option<String>, format = Date, example = "2024-12-31")]
        adopted_to: Option<NaiveDate>,
        /// Only positions on the draft with this register number.
        #[param(value_type = Option<String>, pattern = r"^[A-Z]{2,4}[0-9]+$", example = "UD383")]
        register_number: Option<RegisterNumber>,
        /// Only positions sent to this organization (id).
        #[param(minimum = 1, example = 15)]
        #[validate(range(min = 1))]
        addressee: Option<i64>,
        /// Only positions co-signed by this organization (id).
        #[param(minimum = 1, example = 2)]
        #[validate(range(min = 1))]
        co_signer: Option<i64>,
        /// Words of the title, summary, body, number or legislation (as in `GET /search`: case,
        /// diacritics and Polish endings ignored; every word must begin a word of the text).
        #[param(min_length = 1, max_length = 100, example = "zaopatrzeniu w wode")]
        #[validate(length(min = 1, max = 100))]
        q: Option<String>,
        /// Order: `-adopted_on` (default; positions not yet adopted first), `adopted_on`
        /// (not yet adopted last), `-updated_at`, `updated_at`. Ties are broken by id.
        #[param(inline)]
        sort: Option<PositionSort>,
    }
);

crate::page_of!(
    PositionPage,
    PositionListItem,
    {
        "id": 3, "association_id": 1,
        "association": {"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"},
        "number": "3/2024", "kind": "opinion",
        "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
        "summary": "Porozumienie popiera wdrożenie dyrektywy, ale wskazuje na brak źródeł finansowania nowych zadań gmin.",
        "status": "sent", "adopted_on": "2024-03-08", "sent_on": "2024-03-15",
        "topics": ["gospodarka wodno-ściekowa"], "legislation": null,
        "addressee_ids": [15],
        "addressees": [{"id": 15, "slug": "ministerstwo-infrastruktury", "name": "Ministerstwo Infrastruktury", "short_name": "MI", "kind": "government_body"}],
        "co_signers": [], "attachments": [], "responses": [], "consultation_id": null,
        "version": 4, "created_at": "2024-02-20T09:00:00Z", "updated_at": "2024-03-15T11:30:00Z"
    },
    "eyJzIjoiLWFkb3B0ZWRfb24iLCJrIjoiMjAyNC0wMy0wOCIsImkiOjN9"
);

/// Path parameter: a position id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PositionPath {
    /// Numeric id of the position.
    #[param(example = 3, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

/// Path parameters of a co-signer.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CoSignerPath {
    /// Numeric id of the position.
    #[param(example = 3, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
    /// Numeric id of the co-signing organization.
    #[param(example = 2, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub organization_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_normalized() {
        assert_eq!(
            normalize_topics(vec![
                "  Gospodarka   wodno-ściekowa ".into(),
                "gospodarka wodno-ściekowa".into(),
                "FINANSE".into()
            ]),
            vec!["gospodarka wodno-ściekowa", "finanse"]
        );
    }
}
