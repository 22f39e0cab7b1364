//! Every query on projects and their partners, funding and goals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::ProjectSort;
use super::model::{FundingData, FundingRow, PartnerData, ProjectFields, ProjectLinks, ProjectRow};
use crate::db::DbConnection;
use crate::db::read_docs::Stored;
use crate::db::schema::{project_funding, project_goals, project_partners, projects, read_docs};
use crate::domain::{PartnerRole, ProjectStatus};
use crate::error::ApiResult;
use crate::pagination::{Cursor, PageRequest};

crate::versioned_table!(
    /// The projects table on the write path.
    Projects,
    projects,
    ProjectRow,
    ProjectFields,
    "project"
);

// ------------------------------------------------------------------ reading

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<ProjectRow>> {
    Ok(projects::table.find(id).first(conn).optional()?)
}

/// The project with this code (codes are unique).
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> ApiResult<Option<ProjectRow>> {
    Ok(projects::table
        .filter(projects::code.eq(code))
        .first(conn)
        .optional()?)
}

/// Id, code and title of several projects at once (for embedding).
pub fn summaries(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<(i64, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(projects::table
        .select((projects::id, projects::code, projects::title))
        .filter(projects::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

/// These projects, in id order (the read model's rows).
pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ProjectRow>> {
    Ok(projects::table
        .filter(projects::id.eq_any(ids))
        .order(projects::id)
        .load(conn)?)
}

/// Every project id, in order.
pub fn all_ids(conn: &mut DbConnection) -> ApiResult<Vec<i64>> {
    Ok(projects::table
        .select(projects::id)
        .order(projects::id)
        .load(conn)?)
}

/// The projects that embed an organization's summary: it leads them or is a partner
/// (the leader is stored as a partner too).
pub fn embedding(conn: &mut DbConnection, organization_id: i64) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = project_partners::table
        .filter(project_partners::organization_id.eq(organization_id))
        .select(project_partners::project_id)
        .load(conn)?;
    ids.extend(
        projects::table
            .filter(projects::lead_id.eq(organization_id))
            .select(projects::id)
            .load::<i64>(conn)?,
    );
    Ok(ids)
}

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub lead: Option<i64>,
    pub partner: Option<i64>,
    pub status: Option<ProjectStatus>,
    pub active_on: Option<NaiveDate>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

/// One page of projects in keyset order, read through the read model: one index range
/// scan joined with `read_docs`, selecting the sort key, the id and the stored list item.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<ProjectSort>,
) -> ApiResult<Vec<Stored>> {
    use projects::dsl as p;
    let mut query = p::projects
        .left_join(read_docs::table.on(crate::db::read_docs::joined(super::read::KIND, p::id)))
        .select(p::id)
        .into_boxed();
    if let Some(lead) = filter.lead {
        query = query.filter(p::lead_id.eq(lead));
    }
    if let Some(partner) = filter.partner {
        query = query.filter(
            p::id.eq_any(
                project_partners::table
                    .select(project_partners::project_id)
                    .filter(project_partners::organization_id.eq(partner)),
            ),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(p::status.eq(status));
    }
    if let Some(day) = filter.active_on {
        query = query
            .filter(p::starts_on.le(day))
            .filter(p::last_day.ge(day));
    }
    if let Some(q) = &filter.q {
        query = query.filter(crate::db::search_docs::matching(
            conn,
            "project",
            "projects.id",
            &crate::domain::words::query_terms(q),
        )?);
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    let after = page.after.as_ref();
    let fetch = page.fetch();
    match page.sort {
        ProjectSort::StartsOn | ProjectSort::StartsOnDesc => crate::stored_page!(
            conn,
            keyset(
                query,
                p::starts_on,
                p::id,
                after.map(Cursor::date_position).transpose()?,
                page.sort == ProjectSort::StartsOn,
                fetch
            ),
            crate::time::date_key
        ),
        ProjectSort::Title | ProjectSort::TitleDesc => crate::stored_page!(
            conn,
            keyset(
                query,
                p::sort_title,
                p::id,
                after.map(Cursor::text_position).transpose()?,
                page.sort == ProjectSort::Title,
                fetch
            ),
            |title: String| title
        ),
        ProjectSort::UpdatedAt | ProjectSort::UpdatedAtDesc => crate::stored_page!(
            conn,
            keyset(
                query,
                p::updated_at,
                p::id,
                after.map(Cursor::timestamp_position).transpose()?,
                page.sort == ProjectSort::UpdatedAt,
                fetch
            ),
            crate::time::cursor_key
        ),
    }
}

/// The related rows of one project that requests write as whole lists.
pub fn links(conn: &mut DbConnection, project: &ProjectRow) -> ApiResult<ProjectLinks> {
    let partners: Vec<(i64, PartnerRole)> = project_partners::table
        .select((project_partners::organization_id, project_partners::role))
        .filter(project_partners::project_id.eq(project.id))
        .order(project_partners::position.asc())
        .load(conn)?;
    let funding: Vec<FundingRow> = project_funding::table
        .filter(project_funding::project_id.eq(project.id))
        .order(project_funding::id.asc())
        .load(conn)?;
    let goals: Vec<String> = project_goals::table
        .select(project_goals::goal)
        .filter(project_goals::project_id.eq(project.id))
        .order(project_goals::id.asc())
        .load(conn)?;
    Ok(ProjectLinks {
        partners: partners
            .into_iter()
            .filter(|(organization_id, _)| *organization_id != project.lead_id)
            .map(|(organization_id, role)| PartnerData {
                organization_id,
                role,
            })
            .collect(),
        funding: funding
            .into_iter()
            .map(FundingData::try_from)
            .collect::<ApiResult<_>>()?,
        goals,
    })
}

/// The partners (leader first), funding and goals of several projects, each list in
/// its stored order: what a page of projects embeds.
pub struct Related {
    pub partners: Vec<(i64, i64, PartnerRole)>,
    pub funding: Vec<FundingRow>,
    pub goals: Vec<(i64, String)>,
}

pub fn related(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Related> {
    let partners = project_partners::table
        .select((
            project_partners::project_id,
            project_partners::organization_id,
            project_partners::role,
        ))
        .filter(project_partners::project_id.eq_any(ids.to_vec()))
        .order((project_partners::project_id, project_partners::position))
        .load(conn)?;
    let funding = project_funding::table
        .filter(project_funding::project_id.eq_any(ids.to_vec()))
        .order((project_funding::project_id, project_funding::id))
        .load(conn)?;
    let goals = project_goals::table
        .select((project_goals::project_id, project_goals::goal))
        .filter(project_goals::project_id.eq_any(ids.to_vec()))
        .order((project_goals::project_id, project_goals::id))
        .load(conn)?;
    Ok(Related {
        partners,
        funding,
        goals,
    })
}

// ------------------------------------------------------------------ writing

/// Rewrites the lists that changed (`before` is the previous lead and lists; `None`
/// for a new project). The leader is stored as the first partner, role `leader`.
pub fn write_links(
    conn: &mut DbConnection,
    id: i64,
    lead_id: i64,
    before: Option<(i64, &ProjectLinks)>,
    after: &ProjectLinks,
) -> ApiResult<()> {
    let partners_changed = before
        .is_none_or(|(previous_lead, b)| previous_lead != lead_id || b.partners != after.partners);
    if partners_changed {
        let leader = PartnerData {
            organization_id: lead_id,
            role: PartnerRole::Leader,
        };
        let partners = std::iter::once(&leader).chain(after.partners.iter());
        crate::replace_rows!(conn, project_partners::project_id == id, for (position, partner) in partners.enumerate() => (
            project_partners::project_id.eq(id),
            project_partners::organization_id.eq(partner.organization_id),
            project_partners::role.eq(partner.role.as_str()),
            project_partners::position.eq(position as i32),
        ));
    }
    if before.is_none_or(|(_, b)| b.funding != after.funding) {
        crate::replace_rows!(conn, project_funding::project_id == id, for funding in &after.funding => (
            project_funding::project_id.eq(id),
            project_funding::source.eq(&funding.source),
            project_funding::programme.eq(funding.programme.as_deref()),
            project_funding::amount_minor.eq(funding.amount.minor_units()),
            project_funding::currency.eq(funding.amount.currency().as_str()),
        ));
    }
    if before.is_none_or(|(_, b)| b.goals != after.goals) {
        crate::replace_rows!(conn, project_goals::project_id == id, for goal in &after.goals =>
            (project_goals::project_id.eq(id), project_goals::goal.eq(goal)));
    }
    Ok(())
}
