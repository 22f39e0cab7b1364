//! Wire types of good practices, their categories, adoptions and the map.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use crate::domain::{Email, PracticeStatus, Slug, Teryt, UnitKind, Voivodeship, WebUrl};
use crate::list_query;
use crate::organizations::dto::{Address, AddressInput, OrganizationSummary};
use crate::positions::dto::{Attachment, AttachmentInput};
use crate::projects::dto::ProjectSummary;
use crate::validation::plausible_date;
use crate::validation::{double_option, double_option_object, not_blank, optional_object};

// ------------------------------------------------------------------ categories

/// A category of the good-practice base.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}))]
pub struct CategorySummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

crate::versioned_dto! {
    /// A category, as `GET /practice-categories` lists it.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST",
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct PracticeCategory {
        pub id: i64,
        pub slug: String,
        pub name: String,
    }
}

/// A new category (administrators).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Rewitalizacja"}))]
pub struct CreateCategory {
    /// Derived from the name when left out.
    pub slug: Option<Slug>,
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

list_query!(
    /// Query of `GET /practice-categories`.
    CategoryListQuery {}
);

crate::page_of!(
    CategoryPage,
    PracticeCategory,
    json!({"items": [
        {"id": 1, "slug": "uslugi-spoleczne", "name": "Usługi społeczne", "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"},
        {"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST", "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"}
    ], "next_cursor": null})
);

/// Path parameter: a category by id or slug.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CategoryPath {
    /// Numeric id or slug.
    #[param(example = "wspolpraca-miedzy-jst", min_length = 1, max_length = 100)]
    pub id_or_slug: String,
}

// ------------------------------------------------------------------ practices

/// The full presentation (*Pełna prezentacja*), in Markdown; each section optional.
#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "situation_before": "Gminy wokół Opola planowały rozwój osobno.",
    "goals": "Wspólne planowanie i wspólne projekty obszaru funkcjonalnego.",
    "actions": "Porozumienie, stowarzyszenie, rada i zespół pracowników oddelegowanych przez partnerów.",
    "results": null, "resources": null, "lessons": null
}))]
pub struct Sections {
    /// Sytuacja przed wdrożeniem.
    pub situation_before: Option<String>,
    pub goals: Option<String>,
    pub actions: Option<String>,
    pub results: Option<String>,
    /// People, money and time the practice needed.
    pub resources: Option<String>,
    /// What others can learn from it.
    pub lessons: Option<String>,
}

/// A point in WGS 84 degrees.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"lat": 50.6751, "lon": 17.9213}))]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// A contact: preferably an office and a role. Personal data: a contact that is not
/// `public` is shown only to the implementer's editors and administrators.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia",
    "email": null, "phone": "77 541 79 30", "public": true
}))]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Shown to everyone; otherwise only to the implementer's editors and administrators.
    pub public: bool,
}

crate::versioned_dto! {
    /// A good practice (Baza Dobrych Praktyk): *Skrót i Metryka* (summary and metadata),
    /// *Pełna prezentacja* (`sections`) and *Załączniki* (`attachments`).
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "title": "Aglomeracja Opolska",
        "summary": "Praktykę uznaje się za dobrą i godną popularyzowania ze względu na przeprowadzenie budowy partnerstwa w metodyczny sposób …",
        "sections": {"situation_before": null, "goals": null, "actions": null, "results": null, "resources": null, "lessons": null},
        "category_ids": [6],
        "categories": [{"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}],
        "implementer_id": 40,
        "implementer": {"id": 40, "slug": "stowarzyszenie-aglomeracja-opolska", "name": "Stowarzyszenie Aglomeracja Opolska", "short_name": "Aglomeracja Opolska", "kind": "association"},
        "jst_id": 41,
        "jst": {"id": 41, "slug": "miasto-opole", "name": "Miasto Opole", "short_name": null, "kind": "jst"},
        "unit_kind": "miasto_na_prawach_powiatu", "teryt": "1661011",
        "address": {"street": "ul. Horoszkiewicza 6", "postal_code": null, "city": "Opole", "voivodeship": "opolskie"},
        "phone": "77 541 79 30", "website": "https://www.aglomeracja-opolska.pl", "population": null,
        "location": {"lat": 50.6751, "lon": 17.9213},
        "contacts": [{"name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia", "email": null, "phone": "77 541 79 30", "public": true}],
        "partner_ids": [], "partners": [], "project_id": 1,
        "project": {"id": 1, "code": "ZMP-EOG-2012", "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego"},
        "attachments": [], "entered_on": "2014-12-06", "reviewed_on": "2016-11-29",
        "status": "published", "adoption_count": 2, "distance_km": null,
        "version": 3, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Practice {
        pub id: i64,
        pub title: String,
        /// Why the practice is good and worth spreading.
        pub summary: Option<String>,
        pub sections: Sections,
        pub category_ids: Vec<i64>,
        pub categories: Vec<CategorySummary>,
        /// The implementing body (e.g. the office of an association); its editors write the practice.
        pub implementer_id: i64,
        pub implementer: OrganizationSummary,
        /// The local government where the practice runs, when there is one.
        pub jst_id: Option<i64>,
        pub jst: Option<OrganizationSummary>,
        pub unit_kind: Option<UnitKind>,
        /// TERC code of the place.
        pub teryt: Option<String>,
        pub address: Address,
        pub phone: Option<String>,
        pub website: Option<String>,
        /// Inhabitants; `null` when unknown.
        pub population: Option<i64>,
        /// WGS 84, inside Poland.
        pub location: Option<Location>,
        /// Non-public contacts appear only for the implementer's editors and administrators.
        pub contacts: Vec<Contact>,
        /// Other organizations involved.
        pub partner_ids: Vec<i64>,
        pub partners: Vec<OrganizationSummary>,
        /// The project the practice came from.
        pub project_id: Option<i64>,
        pub project: Option<ProjectSummary>,
        pub attachments: Vec<Attachment>,
        /// Data wprowadzenia do bazy.
        pub entered_on: Option<NaiveDate>,
        /// Data aktualizacji: the last review.
        pub reviewed_on: Option<NaiveDate>,
        pub status: PracticeStatus,
        /// How many other local governments recorded that they took the practice over.
        pub adoption_count: i64,
        /// In lists filtered with `near`: the great-circle distance from that point in km;
        /// `null` otherwise.
        pub distance_km: Option<f64>,
    }
}

/// The sections of a new or changed practice (Markdown).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"goals": "Wspólne planowanie obszaru funkcjonalnego.", "actions": "Porozumienie i stowarzyszenie gmin."}))]
pub struct SectionsInput {
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub situation_before: Option<String>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub goals: Option<String>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub actions: Option<String>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub results: Option<String>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub resources: Option<String>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub lessons: Option<String>,
}

/// A location inside Poland's bounding box (49.0–54.9 N, 14.1–24.2 E); outside it is 422
/// `outside_poland`.
#[derive(Debug, Clone, Copy, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lat": 50.6751, "lon": 17.9213}))]
pub struct LocationInput {
    #[validate(range(
        min = 49.0,
        max = 54.9,
        code = "outside_poland",
        message = "the latitude lies outside Poland (49.0-54.9)"
    ))]
    #[schema(minimum = 49.0, maximum = 54.9)]
    pub lat: f64,
    #[validate(range(
        min = 14.1,
        max = 24.2,
        code = "outside_poland",
        message = "the longitude lies outside Poland (14.1-24.2)"
    ))]
    #[schema(minimum = 14.1, maximum = 24.2)]
    pub lon: f64,
}

/// A contact to record. Name an office and a role rather than a person; `public`
/// defaults to `false` (shown only to the implementer's editors and administrators).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia", "phone": "77 541 79 30", "public": true}))]
pub struct ContactInput {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub role: Option<String>,
    pub email: Option<Email>,
    #[validate(length(min = 3, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 3, max_length = 50)]
    pub phone: Option<String>,
    #[serde(default)]
    pub public: bool,
}

/// A new practice, created as a `draft` by the implementer's editors or an administrator.
/// With a `jst_id`, `teryt`, `unit_kind`, `population`, `address.city` and
/// `address.voivodeship` are taken from that local government when left out.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Aglomeracja Opolska",
    "summary": "Praktykę uznaje się za dobrą i godną popularyzowania ze względu na przeprowadzenie budowy partnerstwa w metodyczny sposób …",
    "category_ids": [6], "implementer_id": 40, "jst_id": 41, "unit_kind": "miasto_na_prawach_powiatu",
    "address": {"street": "ul. Horoszkiewicza 6", "city": "Opole"},
    "phone": "77 541 79 30", "website": "https://www.aglomeracja-opolska.pl",
    "location": {"lat": 50.6751, "lon": 17.9213},
    "contacts": [{"name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia", "public": true}],
    "entered_on": "2014-12-06", "reviewed_on": "2016-11-29"
}))]
pub struct CreatePractice {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub sections: Option<SectionsInput>,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub category_ids: Vec<i64>,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub implementer_id: i64,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub jst_id: Option<i64>,
    pub unit_kind: Option<UnitKind>,
    pub teryt: Option<Teryt>,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub address: Option<AddressInput>,
    #[validate(length(min = 3, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 3, max_length = 50)]
    pub phone: Option<String>,
    pub website: Option<WebUrl>,
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub population: Option<i64>,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub location: Option<LocationInput>,
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub contacts: Vec<ContactInput>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub partner_ids: Vec<i64>,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub project_id: Option<i64>,
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub attachments: Vec<AttachmentInput>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub entered_on: Option<NaiveDate>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub reviewed_on: Option<NaiveDate>,
}

/// Changes to a practice (JSON merge patch): absent fields stay, `null` clears; `sections`,
/// `address` and `location` are replaced as a whole, and so are the lists
/// (`category_ids`, `partner_ids`, `contacts`, `attachments`). The status changes only
/// through `/transitions`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reviewed_on": "2016-11-29", "category_ids": [6, 5]}))]
pub struct UpdatePractice {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option_object")]
    #[validate(nested)]
    #[schema(value_type = Option<SectionsInput>)]
    pub sections: Option<Option<SectionsInput>>,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub category_ids: Option<Vec<i64>>,
    /// Another implementer: the writer must be an editor of both.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub implementer_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub jst_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<UnitKind>)]
    pub unit_kind: Option<Option<UnitKind>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Teryt>)]
    pub teryt: Option<Option<Teryt>>,
    #[serde(default, deserialize_with = "double_option_object")]
    #[validate(nested)]
    #[schema(value_type = Option<AddressInput>)]
    pub address: Option<Option<AddressInput>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 3, max = 50), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 3, max_length = 50)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<WebUrl>)]
    pub website: Option<Option<WebUrl>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100_000_000)]
    pub population: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option_object")]
    #[validate(nested)]
    #[schema(value_type = Option<LocationInput>)]
    pub location: Option<Option<LocationInput>>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub contacts: Option<Vec<ContactInput>>,
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub partner_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub project_id: Option<Option<i64>>,
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub attachments: Option<Vec<AttachmentInput>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub entered_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub reviewed_on: Option<Option<NaiveDate>>,
}

/// A move in the lifecycle: `submitted` (for review), `published` (administrators only),
/// `archived`, or back to `submitted` from `published`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "submitted", "note": "Zgłoszenie do Bazy Dobrych Praktyk."}))]
pub struct TransitionRequest {
    pub to: PracticeStatus,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// One move of a practice's lifecycle (the first entry is its creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "from": "draft", "to": "submitted", "note": null, "actor_user_id": 2, "created_at": "2026-01-15T10:00:00Z"}))]
pub struct PracticeTransition {
    pub id: i64,
    /// The status before (`null` for the creation).
    pub from: Option<PracticeStatus>,
    pub to: PracticeStatus,
    pub note: Option<String>,
    /// The person who made the move (`null` for demo data).
    pub actor_user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Every move of a practice, oldest first (short: not paginated).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {"id": 1, "from": null, "to": "draft", "note": null, "actor_user_id": 2, "created_at": "2026-01-15T10:00:00Z"},
    {"id": 2, "from": "draft", "to": "submitted", "note": null, "actor_user_id": 2, "created_at": "2026-01-16T10:00:00Z"},
    {"id": 3, "from": "submitted", "to": "published", "note": "Opis kompletny.", "actor_user_id": 1, "created_at": "2026-01-20T10:00:00Z"}
]}))]
pub struct PracticeHistory {
    pub items: Vec<PracticeTransition>,
}

crate::text_enum_sort!(
    /// Orders of the practice list.
    PracticeSort {
        Title => "title",
        UpdatedAtDesc => "-updated_at",
        UpdatedAt => "updated_at",
    }
);

/// `lat,lon` in WGS 84 degrees, e.g. `50.6751,17.9213`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct NearPoint(pub crate::domain::GeoPoint);

impl TryFrom<String> for NearPoint {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        let fail =
            || "[invalid_near] near is 'lat,lon' in degrees, e.g. 50.6751,17.9213".to_owned();
        let (lat, lon) = raw.split_once(',').ok_or_else(fail)?;
        let lat: f64 = lat.trim().parse().map_err(|_| fail())?;
        let lon: f64 = lon.trim().parse().map_err(|_| fail())?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(
                "[invalid_near] latitude lies within -90..90 and longitude within -180..180".into(),
            );
        }
        Ok(NearPoint(crate::domain::GeoPoint { lat, lon }))
    }
}

/// TERC prefixes are 2 to 7 digits. (Takes the `Option`: inside a macro the validator
/// cannot see through the field's type.)
fn teryt_prefix(value: &Option<String>) -> Result<(), ValidationError> {
    let Some(value) = value else {
        return Ok(());
    };
    if (2..=7).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        let mut error = ValidationError::new("invalid_teryt_prefix");
        error.message = Some("a TERC prefix is 2 to 7 digits, e.g. 16 or 1661".into());
        Err(error)
    }
}

/// The filters the list and the map share, as the service reads them.
#[derive(Debug, Clone, Default)]
pub struct PracticeFilters {
    pub category: Option<String>,
    pub voivodeship: Option<Voivodeship>,
    pub teryt: Option<String>,
    pub unit_kind: Option<UnitKind>,
    pub population_min: Option<i64>,
    pub population_max: Option<i64>,
    pub near: Option<NearPoint>,
    pub radius_km: Option<f64>,
    pub q: Option<String>,
    pub implementer: Option<i64>,
    pub jst: Option<i64>,
    pub project: Option<i64>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// A plain query struct (the map is one collection, not pages).
macro_rules! plain_query {
    ($($body:tt)*) => {
        crate::query_params!(" Only practices changed at or after this instant (RFC 3339).", {} $($body)*);
    };
}

/// Declares a query struct with the shared filters (written once) plus `$extra`, and
/// how it hands them to the service.
macro_rules! practice_query {
    ($declare:ident, $(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $declare!(
            $(#[$meta])*
            $name {
                /// Only practices in this category: its id or slug.
                #[param(min_length = 1, max_length = 100, example = "wspolpraca-miedzy-jst")]
                #[validate(length(min = 1, max = 100))]
                category: Option<String>,
                /// Only practices in this voivodeship.
                voivodeship: Option<Voivodeship>,
                /// Only practices whose TERC code starts with these digits (`16` opolskie,
                /// `1661` Opole).
                #[param(pattern = r"^[0-9]{2,7}$", example = "16")]
                #[validate(custom(function = "teryt_prefix"))]
                teryt: Option<String>,
                /// Only practices of units of this kind.
                unit_kind: Option<UnitKind>,
                /// Only practices of units with at least this many inhabitants (unknown
                /// populations never match).
                #[param(minimum = 0, maximum = 100_000_000, example = 10000)]
                #[validate(range(min = 0, max = 100_000_000))]
                population_min: Option<i64>,
                /// Only practices of units with at most this many inhabitants.
                #[param(minimum = 0, maximum = 100_000_000, example = 500000)]
                #[validate(range(min = 0, max = 100_000_000))]
                population_max: Option<i64>,
                /// With `radius_km`: only practices located within that great-circle
                /// distance of this point, `lat,lon` in WGS 84 degrees.
                #[param(value_type = Option<String>, pattern = r"^-?[0-9]{1,2}(\.[0-9]+)?,-?[0-9]{1,3}(\.[0-9]+)?$", example = "50.6751,17.9213")]
                near: Option<NearPoint>,
                /// With `near`: the radius in km (0.1-1000).
                #[param(minimum = 0.1, maximum = 1000.0, example = 50.0)]
                #[validate(range(min = 0.1, max = 1000.0))]
                radius_km: Option<f64>,
                /// Words of the title, description or city (as in `GET /search`: case,
                /// diacritics and Polish endings ignored; every word must begin a word of the text).
                #[param(min_length = 1, max_length = 100, example = "opolska")]
                #[validate(length(min = 1, max = 100))]
                q: Option<String>,
                /// Only practices implemented by this organization (id): an
                /// association's or an office's page.
                #[param(minimum = 1, example = 40)]
                #[validate(range(min = 1))]
                implementer: Option<i64>,
                /// Only practices running in this local government (id), or implemented
                /// by it: a JST's page.
                #[param(minimum = 1, example = 41)]
                #[validate(range(min = 1))]
                jst: Option<i64>,
                /// Only practices from this project (id).
                #[param(minimum = 1, example = 1)]
                #[validate(range(min = 1))]
                project: Option<i64>,
                $($extra)*
            }
        );

        impl $name {
            pub fn filters(&self) -> PracticeFilters {
                PracticeFilters {
                    category: self.category.clone(),
                    voivodeship: self.voivodeship,
                    teryt: self.teryt.clone(),
                    unit_kind: self.unit_kind,
                    population_min: self.population_min,
                    population_max: self.population_max,
                    near: self.near,
                    radius_km: self.radius_km,
                    q: self.q.clone(),
                    implementer: self.implementer,
                    jst: self.jst,
                    project: self.project,
                    updated_since: self.updated_since,
                }
            }
        }
    };
}

practice_query!(
    list_query,
    /// Filters of `GET /practices`.
    PracticeListQuery {
        /// Only practices in this status (drafts and submitted ones only for those who
        /// may see them).
        status: Option<PracticeStatus>,
        /// Order: `title` (default), `-updated_at`, `updated_at`. Ties are broken by id.
        #[param(inline)]
        sort: Option<PracticeSort>,
    }
);

practice_query!(
    plain_query,
    /// Filters of `GET /practices/map`.
    PracticeMapQuery {}
);

crate::page_of!(
    PracticePage,
    Practice,
    {
        "id": 1, "title": "Aglomeracja Opolska",
        "summary": "Praktykę uznaje się za dobrą i godną popularyzowania …",
        "sections": {"situation_before": null, "goals": null, "actions": null, "results": null, "resources": null, "lessons": null},
        "category_ids": [6], "categories": [{"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}],
        "implementer_id": 40,
        "implementer": {"id": 40, "slug": "stowarzyszenie-aglomeracja-opolska", "name": "Stowarzyszenie Aglomeracja Opolska", "short_name": "Aglomeracja Opolska", "kind": "association"},
        "jst_id": 41, "jst": {"id": 41, "slug": "miasto-opole", "name": "Miasto Opole", "short_name": null, "kind": "jst"},
        "unit_kind": "miasto_na_prawach_powiatu", "teryt": "1661011",
        "address": {"street": "ul. Horoszkiewicza 6", "postal_code": null, "city": "Opole", "voivodeship": "opolskie"},
        "phone": "77 541 79 30", "website": "https://www.aglomeracja-opolska.pl", "population": null,
        "location": {"lat": 50.6751, "lon": 17.9213},
        "contacts": [{"name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia", "email": null, "phone": "77 541 79 30", "public": true}],
        "partner_ids": [], "partners": [], "project_id": null, "project": null, "attachments": [],
        "entered_on": "2014-12-06", "reviewed_on": "2016-11-29", "status": "published",
        "adoption_count": 0, "distance_km": 0.0,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    null
);

/// Path parameter: a practice id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PracticePath {
    /// Numeric id of the practice.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

// ------------------------------------------------------------------ adoptions

/// A local government that took the practice over.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "practice_id": 1, "organization_id": 7,
    "organization": {"id": 7, "slug": "gmina-swierklaniec", "name": "Gmina Świerklaniec", "short_name": null, "kind": "jst"},
    "adopted_on": "2017-03-01", "note": "Porozumienie gmin powiatu tarnogórskiego na wzór Aglomeracji Opolskiej.",
    "created_at": "2026-01-15T10:00:00Z"
}))]
pub struct Adoption {
    pub id: i64,
    pub practice_id: i64,
    /// The adopting local government.
    pub organization_id: i64,
    pub organization: OrganizationSummary,
    pub adopted_on: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records that a local government took the practice over.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": 7, "adopted_on": "2017-03-01", "note": "Porozumienie gmin powiatu tarnogórskiego na wzór Aglomeracji Opolskiej."}))]
pub struct CreateAdoption {
    /// The adopting local government (kind `jst`), not the practice's own.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organization_id: i64,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub adopted_on: NaiveDate,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

list_query!(
    /// Query of `GET /practices/{id}/adoptions` (`updated_since` compares the recording time).
    AdoptionListQuery {}
);

crate::page_of!(
    AdoptionPage,
    Adoption,
    {
        "id": 1, "practice_id": 1, "organization_id": 7,
        "organization": {"id": 7, "slug": "gmina-swierklaniec", "name": "Gmina Świerklaniec", "short_name": null, "kind": "jst"},
        "adopted_on": "2017-03-01", "note": null, "created_at": "2026-01-15T10:00:00Z"
    },
    null
);

/// Path parameters of an adoption.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AdoptionPath {
    /// Numeric id of the practice.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
    /// Numeric id of the adoption.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub adoption_id: i64,
}

// ------------------------------------------------------------------ the map

/// `"FeatureCollection"`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// `"Feature"`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureType {
    Feature,
}

/// `"Point"`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum PointType {
    Point,
}

/// A GeoJSON Point (RFC 7946): `coordinates` are `[lon, lat]`, longitude first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "Point", "coordinates": [17.9213, 50.6751]}))]
pub struct Point {
    #[serde(rename = "type")]
    pub kind: PointType,
    /// `[longitude, latitude]` in WGS 84 degrees.
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: Vec<f64>,
}

/// What a map marker shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "title": "Aglomeracja Opolska", "categories": [{"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}], "url": "/api/v1/practices/1"}))]
pub struct FeatureProperties {
    pub id: i64,
    pub title: String,
    pub categories: Vec<CategorySummary>,
    /// The practice in the API.
    pub url: String,
}

/// One practice on the map.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "Feature", "id": 1,
    "geometry": {"type": "Point", "coordinates": [17.9213, 50.6751]},
    "properties": {"id": 1, "title": "Aglomeracja Opolska", "categories": [{"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}], "url": "/api/v1/practices/1"}
}))]
pub struct Feature {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    pub id: i64,
    pub geometry: Point,
    pub properties: FeatureProperties,
}

/// The map of practices (*Mapa Praktyk*): a GeoJSON FeatureCollection (RFC 7946).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature", "id": 1,
        "geometry": {"type": "Point", "coordinates": [17.9213, 50.6751]},
        "properties": {"id": 1, "title": "Aglomeracja Opolska", "categories": [{"id": 6, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}], "url": "/api/v1/practices/1"}
    }],
    "truncated": false
}))]
pub struct PracticeMap {
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    pub features: Vec<Feature>,
    /// A foreign member: `true` when more practices matched than one map holds
    /// (`MAP_MAX_FEATURES`); narrow the filters then.
    pub truncated: bool,
}
