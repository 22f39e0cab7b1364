//! What the sub-resources of an association (members, presidencies, milestones) share:
//! the association named in the path, found once per request inside the request's
//! database turn, and the shape of their answers.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDate;
use serde::Serialize;

use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::edit::Held;
use crate::error::{ApiError, ApiResult};
use crate::extract::IfMatch;
use crate::http::{AppState, tagged, with_etag};
use crate::organizations::model::OrganizationRow;
use crate::organizations::service::{KindScope, find_in_scope};
use crate::pagination::{Children, PageRequest, Sort};
use crate::write::{Expected, Versioned};

/// The association of the path, or 404 (also for an organization of another kind).
pub(crate) fn association(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<OrganizationRow> {
    find_in_scope(conn, KindScope::Associations, id_or_slug)
}

/// A list under `/associations/{id_or_slug}/…`: `associations:read`, the page, and the
/// filter waiting for the association, which the list finds in its own turn.
pub(crate) type Under<F> = Children<String, F>;

pub(crate) fn list_request<F, S: Sort>(
    principal: &Principal,
    id_or_slug: String,
    (sort, cursor, limit): (Option<S>, Option<&str>, Option<i64>),
    filter: impl FnOnce() -> ApiResult<F>,
) -> ApiResult<(Under<F>, PageRequest<S>)> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    let page = PageRequest::new(sort, cursor, limit)?;
    let parent = id_or_slug;
    Ok((
        Children {
            parent,
            filter: filter()?,
        },
        page,
    ))
}

/// A read under `/associations/{id_or_slug}/…`: `associations:read`, then `work` with
/// the association, in one database turn.
pub(crate) async fn read<T, F>(
    state: &AppState,
    principal: &Principal,
    id_or_slug: String,
    work: F,
) -> ApiResult<T>
where
    F: FnOnce(&mut DbConnection, OrganizationRow) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    policy::can_read(principal, Scope::AssociationsRead)?;
    state
        .run(move |conn| {
            let association = association(conn, &id_or_slug)?;
            work(conn, association)
        })
        .await
}

/// A write under `/associations/{id_or_slug}/…`: one transaction that starts by
/// finding the association (authorization is the caller's, it differs per resource).
pub(crate) async fn write<T, F>(state: &AppState, id_or_slug: String, work: F) -> ApiResult<T>
where
    F: FnOnce(&mut DbConnection, OrganizationRow) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    state
        .transaction(move |conn| {
            let association = association(conn, &id_or_slug)?;
            work(conn, association)
        })
        .await
}

/// How the writes of a sub-resource find their row: who may change the association's
/// rows of this kind (403), and the row under the association (404). The sub-resources'
/// [`edit::Guard`](crate::edit::Guard): their rows are found under a path's association.
pub(crate) struct Child<T: Versioned> {
    pub may: fn(&Principal, i64) -> ApiResult<()>,
    pub find: fn(&mut DbConnection, i64, i64) -> ApiResult<T::Row>,
}

impl<T> Child<T>
where
    T: Versioned + 'static,
    T::Row: Send + 'static,
{
    /// A new row under `/associations/{id_or_slug}/…`: one transaction that finds the
    /// association and checks `may`, then runs `work`.
    pub async fn create<O, F>(
        self,
        state: &AppState,
        principal: Principal,
        id_or_slug: String,
        work: F,
    ) -> ApiResult<O>
    where
        O: Send + 'static,
        F: FnOnce(&mut DbConnection, &Principal, OrganizationRow) -> ApiResult<O> + Send + 'static,
    {
        write(state, id_or_slug, move |conn, association| {
            (self.may)(&principal, association.id)?;
            work(conn, &principal, association)
        })
        .await
    }

    /// A change of one row under `/associations/{id_or_slug}/…`: one transaction that
    /// finds the association, checks `may`, finds the row and checks `If-Match`
    /// (428/412), then runs `work`.
    pub async fn change<O, F>(
        self,
        state: &AppState,
        principal: Principal,
        (id_or_slug, child_id, if_match): (String, i64, IfMatch),
        work: F,
    ) -> ApiResult<O>
    where
        O: Send + 'static,
        F: FnOnce(&mut DbConnection, OrganizationRow, Held<T::Row>) -> ApiResult<O>
            + Send
            + 'static,
    {
        write(state, id_or_slug, move |conn, association| {
            (self.may)(&principal, association.id)?;
            let current = (self.find)(conn, association.id, child_id)?;
            let expected = Expected::from_header(&if_match, T::version(&current))?;
            let held = Held {
                principal,
                current,
                expected,
            };
            work(conn, association, held)
        })
        .await
    }
}

/// The organization a stored row points at (a member, a holder); the foreign key
/// guarantees it, so its absence is a 500.
pub(crate) fn linked_organization(
    conn: &mut DbConnection,
    id: i64,
    what: &'static str,
) -> ApiResult<OrganizationRow> {
    crate::organizations::repo::find(conn, id)?.ok_or_else(|| ApiError::internal(what))
}

/// 404 for a sub-resource id that is not under this association.
pub(crate) fn not_under(noun: &str, id: i64, parent: &str) -> ApiError {
    ApiError::not_found(format!("{noun} {id} does not exist in this {parent}"))
}

/// The last day (`end`, optional) may not come before the first (`start`); both
/// are inclusive.
pub(crate) fn check_date_range(
    (start_name, start): (&str, NaiveDate),
    (end_name, end): (&'static str, Option<NaiveDate>),
) -> ApiResult<()> {
    match end {
        Some(end) if end < start => Err(ApiError::invalid_field(
            end_name,
            "invalid_date_range",
            format!("{end_name} ({end}) is before {start_name} ({start})"),
        )),
        _ => Ok(()),
    }
}

/// 201 with the new sub-resource's `Location` and `ETag`.
pub(crate) fn created(location: String, version: i64, body: impl Serialize) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    with_etag(response, version, body)
}

/// 200 with the sub-resource and its `ETag`.
pub(crate) fn found(version: i64, body: impl Serialize) -> HttpResponse {
    tagged(version, body)
}
