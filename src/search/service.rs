//! The search use case: what the caller may find (per kind, the resource's own rules),
//! the query's terms, one ranked page.

use super::dto::{SearchHit, SearchPage, SearchQuery, SearchType};
use super::snippet::snippet;
use crate::auth::Principal;
use crate::auth::policy::{self, DraftVisibility};
use crate::db::DbConnection;
use crate::db::search_docs::{self, After, Reach};
use crate::domain::Scope;
use crate::domain::words::{MAX_QUERY_CHARS, query_terms};
use crate::error::{ApiError, ApiResult, Code};
use crate::pagination::{Cursor, fetch_size, split_page};
use diesel::Connection;

/// The name cursors of the search carry.
const SORT: &str = "rank";

/// A search, checked: its terms, what the caller may find, where the page starts.
#[derive(Debug)]
pub struct SearchRequest {
    terms: Vec<String>,
    reach: Vec<Reach>,
    after: Option<After>,
    updated_since: Option<chrono::NaiveDateTime>,
    limit: Option<i64>,
}

/// Checks a search request: the query (400 `search_query_empty` without a word, 400
/// `search_query_too_long`), the types (400 `invalid_query`; 403 for a kind a token may
/// not read), the cursor (400 `invalid_cursor`).
pub fn request(principal: &Principal, query: SearchQuery) -> ApiResult<SearchRequest> {
    let q = query.q.as_deref().unwrap_or("");
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::new(
            Code::SearchQueryTooLong,
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let terms = query_terms(q);
    if terms.is_empty() {
        return Err(ApiError::new(
            Code::SearchQueryEmpty,
            "q needs at least one word (letters or digits)",
        ));
    }
    let reach = match query.types.as_deref() {
        None => SearchType::ALL
            .iter()
            .filter_map(|&kind| reach_of(principal, kind).ok())
            .collect(),
        Some(types) => parse_types(types)?
            .into_iter()
            .map(|kind| reach_of(principal, kind))
            .collect::<ApiResult<Vec<_>>>()?,
    };
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    Ok(SearchRequest {
        terms,
        reach,
        after,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        limit: query.limit,
    })
}

/// `position,consultation`: each once, in the order given.
fn parse_types(raw: &str) -> ApiResult<Vec<SearchType>> {
    let mut kinds = Vec::new();
    for piece in raw.split(',') {
        let kind: SearchType = piece.trim().parse().map_err(|message: String| {
            ApiError::new(Code::InvalidQuery, format!("types: {message}"))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// What of `kind` the principal may find, by the rules of the kind's own list; an
/// error when a token lacks the kind's read scope.
fn reach_of(principal: &Principal, kind: SearchType) -> ApiResult<Reach> {
    let drafts = match kind {
        SearchType::Position => {
            policy::can_read(principal, Scope::PositionsRead)?;
            Some(policy::visible_drafts(principal))
        }
        SearchType::Consultation => {
            policy::can_read(principal, Scope::ConsultationsRead)?;
            Some(policy::visible_consultation_drafts(principal))
        }
        SearchType::Practice => Some(policy::visible_practice_drafts(principal)),
        // Projects and organizations have no drafts.
        SearchType::Project => {
            policy::can_read(principal, Scope::ProjectsRead)?;
            None
        }
        SearchType::Organization => {
            policy::can_read(principal, Scope::AssociationsRead)?;
            None
        }
    };
    Ok(Reach {
        kind: kind.as_str(),
        drafts_of: match drafts {
            None | Some(DraftVisibility::All) => None,
            Some(DraftVisibility::OfAssociations(ids)) => Some(ids),
        },
    })
}

fn invalid_cursor() -> ApiError {
    ApiError::new(
        Code::InvalidCursor,
        "the cursor is not one this search returned; start again without it",
    )
}

/// A cursor's key is `score~kind`.
fn decode_cursor(raw: &str) -> ApiResult<After> {
    let cursor = Cursor::decode(raw, SORT)?;
    let (score, kind) = cursor
        .key
        .as_deref()
        .and_then(|key| key.split_once('~'))
        .ok_or_else(invalid_cursor)?;
    let score: f64 = score.parse().map_err(|_| invalid_cursor())?;
    let kind: SearchType = kind.parse().map_err(|_| invalid_cursor())?;
    if !score.is_finite() {
        return Err(invalid_cursor());
    }
    Ok(After {
        score,
        kind: kind.as_str(),
        id: cursor.id,
    })
}

fn encode_cursor(hit: &SearchHit) -> Cursor {
    Cursor {
        sort: SORT.to_owned(),
        key: Some(format!("{:?}~{}", hit.score, hit.kind)),
        id: hit.id,
    }
}

/// How a search is bounded: how many matches it ranks (`RAZEM_SEARCH_CANDIDATES`) and
/// how long its statement may run on PostgreSQL (`RAZEM_DB_TIMEOUT`).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub candidates: i64,
    pub timeout: std::time::Duration,
}

/// One page of hits, best first, ranked among the `bounds.candidates` most recently
/// indexed matches (`db::search_docs::search`). On PostgreSQL the statement runs with
/// `statement_timeout` = `bounds.timeout`, so that no search holds its connection
/// longer than a request waits for one; SQLite's statement cannot be interrupted from
/// diesel, and the bound on the candidates is its only guard.
pub fn search(
    conn: &mut DbConnection,
    request: SearchRequest,
    bounds: Bounds,
) -> ApiResult<SearchPage> {
    let question = search_docs::Question {
        reach: &request.reach,
        terms: &request.terms,
        after: request.after.as_ref(),
        updated_since: request.updated_since,
        fetch: fetch_size(request.limit),
        candidates: bounds.candidates,
    };
    let rows = if matches!(conn, DbConnection::Pg(_)) {
        conn.transaction(|conn| {
            search_docs::statement_timeout(conn, bounds.timeout)?;
            search_docs::search(conn, question)
        })?
    } else {
        search_docs::search(conn, question)?
    };
    let hits: Vec<SearchHit> = rows
        .into_iter()
        .filter_map(|row| {
            let kind: SearchType = row.kind.parse().ok()?;
            Some(SearchHit {
                kind,
                id: row.resource_id,
                url: format!("/api/v1/{}/{}", kind.collection(), row.resource_id),
                score: row.score,
                snippet: snippet(&row.title, &row.body, &request.terms),
                title: row.title,
            })
        })
        .collect();
    let (items, next_cursor) = split_page(hits, request.limit, encode_cursor);
    Ok(SearchPage { items, next_cursor })
}
