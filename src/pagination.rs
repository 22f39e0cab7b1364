//! Keyset pagination: opaque cursors, pages and the `Link: rel="next"` header.
//!
//! A cursor names the sort it was made for and the last row's sort key and id, so
//! the next page is `WHERE (key, id) > (…)`: page 1000 costs what page 1 costs.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::db::{Db, DbConnection};
use crate::error::{ApiError, ApiResult, Code};
use crate::export::Encoder;
use crate::http::AppState;
use crate::http::page_cache::{PageKey, RenderedPage};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;
/// Rows per database turn of an export: few turns for a large set, little held at once
/// (one page of rows and its encoded bytes).
pub const EXPORT_PAGE: i64 = 250;

/// Position after the last row of a page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cursor {
    /// The sort the cursor belongs to.
    #[serde(rename = "s")]
    pub sort: String,
    /// The last row's sort key (absent when sorting by id only).
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The last row's id, the tie-breaker.
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        // Serializing a struct of strings and integers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes a cursor made for `sort`; anything else is a 400.
    pub fn decode(raw: &str, sort: &str) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::new(
                Code::InvalidCursor,
                "the cursor is not one this list returned; start again without it",
            )
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(raw.trim_end_matches('='))
            .map_err(|_| invalid())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if cursor.sort != sort {
            return Err(ApiError::new(
                Code::InvalidCursor,
                format!(
                    "the cursor was made for sort '{}', not '{sort}'; keep the sort while paging",
                    cursor.sort
                ),
            ));
        }
        Ok(cursor)
    }
}

impl Cursor {
    fn invalid() -> ApiError {
        ApiError::new(
            Code::InvalidCursor,
            "the cursor is not one this list returned",
        )
    }

    /// The position after the last row, for [`keyset!`], with a text key (names, codes).
    pub fn text_position(&self) -> Result<(String, i64), ApiError> {
        Ok((self.key.clone().ok_or_else(Self::invalid)?, self.id))
    }

    /// The position with a date key.
    pub fn date_position(&self) -> Result<(chrono::NaiveDate, i64), ApiError> {
        let key = self.key.as_deref().and_then(crate::time::from_date_key);
        Ok((key.ok_or_else(Self::invalid)?, self.id))
    }

    /// The position with a whole-number key.
    pub fn integer_position(&self) -> Result<(i64, i64), ApiError> {
        let key = self.key.as_deref().and_then(|k| k.parse().ok());
        Ok((key.ok_or_else(Self::invalid)?, self.id))
    }

    /// The position with a timestamp key.
    pub fn timestamp_position(&self) -> Result<(chrono::NaiveDateTime, i64), ApiError> {
        let key = self.key.as_deref().and_then(crate::time::from_cursor_key);
        Ok((key.ok_or_else(Self::invalid)?, self.id))
    }
}

/// Orders a boxed diesel query by `(key, id)` and, given the `(key, id)` of the last
/// row seen, continues strictly after it. The redundant `key >= k` bound is what lets
/// both planners start the index scan at the cursor instead of filtering from the top.
#[macro_export]
macro_rules! keyset {
    ($query:expr, $key:expr, $id:expr, $after:expr, $ascending:expr) => {{
        let mut query = $query;
        let ascending: bool = $ascending;
        if let Some((key, id)) = $after {
            query = if ascending {
                query
                    .filter($key.ge(key.clone()))
                    .filter($key.gt(key.clone()).or($key.eq(key).and($id.gt(id))))
            } else {
                query
                    .filter($key.le(key.clone()))
                    .filter($key.lt(key.clone()).or($key.eq(key).and($id.lt(id))))
            };
        }
        if ascending {
            query.order(($key.asc(), $id.asc()))
        } else {
            query.order(($key.desc(), $id.desc()))
        }
    }};
}

/// A `?sort=` enum: its name goes into every cursor, so a cursor serves only its sort.
pub trait Sort: Copy + Default + Send + 'static {
    fn as_str(self) -> &'static str;
}

/// The paging part of a list request, decoded once: the sort, the position to continue
/// after (400 `invalid_cursor` for a cursor this list did not make), the page size.
#[derive(Debug, Clone)]
pub struct PageRequest<S> {
    pub sort: S,
    pub after: Option<Cursor>,
    limit: Option<i64>,
    /// An export's turn: [`EXPORT_PAGE`] rows, whatever `limit` said.
    export: bool,
}

impl<S: Sort> PageRequest<S> {
    pub fn new(sort: Option<S>, cursor: Option<&str>, limit: Option<i64>) -> ApiResult<Self> {
        let sort = sort.unwrap_or_default();
        let after = cursor
            .map(|raw| Cursor::decode(raw, sort.as_str()))
            .transpose()?;
        Ok(PageRequest {
            sort,
            after,
            limit,
            export: false,
        })
    }

    /// Rows to fetch: one more than the page, to learn whether a next page exists.
    pub fn fetch(&self) -> i64 {
        if self.export {
            EXPORT_PAGE + 1
        } else {
            fetch_size(self.limit)
        }
    }

    pub fn limit(&self) -> Option<i64> {
        self.limit
    }

    /// This page of a list filtered by `filter` in the page cache, validated by `kind`'s
    /// generation: the parsed request as text (so equal requests share an entry however
    /// their query strings were written).
    pub fn cache_key(&self, kind: &'static str, filter: &impl std::fmt::Debug) -> PageKey {
        PageKey {
            kind,
            request: format!(
                "{filter:?} {} {:?} {}",
                self.sort.as_str(),
                self.after,
                self.fetch()
            ),
        }
    }
}

/// One list of a resource: its query (the filter, with the SQL in the repository), the
/// cursor of a row, and how a page of rows becomes the items on the wire.
pub trait Listing: Send + 'static {
    type Sort: Sort;
    type Row: Send + 'static;
    type Item: Serialize + Send + 'static;

    /// At most `page.fetch()` rows after `page.after`, in `page.sort` order.
    fn rows(
        &self,
        conn: &mut DbConnection,
        page: &PageRequest<Self::Sort>,
    ) -> ApiResult<Vec<Self::Row>>;

    /// Where the page after `row` starts.
    fn cursor(row: &Self::Row, sort: Self::Sort) -> Cursor;

    /// The items of one page (embedded summaries fetched here, once per page).
    fn render(conn: &mut DbConnection, rows: Vec<Self::Row>) -> ApiResult<Vec<Self::Item>>;

    /// Where this request's JSON page is kept in the page cache (`http::page_cache`), if
    /// it may be: only a list whose pages change only through writes of one read-model
    /// kind, for a caller who sees only what everyone sees. `None` (the default): never.
    fn cache_key(&self, _page: &PageRequest<Self::Sort>) -> Option<PageKey> {
        None
    }

    /// Whether a page of these rows may be kept (every item is a stored document).
    fn cacheable(_rows: &[Self::Row]) -> bool {
        false
    }
}

/// Implements [`Listing`] in the words a list needs: its sort, row and item types, the
/// query of one page, a row's cursor and how a page of rows is rendered.
///
/// ```ignore
/// crate::listing! {
///     OrganizationList: OrganizationSort, OrganizationRow => Organization;
///     rows(list, conn, page) = repo::list(conn, &list.0, page);
///     cursor(row, sort) = repo::cursor_after(row, sort);
///     render(_conn, rows) = Ok(rows.into_iter().map(Organization::from).collect());
/// }
/// ```
#[macro_export]
macro_rules! listing {
    (
        $(#[$meta:meta])*
        $list:ty : $sort:ty, $row:ty => $item:ty;
        rows($this:pat, $conn:ident, $page:ident) = $rows:expr;
        cursor($crow:pat, $csort:pat) = $cursor:expr;
        render($rconn:pat, $rrows:ident) = $render:expr;
        $(cache($kthis:pat, $kpage:ident) = $cache:expr;
        cacheable($krows:ident) = $cacheable:expr;)?
    ) => {
        $(#[$meta])*
        impl $crate::pagination::Listing for $list {
            type Sort = $sort;
            type Row = $row;
            type Item = $item;

            fn rows(
                &self,
                $conn: &mut $crate::db::DbConnection,
                $page: &$crate::pagination::PageRequest<$sort>,
            ) -> $crate::error::ApiResult<Vec<$row>> {
                let $this = self;
                $rows
            }

            fn cursor($crow: &$row, $csort: $sort) -> $crate::pagination::Cursor {
                $cursor
            }

            fn render(
                $rconn: &mut $crate::db::DbConnection,
                $rrows: Vec<$row>,
            ) -> $crate::error::ApiResult<Vec<$item>> {
                $render
            }

            $(
            fn cache_key(
                &self,
                $kpage: &$crate::pagination::PageRequest<$sort>,
            ) -> Option<$crate::http::page_cache::PageKey> {
                let $kthis = self;
                $cache
            }

            fn cacheable($krows: &[$row]) -> bool {
                $cacheable
            }
            )?
        }
    };
}

/// A page of items as every list answers it.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Runs a list in one database turn and answers the page with its `Link` header: the
/// list prelude every list shares. When `Accept` asks for CSV or NDJSON, the answer is
/// the whole set instead, streamed ([`respond_export`]).
pub async fn respond_page<L: Listing>(
    state: &AppState,
    req: &HttpRequest,
    listing: L,
    page: PageRequest<L::Sort>,
) -> ApiResult<HttpResponse> {
    let format = crate::export::negotiate(req)?;
    if format != crate::export::Format::Json {
        return respond_export(state, req, listing, page, format).await;
    }
    let key = listing.cache_key(&page).filter(|_| state.pages.enabled());
    let pages = Arc::clone(&state.pages);
    let found = state
        .db
        .run(move |conn| {
            // The generation first, then the page: the page is at least as new as the
            // generation it is kept under, never older.
            let kept = match key {
                Some(key) => crate::db::read_docs::generation(conn, key.kind)?
                    .map(|generation| (key, generation)),
                None => None,
            };
            if let Some((key, generation)) = &kept
                && let Some(page) = pages.get(key, *generation)
            {
                return Ok(Found::Kept(page));
            }
            let rows = listing.rows(conn, &page)?;
            let kept = kept.filter(|_| L::cacheable(&rows));
            let (rows, next_cursor) = split_page(rows, page.limit, |row| L::cursor(row, page.sort));
            let body = Page {
                items: L::render(conn, rows)?,
                next_cursor,
            };
            Ok(Found::Read(body, kept))
        })
        .await?;
    let page = match found {
        Found::Kept(page) => page,
        Found::Read(body, kept) => {
            let page = RenderedPage::of(&body)?;
            if let Some((key, generation)) = kept {
                state.pages.put(key, generation, page.clone());
            }
            page
        }
    };
    let mut response = rendered_response(req, page);
    response
        .headers_mut()
        .append(header::VARY, header::HeaderValue::from_static("Accept"));
    Ok(response)
}

/// A JSON page as one turn found it: kept by the page cache, or read now (with where to
/// keep it, when it may be kept).
enum Found<T> {
    Kept(RenderedPage),
    Read(Page<T>, Option<(PageKey, i64)>),
}

impl RenderedPage {
    /// The body of a page and its `ETag` (a digest of the body, for `If-None-Match`).
    fn of<T: Serialize>(page: &Page<T>) -> ApiResult<Self> {
        let body = serde_json::to_vec(page).map_err(ApiError::internal)?;
        Ok(Self::from_bytes(body, page.next_cursor.clone()))
    }

    fn from_bytes(body: Vec<u8>, next_cursor: Option<String>) -> Self {
        RenderedPage {
            etag: crate::http::conditional::digest_tag(&body),
            body: web::Bytes::from(body),
            next_cursor,
        }
    }
}

/// One turn of an export: the bytes of a page, and the list with the request of the
/// next page when there is one (the list moves into each turn's blocking closure and
/// back out, so a `Listing` needs to be neither `Clone` nor `Sync`).
struct Turn<L: Listing> {
    bytes: Vec<u8>,
    next: Option<(L, PageRequest<L::Sort>)>,
}

async fn turn<L: Listing>(
    db: Db,
    encoder: Arc<Encoder>,
    listing: L,
    page: PageRequest<L::Sort>,
) -> ApiResult<Turn<L>> {
    db.run(move |conn| {
        let mut rows = listing.rows(conn, &page)?;
        let more = rows.len() as i64 > EXPORT_PAGE;
        rows.truncate(EXPORT_PAGE as usize);
        let after = more
            .then(|| rows.last().map(|row| L::cursor(row, page.sort)))
            .flatten();
        let bytes = encoder.encode(&L::render(conn, rows)?)?;
        let next = after.map(|after| {
            let page = PageRequest {
                after: Some(after),
                ..page
            };
            (listing, page)
        });
        Ok(Turn { bytes, next })
    })
    .await
}

/// The whole set of a list, with its filters and sort, as CSV or NDJSON: one database
/// turn per [`EXPORT_PAGE`] rows through the list's own `rows` / `cursor` / `render`
/// (so exactly what its JSON pages show this caller), sent as it is made. The stream
/// asks for the next turn only when the previous bytes were taken, so memory does not
/// grow with the set. `limit` is ignored; a `cursor` starts after that page.
///
/// The first turn runs before the answer starts, so a missing parent or a busy pool is
/// still a problem+json. A failure later cannot change the status any more: it is
/// logged with the request id and the body ends with an error, which aborts the
/// transfer (a chunked body without its last chunk) so the client sees it is incomplete.
async fn respond_export<L: Listing>(
    state: &AppState,
    req: &HttpRequest,
    listing: L,
    mut page: PageRequest<L::Sort>,
    format: crate::export::Format,
) -> ApiResult<HttpResponse> {
    page.export = true;
    let encoder = Arc::new(Encoder::for_request(req, format)?);
    let first = turn(state.db.clone(), Arc::clone(&encoder), listing, page).await?;
    let mut head = encoder.head()?;
    head.extend_from_slice(&first.bytes);
    let request_id = req
        .extensions()
        .get::<crate::request_id::RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let path = req.path().to_owned();
    let mut response = encoder.response(req, &state.config.data_license);
    let db = state.db.clone();
    let rest = futures_util::stream::unfold(first.next, move |next| {
        let (db, encoder) = (db.clone(), Arc::clone(&encoder));
        let (request_id, path) = (request_id.clone(), path.clone());
        async move {
            let (listing, page) = next?;
            match turn(db, encoder, listing, page).await {
                Ok(turn) => Some((Ok(web::Bytes::from(turn.bytes)), turn.next)),
                Err(error) => {
                    log::error!(
                        "the export of {path} stopped after a failed page: {error:?} request_id={request_id}"
                    );
                    Some((Err(std::io::Error::other("the export stopped")), None))
                }
            }
        }
    });
    let first = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(
        web::Bytes::from(head),
    )));
    Ok(response.streaming(futures_util::StreamExt::chain(first, rest)))
}

/// The first `max` items of a list in its order (the feeds): the list's own query and
/// rendering, so exactly what its JSON pages show, in pages of at most [`MAX_LIMIT`]
/// rows within one database turn.
pub async fn first_items<L: Listing>(
    db: &Db,
    listing: L,
    page: PageRequest<L::Sort>,
    max: usize,
) -> ApiResult<Vec<L::Item>> {
    db.run(move |conn| {
        let mut page = PageRequest {
            limit: Some(MAX_LIMIT),
            export: false,
            ..page
        };
        let mut items = Vec::new();
        while items.len() < max {
            let mut rows = listing.rows(conn, &page)?;
            let more = rows.len() as i64 > MAX_LIMIT;
            rows.truncate(MAX_LIMIT as usize);
            page.after = more
                .then(|| rows.last().map(|row| L::cursor(row, page.sort)))
                .flatten();
            items.extend(L::render(conn, rows)?);
            if page.after.is_none() {
                break;
            }
        }
        items.truncate(max);
        Ok(items)
    })
    .await
}

/// How many rows to fetch: one more than the page, to learn whether a next page exists.
pub fn fetch_size(limit: Option<i64>) -> i64 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) + 1
}

/// Cuts the extra row off and returns the cursor of the next page, if there is one.
pub fn split_page<T>(
    mut rows: Vec<T>,
    limit: Option<i64>,
    cursor_of: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let page_size = (fetch_size(limit) - 1) as usize;
    if rows.len() > page_size {
        rows.truncate(page_size);
        let next = rows.last().map(|row| cursor_of(row).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

/// 200 with the page body, its `ETag` (a digest of the body, for `If-None-Match`), a
/// short public `Cache-Control`, and `Link: <…>; rel="next"` when there is a next page.
pub fn page_response<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    next_cursor: Option<&str>,
) -> HttpResponse {
    match serde_json::to_vec(body) {
        Ok(bytes) => rendered_response(
            req,
            RenderedPage::from_bytes(bytes, next_cursor.map(str::to_owned)),
        ),
        // What `json` would do with a body that does not serialize.
        Err(_) => HttpResponse::Ok().json(body),
    }
}

/// [`page_response`] of a page already rendered (or kept by the page cache).
fn rendered_response(req: &HttpRequest, page: RenderedPage) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = page.next_cursor.as_deref() {
        let mut url = req.full_url();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| name != "cursor")
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("cursor", cursor);
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    response
        .insert_header(header::ETag(page.etag))
        .insert_header((
            header::CACHE_CONTROL,
            crate::http::conditional::LIST_CACHE_CONTROL,
        ))
        .content_type(header::ContentType::json())
        .body(page.body)
}

/// Declares the page type of a list: `{ "items": [...], "next_cursor": "…" | null }`.
/// Its example is the item's own example on a last page (no example given), one item's
/// and the next cursor (`null` or a string), or the whole page.
#[macro_export]
macro_rules! page_of {
    (@page $page:ident, $item:ty, $($example:tt)+) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        #[schema(example = $($example)+)]
        pub struct $page {
            /// The rows of this page.
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }
    };
    ($page:ident, $item:ident) => {
        $crate::page_of!(@page $page, $item, $crate::pagination::page_example::<$item>);
    };
    ($page:ident, $item:ty, { $($example:tt)* }, $next_cursor:tt) => {
        $crate::page_of!(
            @page $page,
            $item,
            json!({"items": [{ $($example)* }], "next_cursor": $next_cursor})
        );
    };
    ($page:ident, $item:ty, $($example:tt)+) => {
        $crate::page_of!(@page $page, $item, $($example)+);
    };
}

/// The example of a last page holding one item: `T`'s own example.
pub fn page_example<T: utoipa::PartialSchema>() -> serde_json::Value {
    let item = match T::schema() {
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object)) => {
            object.example.unwrap_or_default()
        }
        _ => serde_json::Value::Null,
    };
    serde_json::json!({"items": [item], "next_cursor": null})
}

/// Declares the `?sort=` values of a list (`-field` sorts descending).
#[macro_export]
macro_rules! text_enum_sort {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
        pub enum $name {
            #[default]
            $(#[serde(rename = $text)] $variant),+
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::domain::enum_schema(&[$($text),+])
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// The name a cursor records, so a cursor is only used with its own sort.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl $crate::pagination::Sort for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }
    };
}

/// Declares a query struct: its filters, then the fields in `{ $more }`; with `paged`
/// first, then also `limit` and `cursor` (the paging fields, written only here).
#[macro_export]
macro_rules! query_struct {
    (paged { $($more:tt)* } $($body:tt)*) => {
        $crate::query_struct!(
            {
                $($more)*
                /// Page size, 1-100 (default 20).
                #[param(minimum = 1, maximum = 100, example = 20)]
                #[validate(range(min = 1, max = 100))]
                pub limit: Option<i64>,
                /// The `next_cursor` of the previous page.
                #[param(min_length = 1, max_length = 512)]
                #[validate(length(min = 1, max = 512))]
                pub cursor: Option<String>,
            }
            $($body)*
        );
    };
    ({ $($more:tt)* } $(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams, validator::Validate)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            $($more)*
        }
    };
}

/// Declares a query struct: its filters, `updated_since` (documented by `$since`) and the
/// fields in `{ $more }`, then, with `paged`, `limit` and `cursor`.
#[macro_export]
macro_rules! query_params {
    ($since:literal, $($paged:ident)? { $($more:tt)* } $($body:tt)*) => {
        $crate::query_struct!(
            $($paged)?
            {
                #[doc = $since]
                #[param(value_type = Option<String>, format = DateTime, example = "2024-01-01T00:00:00Z")]
                pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
                $($more)*
            }
            $($body)*
        );
    };
}

/// Declares a list's query parameters: its filters plus `updated_since`, `limit` and `cursor`.
#[macro_export]
macro_rules! list_query {
    ($($body:tt)*) => {
        $crate::query_params!(
            " Only rows changed at or after this instant (RFC 3339), for delta synchronisation.",
            paged {}
            $($body)*
        );
    };
}

/// Declares the query parameters of a list without delta synchronisation (the audit log,
/// webhooks): its filters plus `limit` and `cursor`.
#[macro_export]
macro_rules! paged_query {
    ($($body:tt)*) => {
        $crate::query_struct!(paged {} $($body)*);
    };
}

/// The order of a list without `?sort=`: by id, oldest first (cursors say `id`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ById;

impl Sort for ById {
    fn as_str(self) -> &'static str {
        "id"
    }
}

/// By id, newest first (cursors say `-id`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByIdDesc;

impl Sort for ByIdDesc {
    fn as_str(self) -> &'static str {
        "-id"
    }
}

impl Cursor {
    /// The cursor of a list ordered by id only.
    pub fn by_id(sort: impl Sort, id: i64) -> Self {
        Cursor {
            sort: sort.as_str().to_owned(),
            key: None,
            id,
        }
    }
}

impl Cursor {
    /// The cursor after a row of a page read through the read model.
    pub fn after_stored(sort: impl Sort, row: &crate::db::read_docs::Stored) -> Self {
        Cursor {
            sort: sort.as_str().to_owned(),
            key: row.key.clone(),
            id: row.id,
        }
    }
}

impl Cursor {
    /// The cursor of a list ordered by a key, then by id.
    pub fn keyed(sort: impl Sort, key: String, id: i64) -> Self {
        Cursor {
            sort: sort.as_str().to_owned(),
            key: Some(key),
            id,
        }
    }
}

/// A list of the children of one parent named in the path (an association's members, a
/// project's indicators): the parent is looked up in the list's own database turn, where a
/// missing one is a 404, and its id completes the filter.
pub struct Children<P, F> {
    pub parent: P,
    pub filter: F,
}

/// `updated_since` as the rows store it.
pub fn since(
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<chrono::NaiveDateTime> {
    updated_since.map(|t| t.naive_utc())
}
