use actix_web::{HttpRequest, HttpResponse, get, web};

use super::dto::{ChangePage, ChangesQuery};
use super::service;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::http::AppState;
use crate::pagination::page_response;

/// The change feed: every committed create, update and delete, oldest first.
///
/// Follow `next_cursor` (always given, also on the last page) to get what changes next:
/// a client that does never misses a change and never sees one twice, even while
/// writes commit concurrently on several instances. A change is listed once it has
/// committed and every transaction that started before it has ended, so the newest
/// changes may take a moment to appear.
///
/// A caller sees only changes to what it may read: anonymous callers and viewers the
/// published objects; editors also the drafts of their associations; a partner token
/// the types its read scopes cover (`associations:read` for organizations and their
/// memberships, presidencies and milestones, `positions:read`, `consultations:read`
/// for consultations and their comments, `projects:read` for projects, indicators and
/// events) and its organization's drafts; administrators everything, people and
/// tokens included. A draft appears to others when it is published, as `created`; an
/// object deleted (or taken back from the public) leaves a `deleted` tombstone.
#[utoipa::path(
    tag = "changes",
    params(ChangesQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read", "positions:read", "consultations:read", "projects:read"])),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"`: the same query with `cursor=next_cursor`"))),
        (status = 400, response = crate::http::responses::BadRequest),
        (status = 401, response = crate::http::responses::Unauthorized),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/changes")]
pub async fn list_changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ChangesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = service::list(&state, principal, query.cursor, query.limit, query.types).await?;
    Ok(page_response(&req, &page, Some(&page.next_cursor)))
}
