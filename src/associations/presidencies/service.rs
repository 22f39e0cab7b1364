//! The use cases of presidencies: the terms of an alliance, the term in force, add,
//! correct and delete a term, with the rules that tie terms to memberships.

use super::dto::{
    CreatePresidency, Presidency, PresidencyListQuery, PresidencyPath, PresidencySort,
    UpdatePresidency,
};
use super::model::{PresidencyFields, PresidencyRow};
use super::repo::{self, ListFilter, Presidencies};
use crate::associations::memberships::repo as memberships;
use crate::associations::sub;
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::edit::{self, Edit};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::model::OrganizationRow;
use crate::organizations::repo as organizations;
use crate::pagination::{PageRequest, since};
use crate::write::{self};

/// Presidencies belong to alliances only: 409 for any other association.
fn require_alliance(association: &OrganizationRow) -> ApiResult<()> {
    if association.kind == OrganizationKind::Alliance {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::NotAnAlliance,
            format!(
                "'{}' is of kind {}, not an alliance; only alliances have a rotating presidency",
                association.slug, association.kind
            ),
        ))
    }
}

/// The rules of a new or changed term: dates in order, a holder that exists and is
/// a member of the alliance on every day of the term, no overlap with another term.
fn check_term(
    conn: &mut DbConnection,
    fields: &PresidencyFields,
    except_id: Option<i64>,
) -> ApiResult<OrganizationRow> {
    check_dates(fields)?;
    let holder = organizations::find(conn, fields.holder_id)?.ok_or_else(|| {
        ApiError::invalid_field(
            "holder_id",
            "not_found",
            format!("organization {} does not exist", fields.holder_id),
        )
    })?;
    memberships::lock_association(conn, fields.alliance_id)?;
    if !memberships::covers(
        conn,
        fields.alliance_id,
        fields.holder_id,
        fields.starts_on,
        fields.ends_on,
    )? {
        return Err(ApiError::invalid_field(
            "holder_id",
            "holder_not_member",
            format!(
                "{} is not a member of the alliance on every day from {} to {}",
                holder.name, fields.starts_on, fields.ends_on
            ),
        ));
    }
    if let Some(other) = repo::overlapping(conn, fields, except_id)? {
        return Err(ApiError::new(
            Code::PresidencyOverlap,
            format!(
                "the term overlaps term {} ({} to {}); terms of one alliance may not share a day",
                other.id, other.starts_on, other.ends_on
            ),
        ));
    }
    Ok(holder)
}

/// `ends_on` may not come before `starts_on`.
fn check_dates(fields: &PresidencyFields) -> ApiResult<()> {
    sub::check_date_range(
        ("starts_on", fields.starts_on),
        ("ends_on", Some(fields.ends_on)),
    )
}

const TERM: sub::Child<Presidencies> = sub::Child {
    may: |principal, _| policy::can_manage_presidencies(principal),
    find: find_term,
};

fn find_term(
    conn: &mut DbConnection,
    alliance_id: i64,
    presidency_id: i64,
) -> ApiResult<PresidencyRow> {
    repo::find(conn, alliance_id, presidency_id)?
        .ok_or_else(|| sub::not_under("presidency term", presidency_id, "alliance"))
}

fn with_holder(conn: &mut DbConnection, row: PresidencyRow) -> ApiResult<Presidency> {
    let holder = sub::linked_organization(conn, row.holder_id, "presidency without holder")?;
    Ok(Presidency::new(row, &holder))
}

crate::listing! {
    /// The terms of one alliance (of any other association: none), each with its holder.
    sub::Under<ListFilter>: PresidencySort, (PresidencyRow, OrganizationRow) => Presidency;
    rows(list, conn, page) = {
        let alliance = sub::association(conn, &list.parent)?;
        repo::list(conn, alliance.id, &list.filter, page)
    };
    cursor(row, sort) = repo::cursor_after(row, sort);
    render(_, rows) = Ok(rows
        .into_iter()
        .map(|(row, holder)| Presidency::new(row, &holder))
        .collect());
}

pub(crate) fn list_request(
    principal: &Principal,
    id_or_slug: String,
    query: PresidencyListQuery,
) -> ApiResult<(sub::Under<ListFilter>, PageRequest<PresidencySort>)> {
    let filter = || {
        Ok(ListFilter {
            on: query.on,
            holder_id: query.holder_id,
            updated_since: since(query.updated_since),
        })
    };
    let page = (query.sort, query.cursor.as_deref(), query.limit);
    sub::list_request(principal, id_or_slug, page, filter)
}

/// The term in force today, or 404.
pub(crate) async fn current(
    state: &AppState,
    principal: &Principal,
    id_or_slug: String,
) -> ApiResult<Presidency> {
    sub::read(state, principal, id_or_slug, |conn, alliance| {
        let today = crate::time::today();
        let row = repo::in_force(conn, &[alliance.id], today)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "'{}' has no presidency in force today ({today})",
                    alliance.slug
                ))
            })?;
        with_holder(conn, row)
    })
    .await
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    path: PresidencyPath,
) -> ApiResult<Presidency> {
    let PresidencyPath {
        id_or_slug,
        presidency_id,
    } = path;
    sub::read(state, principal, id_or_slug, move |conn, alliance| {
        let row = find_term(conn, alliance.id, presidency_id)?;
        with_holder(conn, row)
    })
    .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    id_or_slug: String,
    body: CreatePresidency,
) -> ApiResult<Presidency> {
    TERM.create(state, principal, id_or_slug, move |conn, who, parent| {
        require_alliance(&parent)?;
        let fields = body.into_fields(parent.id);
        let holder = check_term(conn, &fields, None)?;
        let row = write::create::<Presidencies>(conn, &who.actor(), &fields, &fields)?;
        Ok(Presidency::new(row, &holder))
    })
    .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    path: PresidencyPath,
    if_match: IfMatch,
    patch: UpdatePresidency,
) -> ApiResult<Presidency> {
    let at = (path.id_or_slug, path.presidency_id, if_match);
    TERM.change(state, principal, at, move |conn, _, held| {
        let edit =
            Edit::<Presidencies>::new(held.current, held.expected, |fields| patch.apply(fields));
        let holder = check_term(conn, &edit.fields, Some(edit.current.id))?;
        if edit.unchanged() {
            return Ok(Presidency::new(edit.current, &holder));
        }
        let row = edit.save(conn, &held.principal.actor())?;
        Ok(Presidency::new(row, &holder))
    })
    .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    path: PresidencyPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let at = (path.id_or_slug, path.presidency_id, if_match);
    TERM.change(state, principal, at, move |conn, _, held| {
        edit::delete::<Presidencies>(conn, &held)
    })
    .await
}
