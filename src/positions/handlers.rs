//! HTTP layer of positions: extract, authorize (per object, in `auth::policy`), run the
//! repository inside one transaction, shape the response.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, get, patch, post, web};
use futures_util::future::{LocalBoxFuture, ready};
use serde::de::DeserializeOwned;
use validator::Validate;

use super::dto::{
    CoSignRequest, CoSignerPath, CreatePosition, CreateResponse, Position, PositionHistory,
    PositionListQuery, PositionPage, PositionPath, PositionTransition, TransitionRequest,
    UpdatePosition, normalize_topic,
};
use super::model::{CoSignerRow, NewResponse, PositionFields, PositionRow};
use super::repo::{self, ListFilter, Move};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::{Scope, fold_for_search};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

/// How often an adoption is retried when a concurrent one took its number.
const NUMBERING_ATTEMPTS: usize = 3;

fn location(id: i64) -> String {
    format!("/api/v1/positions/{id}")
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("position {id} does not exist"))
}

/// The position, if this principal may see it: drafts (and drafts withdrawn before
/// adoption) only for admins and editors of the adopting association; 404 for others,
/// as if it did not exist.
fn load_visible(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<PositionRow> {
    repo::find(conn, id)?
        .filter(|row| row.published || policy::can_see_draft(principal, row.association_id))
        .ok_or_else(|| not_found(id))
}

/// Every signature added, withdrawn or redated through the position's own body needs
/// what `POST`/`DELETE /positions/{id}/co-signers/{organization_id}` need; signatures
/// left as they were do not.
fn check_co_signer_changes(
    principal: &Principal,
    before: &[CoSignerRow],
    after: &[CoSignerRow],
) -> ApiResult<()> {
    let changed = before
        .iter()
        .filter(|signer| !after.contains(signer))
        .chain(after.iter().filter(|signer| !before.contains(signer)));
    for signer in changed {
        policy::can_co_sign(principal, signer.organization_id)?;
    }
    Ok(())
}

/// Organization ids are positive: a path naming `0` is malformed (400), whatever the
/// state of the position (it would otherwise meet the If-Match check first).
fn check_organization_id(organization_id: i64) -> ApiResult<()> {
    if organization_id < 1 {
        return Err(ApiError::new(
            Code::InvalidPath,
            "a path parameter is not valid (ids are positive whole numbers)",
        ));
    }
    Ok(())
}

/// A JSON body that may be left out entirely, or be `null` (then `T::default()`).
pub struct OptionalJson<T>(pub T);

/// `null` or a `T`.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct OrNull<T>(Option<T>);

impl<T: Validate> Validate for OrNull<T> {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        self.0.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T> FromRequest for OptionalJson<T>
where
    T: DeserializeOwned + Validate + Default + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let no_body = length == Some("0")
            || (length.is_none()
                && !headers.contains_key(header::CONTENT_TYPE)
                && !headers.contains_key(header::TRANSFER_ENCODING));
        if no_body {
            return Box::pin(ready(Ok(OptionalJson(T::default()))));
        }
        let body = Json::<OrNull<T>>::from_request(req, payload);
        Box::pin(async move {
            body.await
                .map(|json| OptionalJson(json.0.0.unwrap_or_default()))
        })
    }
}

/// List positions, appeals, interventions, opinions and resolutions.
///
/// Newest adoption first by default (positions not adopted yet come first). Drafts
/// appear only for administrators and editors of the adopting association.
/// Keyset-paginated (`limit`, `cursor`).
#[utoipa::path(
    tag = "positions",
    params(PositionListQuery),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "A page of positions (without their bodies)", body = PositionPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/positions")]
pub async fn list_positions(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PositionListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    let query = query.0;
    if let (Some(from), Some(to)) = (query.adopted_from, query.adopted_to)
        && from > to
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("adopted_from ({from}) is after adopted_to ({to})"),
        ));
    }
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
    let limit = query.limit;
    let filter = ListFilter {
        drafts: policy::visible_drafts(&principal),
        association: query.association,
        kind: query.kind.map(|k| k.as_str()),
        status: query.status.map(|s| s.as_str()),
        topic: query.topic.as_deref().map(normalize_topic),
        adopted_from: query.adopted_from,
        adopted_to: query.adopted_to,
        register_number: query.register_number.map(String::from),
        addressee: query.addressee,
        co_signer: query.co_signer,
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        sort,
        after,
        fetch: fetch_size(limit),
    };
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            let rows = repo::list(conn, &filter)?;
            let (rows, next_cursor) =
                split_page(rows, limit, |(row, _)| repo::cursor_after(row, sort));
            Ok((repo::with_related(conn, rows)?, next_cursor))
        })
        .await?;
    let page = PositionPage {
        items: items.into_iter().map(Position::into_list_item).collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One position, with its body and every related organization embedded.
///
/// A draft is found only by administrators and editors of the adopting association.
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "The position", body = Position,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/positions/{id}")]
pub async fn get_position(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PositionPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    let id = path.into_inner().id;
    let position = state
        .db
        .run(move |conn| {
            // Two statements: the row with its association, then everything related.
            let row = repo::find_with_association(conn, id)?
                .filter(|(row, _)| {
                    row.published || policy::can_see_draft(&principal, row.association_id)
                })
                .ok_or_else(|| not_found(id))?;
            repo::with_related(conn, vec![row])?
                .pop()
                .ok_or_else(|| not_found(id))
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), position.version, position))
}

/// Create a position (as a draft).
///
/// Administrators, and editors of the adopting association. The new position is a
/// `draft`; move it through its lifecycle with `POST /positions/{id}/transitions`.
#[utoipa::path(
    tag = "positions",
    request_body = CreatePosition,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 201, description = "Created", body = Position,
         headers(("Location" = String, description = "URL of the new position"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/positions")]
pub async fn create_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreatePosition>,
) -> ApiResult<HttpResponse> {
    policy::can_write_position(&principal, body.0.association_id)?;
    let (fields, links) = body.0.into_parts();
    check_co_signer_changes(&principal, &[], &links.co_signers)?;
    let actor = principal.actor();
    let consultations = policy::visible_consultation_drafts(&principal);
    let position = state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, None)?;
            let row = repo::insert(conn, &actor, &consultations, fields, links)?;
            repo::find_full(conn, row)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location(position.id)));
    Ok(with_etag(response, position.version, position))
}

/// Change a position (JSON merge patch).
///
/// Needs `If-Match`. Lists (`topics`, `addressee_ids`, `co_signers`, `attachments`) replace
/// the whole list; co-signers only before the position is sent. The status changes only
/// through `/transitions`.
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    request_body = UpdatePosition,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Changed", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/positions/{id}")]
pub async fn update_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
    body: Json<UpdatePosition>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let patch = body.0;
    let position = state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, Some(id))?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_write_position(&principal, current.association_id)?;
            let expected = if_match.expected(current.version)?;
            if let Some(association_id) = patch.association_id
                && association_id != current.association_id
            {
                policy::can_write_position(&principal, association_id)?;
            }
            let current_links = repo::links(conn, id)?;
            let mut fields = PositionFields::from(current.clone());
            let mut links = current_links.clone();
            patch.apply(&mut fields, &mut links);
            check_co_signer_changes(&principal, &current_links.co_signers, &links.co_signers)?;
            let row = repo::update(
                conn,
                &principal.actor(),
                &policy::visible_consultation_drafts(&principal),
                &current,
                current_links,
                expected,
                fields,
                links,
            )?;
            repo::find_full(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), position.version, position))
}

/// Delete a draft or withdrawn position.
///
/// Needs `If-Match`. Adopted, sent, answered and closed positions are part of the record:
/// withdraw them first (409 `position_not_deletable`).
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/positions/{id}")]
pub async fn delete_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, Some(id))?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_write_position(&principal, current.association_id)?;
            let expected = if_match.expected(current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a position through its lifecycle.
///
/// `draft → adopted → sent → answered → closed`, and `withdrawn` from `draft`, `adopted` or
/// `sent`; any other move is 409 `illegal_transition` naming the allowed ones. Adoption
/// needs a title, a body and an adoption date (`on`, or the draft's `adopted_on`), else
/// 422 naming what is missing, and numbers the position `N/YYYY` (the next number of the
/// association in the year of adoption) unless it has a number. Needs `If-Match`.
#[utoipa::path(
    tag = "positions",
    params(PositionPath, crate::http::responses::IfMatchHeader),
    request_body = TransitionRequest,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Moved", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[post("/positions/{id}/transitions")]
pub async fn transition_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    if_match: IfMatch,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let request = Move {
        to: body.0.to,
        on: body.0.on,
        note: body.0.note.map(|n| n.trim().to_owned()),
    };
    let mut attempt = 1;
    let position = loop {
        let (principal, if_match, request) = (principal.clone(), if_match.clone(), request.clone());
        let result = state
            .db
            .transaction(move |conn| {
                repo::begin_write(conn, Some(id))?;
                let current = load_visible(conn, &principal, id)?;
                policy::can_write_position(&principal, current.association_id)?;
                let expected = if_match.expected(current.version)?;
                let row = repo::transition(conn, &principal.actor(), &current, expected, &request)?;
                repo::find_full(conn, row)
            })
            .await;
        match result {
            // A concurrent adoption took the number between our read and our write: the
            // unique index refused it; the next attempt reads the new highest number.
            Err(error) if error.code() == Code::AlreadyExists && attempt < NUMBERING_ATTEMPTS => {
                attempt += 1;
            }
            other => break other?,
        }
    };
    Ok(with_etag(HttpResponse::Ok(), position.version, position))
}

/// The history of a position: every move with its date, note and actor, oldest first.
///
/// The moves of `POST /positions/{id}/transitions` (adopted, sent, answered, closed,
/// withdrawn). A draft is found only by administrators and editors of the adopting
/// association.
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    security((), ("bearer" = []), ("api_token" = ["positions:read"])),
    responses(
        (status = 200, description = "The moves, the creation first", body = PositionHistory),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/positions/{id}/history")]
pub async fn position_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<PositionPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::PositionsRead)?;
    let id = path.into_inner().id;
    let rows = state
        .db
        .run(move |conn| {
            load_visible(conn, &principal, id)?;
            repo::history(conn, id)
        })
        .await?;
    let history = PositionHistory {
        items: rows
            .into_iter()
            .map(|row| PositionTransition {
                id: row.id,
                from: row.from_status,
                to: row.to_status,
                on: row.on_date,
                note: row.note,
                actor_user_id: row.actor_user_id,
                created_at: crate::time::to_utc(row.created_at),
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(history))
}

/// Co-sign a position in the name of an organization.
///
/// Administrators, and editors of that organization; only before the position is sent
/// (409 `position_already_sent` after). The body is optional (`signed_on` defaults to today).
#[utoipa::path(
    tag = "positions",
    params(CoSignerPath),
    request_body(content = Option<CoSignRequest>, description = "Optional: the date of signing"),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 200, description = "Co-signed; the position with its co-signers", body = Position,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
    )
)]
#[post("/positions/{id}/co-signers/{organization_id}")]
pub async fn co_sign_position(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CoSignerPath>,
    body: OptionalJson<CoSignRequest>,
) -> ApiResult<HttpResponse> {
    let CoSignerPath {
        id,
        organization_id,
    } = path.into_inner();
    check_organization_id(organization_id)?;
    let signed_on = body.0.signed_on.unwrap_or_else(repo::today);
    let position = state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, Some(id))?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_co_sign(&principal, organization_id)?;
            let row = repo::co_sign(
                conn,
                &principal.actor(),
                &current,
                organization_id,
                signed_on,
            )?;
            repo::find_full(conn, row)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), position.version, position))
}

/// Withdraw an organization's signature.
///
/// Administrators, and editors of that organization; only before the position is sent.
/// Needs `If-Match` with the position's `ETag`.
#[utoipa::path(
    tag = "positions",
    params(CoSignerPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 204, description = "The signature is withdrawn"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/positions/{id}/co-signers/{organization_id}")]
pub async fn remove_co_signer(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<CoSignerPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let CoSignerPath {
        id,
        organization_id,
    } = path.into_inner();
    check_organization_id(organization_id)?;
    state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, Some(id))?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_co_sign(&principal, organization_id)?;
            let expected = if_match.expected(current.version)?;
            repo::remove_co_signer(
                conn,
                &principal.actor(),
                &current,
                expected,
                organization_id,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record an addressee's reply.
///
/// Administrators, and editors of the adopting association; only once the position is
/// sent. A `sent` position becomes `answered` (kept in its history).
#[utoipa::path(
    tag = "positions",
    params(PositionPath),
    request_body = CreateResponse,
    security(("bearer" = []), ("api_token" = ["positions:write"])),
    responses(
        (status = 201, description = "Recorded; the position with its replies", body = Position,
         headers(("Location" = String, description = "URL of the position"), ("ETag" = String, description = "Its new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/positions/{id}/responses")]
pub async fn add_position_response(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<PositionPath>,
    body: Json<CreateResponse>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let body = body.0;
    let attachment = body
        .attachment
        .map(crate::positions::model::AttachmentData::from);
    let response = NewResponse {
        position_id: id,
        received_on: body.received_on,
        from_organization_id: body.from_id,
        summary: body.summary.trim().to_owned(),
        attachment_title: attachment.as_ref().map(|a| a.title.clone()),
        attachment_url: attachment.as_ref().map(|a| a.url.clone()),
        attachment_media_type: attachment.as_ref().and_then(|a| a.media_type.clone()),
        attachment_size_bytes: attachment.as_ref().and_then(|a| a.size_bytes),
        created_at: crate::time::now(),
    };
    let position = state
        .db
        .transaction(move |conn| {
            repo::begin_write(conn, Some(id))?;
            let current = load_visible(conn, &principal, id)?;
            policy::can_write_position(&principal, current.association_id)?;
            let row = repo::add_response(conn, &principal.actor(), &current, response)?;
            repo::find_full(conn, row)
        })
        .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, location(position.id)));
    Ok(with_etag(created, position.version, position))
}
