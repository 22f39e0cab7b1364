//! The use cases of milestones: an association's timeline, one milestone, add, change
//! and delete.

use super::dto::{
    CreateMilestone, Milestone, MilestoneListQuery, MilestonePath, MilestoneSort, UpdateMilestone,
};
use super::model::{MilestoneFields, MilestoneRow};
use super::repo::{self, ListFilter, Milestones};
use crate::associations::sub;
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::edit::{self, Edit};
use crate::error::ApiResult;
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::{PageRequest, since};
use crate::write::{self};

const MILESTONE: sub::Child<Milestones> = sub::Child {
    may: policy::can_manage_milestones,
    find: find_milestone,
};

fn find_milestone(
    conn: &mut DbConnection,
    association_id: i64,
    milestone_id: i64,
) -> ApiResult<MilestoneRow> {
    repo::find(conn, association_id, milestone_id)?
        .ok_or_else(|| sub::not_under("milestone", milestone_id, "association"))
}

/// `end_date` may not come before `date`.
fn check_dates(fields: &MilestoneFields) -> ApiResult<()> {
    sub::check_date_range(("date", fields.starts_on), ("end_date", fields.ends_on))
}

crate::listing! {
    /// The timeline of one association.
    sub::Under<ListFilter>: MilestoneSort, MilestoneRow => Milestone;
    rows(list, conn, page) = {
        let association = sub::association(conn, &list.parent)?;
        repo::list(conn, association.id, &list.filter, page)
    };
    cursor(row, sort) = repo::cursor_after(row, sort);
    render(_, rows) = Ok(rows.into_iter().map(Milestone::from).collect());
}

pub(crate) fn list_request(
    principal: &Principal,
    id_or_slug: String,
    query: MilestoneListQuery,
) -> ApiResult<(sub::Under<ListFilter>, PageRequest<MilestoneSort>)> {
    let filter = || {
        Ok(ListFilter {
            from: query.from,
            to: query.to,
            updated_since: since(query.updated_since),
        })
    };
    let page = (query.sort, query.cursor.as_deref(), query.limit);
    sub::list_request(principal, id_or_slug, page, filter)
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    path: MilestonePath,
) -> ApiResult<MilestoneRow> {
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path;
    sub::read(state, principal, id_or_slug, move |conn, association| {
        find_milestone(conn, association.id, milestone_id)
    })
    .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    id_or_slug: String,
    body: CreateMilestone,
) -> ApiResult<MilestoneRow> {
    MILESTONE
        .create(state, principal, id_or_slug, move |conn, who, parent| {
            let fields = body.into_fields(parent.id);
            check_dates(&fields)?;
            write::create::<Milestones>(conn, &who.actor(), &fields, &fields)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    path: MilestonePath,
    if_match: IfMatch,
    patch: UpdateMilestone,
) -> ApiResult<MilestoneRow> {
    let at = (path.id_or_slug, path.milestone_id, if_match);
    MILESTONE
        .change(state, principal, at, move |conn, _, held| {
            let edit =
                Edit::<Milestones>::new(held.current, held.expected, |fields| patch.apply(fields));
            check_dates(&edit.fields)?;
            if edit.unchanged() {
                return Ok(edit.current);
            }
            edit.save(conn, &held.principal.actor())
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    path: MilestonePath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let at = (path.id_or_slug, path.milestone_id, if_match);
    MILESTONE
        .change(state, principal, at, move |conn, _, held| {
            edit::delete::<Milestones>(conn, &held)
        })
        .await
}
