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
use crate::domain::Scope;
use crate::error::ApiResult;
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::{Cursor, Listing, PageRequest};
use crate::write::{self, Expected};

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

/// The timeline of one association.
pub(crate) struct MilestoneList {
    id_or_slug: String,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    updated_since: Option<chrono::NaiveDateTime>,
}

impl Listing for MilestoneList {
    type Sort = MilestoneSort;
    type Row = MilestoneRow;
    type Item = Milestone;

    fn rows(
        &self,
        conn: &mut DbConnection,
        page: &PageRequest<MilestoneSort>,
    ) -> ApiResult<Vec<MilestoneRow>> {
        let association = sub::association(conn, &self.id_or_slug)?;
        let filter = ListFilter {
            association_id: association.id,
            from: self.from,
            to: self.to,
            updated_since: self.updated_since,
        };
        repo::list(conn, &filter, page)
    }

    fn cursor(row: &MilestoneRow, sort: MilestoneSort) -> Cursor {
        repo::cursor_after(row, sort)
    }

    fn render(_: &mut DbConnection, rows: Vec<MilestoneRow>) -> ApiResult<Vec<Milestone>> {
        Ok(rows.into_iter().map(Milestone::from).collect())
    }
}

pub(crate) fn list_request(
    principal: &Principal,
    id_or_slug: String,
    query: MilestoneListQuery,
) -> ApiResult<(MilestoneList, PageRequest<MilestoneSort>)> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let listing = MilestoneList {
        id_or_slug,
        from: query.from,
        to: query.to,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((listing, page))
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
    sub::write(state, id_or_slug, move |conn, association| {
        policy::can_manage_milestones(&principal, association.id)?;
        let fields = body.into_fields(association.id);
        check_dates(&fields)?;
        write::create::<Milestones>(conn, &principal.actor(), &fields, &fields)
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
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path;
    sub::write(state, id_or_slug, move |conn, association| {
        policy::can_manage_milestones(&principal, association.id)?;
        let current = find_milestone(conn, association.id, milestone_id)?;
        let expected = Expected::from_header(&if_match, current.version)?;
        let before = MilestoneFields::from(&current);
        let mut fields = before.clone();
        patch.apply(&mut fields);
        check_dates(&fields)?;
        if fields == before {
            return Ok(current);
        }
        write::update::<Milestones, _>(
            conn,
            &principal.actor(),
            &current,
            expected,
            &fields,
            (&before, &fields),
        )
    })
    .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    path: MilestonePath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let MilestonePath {
        id_or_slug,
        milestone_id,
    } = path;
    sub::write(state, id_or_slug, move |conn, association| {
        policy::can_manage_milestones(&principal, association.id)?;
        let current = find_milestone(conn, association.id, milestone_id)?;
        let expected = Expected::from_header(&if_match, current.version)?;
        let snapshot = MilestoneFields::from(&current);
        write::delete::<Milestones>(conn, &principal.actor(), &current, expected, &snapshot)
    })
    .await
}
