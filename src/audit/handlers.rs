use actix_web::{HttpRequest, HttpResponse, get, web};

use super::dto::{AuditEntry, AuditPage, AuditQuery};
use super::repo::{self, AuditFilter};
use crate::auth::{SignedIn, policy};
use crate::error::ApiResult;
use crate::extract::Query;
use crate::http::AppState;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

/// The audit log (administrators): who changed what and when, newest first.
///
/// Filter by `actor`, `object_type`, `object_id` and `since`; keyset-paginated (`limit`,
/// `cursor`). Each record names the person or API token that acted, the request id and
/// the changes; secrets (passwords, token secrets) are never recorded.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit records", body = AuditPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    query: Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    policy::require_admin(&principal)?;
    let query = query.0;
    let filter = AuditFilter {
        actor: query.actor,
        object_type: query.object_type,
        object_id: query.object_id,
        since: query.since.map(|t| t.naive_utc()),
        before_id: query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, "-id"))
            .transpose()?
            .map(|c| c.id),
        fetch: fetch_size(query.limit),
    };
    let rows = state.db.run(move |conn| repo::list(conn, &filter)).await?;
    let (rows, next_cursor) = split_page(rows, query.limit, |row| Cursor {
        sort: "-id".to_owned(),
        key: None,
        id: row.id,
    });
    let page = AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}
