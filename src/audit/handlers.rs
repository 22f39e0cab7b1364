use actix_web::{HttpRequest, HttpResponse, get, web};

use super::dto::{AuditEntry, AuditPage, AuditQuery};
use super::model::AuditRow;
use super::repo::{self, AuditFilter};
use crate::auth::{SignedIn, policy};
use crate::error::ApiResult;
use crate::extract::Query;
use crate::http::AppState;
use crate::pagination::{ByIdDesc, Cursor, PageRequest, respond_page};

/// `GET /audit`, newest first.
struct AuditList(AuditFilter);

crate::listing! {
    AuditList: ByIdDesc, AuditRow => AuditEntry;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(_, rows) = Ok(rows.into_iter().map(AuditEntry::from).collect());
}

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
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    let filter = AuditFilter {
        actor: query.actor,
        object_type: query.object_type,
        object_id: query.object_id,
        since: query.since.map(|t| t.naive_utc()),
    };
    respond_page(&state, &req, AuditList(filter), page).await
}
