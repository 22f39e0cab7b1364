//! HTTP layer of the search: extract, call the use case (`super::service`), respond.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::dto::{SearchPage, SearchQuery};
use super::service;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::http::AppState;
use crate::pagination::page_response;

/// Search positions, consultations, projects, practices and organizations.
///
/// Ranked hits, best first, over titles, summaries and bodies. Case, diacritics and
/// Polish endings do not matter: "oswiata" finds "Oświaty", "wodociągi" finds
/// "wodociągów" (the query's words are stemmed and matched as prefixes, a word of one
/// or two characters as a whole word; stem alternations such as "miasto"/"mieście" are
/// not). Every word must match. What the
/// caller may not read is never found: drafts only by those their resource's list shows
/// them to (administrators, the owner's editors, tokens with the read scope). A partner
/// token searches practices and the kinds its read scopes allow: positions with
/// `positions:read`, consultations with `consultations:read`, projects with
/// `projects:read`, organizations with `associations:read` (any one of them; `types`
/// naming a kind it may not read is 403). Keyset-paginated (`limit`, `cursor`); `score`
/// is comparable between hits of one search. At most 1000 matches are ranked (a server
/// setting): the most recently changed ones the caller may read, so a very common word
/// finds the best of its recent matches, and more words, `types` or `updated_since`
/// reach older ones; the pages of one search walk that one ranked set. Every list's `q`
/// finds every match. 400 `search_query_empty` for a `q` without a word,
/// `search_query_too_long` for one over 200 characters.
#[utoipa::path(
    tag = "search",
    params(SearchQuery),
    security((), ("bearer" = []), ("api_token" = ["positions:read", "consultations:read", "projects:read", "associations:read"])),
    responses(
        (status = 200, description = "A page of hits", body = SearchPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 400, response = crate::http::responses::BadRequest),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let request = service::request(&principal, query.0)?;
    let bounds = service::Bounds {
        candidates: state.config.search_candidates,
        timeout: state.config.pool.acquire_timeout,
    };
    let page = state
        .db
        .run(move |conn| service::search(conn, request, bounds))
        .await?;
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}
