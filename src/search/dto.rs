//! Wire types of the search.

use serde::Serialize;
use utoipa::ToSchema;

crate::domain::text_enum!(
    /// What a hit is.
    SearchType {
        Position => "position",
        Consultation => "consultation",
        Project => "project",
        Practice => "practice",
        Organization => "organization",
    }
);

impl SearchType {
    /// The collection the resource is read from.
    pub fn collection(self) -> &'static str {
        match self {
            SearchType::Position => "positions",
            SearchType::Consultation => "consultations",
            SearchType::Project => "projects",
            SearchType::Practice => "practices",
            SearchType::Organization => "organizations",
        }
    }
}

crate::list_query!(
    /// The query of `GET /search`.
    SearchQuery {
        /// The words to find, 1-200 characters with at least one word (letters or
        /// digits). Case, diacritics and Polish endings do not matter ("oswiata" finds
        /// "oświaty"); every word must match (its stem as the beginning of a word, a
        /// word of one or two characters as a whole word); punctuation and operators
        /// are ignored.
        #[param(example = "wodociągi gminne", min_length = 1, max_length = 200)]
        q: Option<String>,
        /// Only these kinds, comma-separated: `position`, `consultation`, `project`,
        /// `practice`, `organization` (default: every kind the caller may read).
        #[param(example = "position,consultation")]
        types: Option<String>,
    }
);

/// One hit: what was found, where to read it, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "position", "id": 4, "title": "Stanowisko w sprawie zaopatrzenia w wodę",
    "url": "/api/v1/positions/4", "score": 0.4,
    "snippet": "… finansowania <mark>wodociągów</mark> i kanalizacji w gminach …"
}))]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: SearchType,
    pub id: i64,
    /// The resource's title (a position without one: its number).
    pub title: String,
    /// The path of the resource.
    #[schema(example = "/api/v1/positions/4")]
    pub url: String,
    /// Relevance: higher is better; comparable between hits of one search only.
    pub score: f64,
    /// An HTML fragment of the text around the first match: the matched words in
    /// `<mark>…</mark>`, everything else escaped (safe to insert as HTML).
    pub snippet: String,
}

crate::page_of!(
    SearchPage,
    SearchHit,
    json!({"items": [{
        "type": "position", "id": 4, "title": "Stanowisko w sprawie zaopatrzenia w wodę",
        "url": "/api/v1/positions/4", "score": 0.4,
        "snippet": "… finansowania <mark>wodociągów</mark> i kanalizacji w gminach …"
    }], "next_cursor": null})
);
