//! Every query on projects and their partners, funding and goals.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::{Funding, Partner, Project, ProjectSort, check_consistency, parse_status};
use super::model::{
    FundingData, FundingRow, PartnerData, ProjectFields, ProjectLinks, ProjectRow, ProjectState,
    Stamp,
};
use crate::db::DbConnection;
use crate::db::schema::{project_funding, project_goals, project_partners, projects};
use crate::domain::PartnerRole;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::organizations::dto::OrganizationSummary;
use crate::pagination::Cursor;
use crate::projects::indicators::dto::Indicator;
use crate::write::{self, Actor};

/// The audit log's name of a project.
const OBJECT: &str = "project";

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

/// Short references of several projects at once (for embedding), by id.
pub fn summaries(
    conn: &mut DbConnection,
    ids: &[i64],
) -> ApiResult<HashMap<i64, super::dto::ProjectSummary>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = projects::table
        .select((projects::id, projects::code, projects::title))
        .filter(projects::id.eq_any(ids.to_vec()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, title)| (id, super::dto::ProjectSummary { id, code, title }))
        .collect())
}

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub lead: Option<i64>,
    pub partner: Option<i64>,
    pub status: Option<&'static str>,
    pub active_on: Option<NaiveDate>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: ProjectSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &ProjectRow, sort: ProjectSort) -> Cursor {
    let key = match sort {
        ProjectSort::StartsOn | ProjectSort::StartsOnDesc => crate::time::date_key(row.starts_on),
        ProjectSort::Title | ProjectSort::TitleDesc => row.sort_title.clone(),
        ProjectSort::UpdatedAt | ProjectSort::UpdatedAtDesc => {
            crate::time::cursor_key(row.updated_at)
        }
    };
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(key),
        id: row.id,
    }
}

/// One page of projects in keyset order.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<ProjectRow>> {
    use projects::dsl as p;
    let mut query = p::projects.into_boxed();
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
        query = query.filter(
            p::search_text
                .like(crate::organizations::repo::like_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    let after = filter.after.as_ref();
    query = match filter.sort {
        ProjectSort::StartsOn | ProjectSort::StartsOnDesc => crate::keyset!(
            query,
            p::starts_on,
            p::id,
            after.map(Cursor::date_position).transpose()?,
            filter.sort == ProjectSort::StartsOn
        ),
        ProjectSort::Title | ProjectSort::TitleDesc => crate::keyset!(
            query,
            p::sort_title,
            p::id,
            after.map(Cursor::text_position).transpose()?,
            filter.sort == ProjectSort::Title
        ),
        ProjectSort::UpdatedAt | ProjectSort::UpdatedAtDesc => crate::keyset!(
            query,
            p::updated_at,
            p::id,
            after.map(Cursor::timestamp_position).transpose()?,
            filter.sort == ProjectSort::UpdatedAt
        ),
    };
    Ok(query.limit(filter.fetch).load(conn)?)
}

fn parse_role(role: &str) -> PartnerRole {
    // The column has a CHECK constraint with exactly these values.
    role.parse().unwrap_or(PartnerRole::Partner)
}

/// The related rows of one project that requests write as whole lists.
pub fn links(conn: &mut DbConnection, project: &ProjectRow) -> ApiResult<ProjectLinks> {
    let partners: Vec<(i64, String)> = project_partners::table
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
                role: parse_role(&role),
            })
            .collect(),
        funding: funding.into_iter().map(FundingData::from).collect(),
        goals,
    })
}

/// Full projects for these rows, with every embed, in a constant number of queries
/// (six, however many rows), in the rows' order.
pub fn with_details(conn: &mut DbConnection, rows: Vec<ProjectRow>) -> ApiResult<Vec<Project>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let partners: Vec<(i64, i64, String)> = project_partners::table
        .select((
            project_partners::project_id,
            project_partners::organization_id,
            project_partners::role,
        ))
        .filter(project_partners::project_id.eq_any(ids.clone()))
        .order((project_partners::project_id, project_partners::position))
        .load(conn)?;
    let funding: Vec<FundingRow> = project_funding::table
        .filter(project_funding::project_id.eq_any(ids.clone()))
        .order((project_funding::project_id, project_funding::id))
        .load(conn)?;
    let goals: Vec<(i64, String)> = project_goals::table
        .select((project_goals::project_id, project_goals::goal))
        .filter(project_goals::project_id.eq_any(ids.clone()))
        .order((project_goals::project_id, project_goals::id))
        .load(conn)?;
    let mut indicators = crate::projects::indicators::repo::for_projects(conn, &ids)?;

    let mut organization_ids: Vec<i64> = rows.iter().map(|r| r.lead_id).collect();
    organization_ids.extend(partners.iter().map(|(_, o, _)| *o));
    organization_ids.sort_unstable();
    organization_ids.dedup();
    let organizations: HashMap<i64, OrganizationSummary> =
        crate::organizations::repo::find_many(conn, &organization_ids)?
            .iter()
            .map(|o| (o.id, OrganizationSummary::from(o)))
            .collect();
    let summary = |id: i64| -> ApiResult<OrganizationSummary> {
        organizations
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("organization {id} vanished")))
    };

    let mut partners_of: HashMap<i64, Vec<Partner>> = HashMap::new();
    for (project_id, organization_id, role) in partners {
        partners_of.entry(project_id).or_default().push(Partner {
            organization_id,
            organization: summary(organization_id)?,
            role: parse_role(&role),
        });
    }
    let mut funding_of: HashMap<i64, Vec<FundingData>> = HashMap::new();
    for row in funding {
        funding_of
            .entry(row.project_id)
            .or_default()
            .push(row.into());
    }
    let mut goals_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (project_id, goal) in goals {
        goals_of.entry(project_id).or_default().push(goal);
    }

    rows.into_iter()
        .map(|row| {
            let funding = funding_of.remove(&row.id).unwrap_or_default();
            // Stored funding passed the same check on its way in.
            let total_funding = crate::domain::Money::totals(funding.iter().map(|f| f.amount))
                .map_err(|c| {
                    ApiError::internal(format!("stored funding in {c} exceeds the largest amount"))
                })?;
            let mut partners = partners_of.remove(&row.id).unwrap_or_default();
            // The leader first, whatever the stored positions say.
            partners.sort_by_key(|p| p.role != PartnerRole::Leader);
            Ok(Project {
                id: row.id,
                lead: summary(row.lead_id)?,
                value: row.value(),
                status: parse_status(&row.status),
                code: row.code,
                title: row.title,
                summary: row.summary,
                description: row.description,
                lead_id: row.lead_id,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                funding: funding.into_iter().map(Funding::from).collect(),
                total_funding,
                partners,
                goals: goals_of.remove(&row.id).unwrap_or_default(),
                indicators: indicators
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Indicator::from)
                    .collect(),
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
                updated_at: crate::time::to_utc(row.updated_at),
            })
        })
        .collect()
}

/// One full project.
pub fn find_full(conn: &mut DbConnection, row: ProjectRow) -> ApiResult<Project> {
    with_details(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("project vanished"))
}

// ------------------------------------------------------------------ checks

/// The lead and every partner must exist: 422 naming the field otherwise.
fn check_references(
    conn: &mut DbConnection,
    fields: &ProjectFields,
    links: &ProjectLinks,
) -> ApiResult<()> {
    let mut ids: Vec<i64> = vec![fields.lead_id];
    ids.extend(links.partners.iter().map(|p| p.organization_id));
    let found: Vec<i64> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut errors = Vec::new();
    if !found.contains(&fields.lead_id) {
        errors.push(FieldError::new(
            "lead_id",
            "not_found",
            format!("organization {} does not exist", fields.lead_id),
        ));
    }
    for partner in &links.partners {
        if !found.contains(&partner.organization_id) {
            errors.push(FieldError::new(
                "partners",
                "not_found",
                format!("organization {} does not exist", partner.organization_id),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Codes are unique: 409 naming the other project.
fn check_code_free(
    conn: &mut DbConnection,
    fields: &ProjectFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if let Some(other) = find_by_code(conn, &fields.code)?
        && Some(other.id) != except_id
    {
        return Err(ApiError::new(
            Code::CodeTaken,
            format!(
                "the code '{}' is already used by project {}",
                fields.code, other.id
            ),
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------ writing

/// Rewrites the lists that changed (`before` is the previous lead and lists; `None`
/// for a new project). The leader is stored as the first partner, role `leader`.
fn write_links(
    conn: &mut DbConnection,
    id: i64,
    lead_id: i64,
    before: Option<(i64, &ProjectLinks)>,
    after: &ProjectLinks,
) -> ApiResult<()> {
    let partners_changed = before
        .is_none_or(|(previous_lead, b)| previous_lead != lead_id || b.partners != after.partners);
    if partners_changed {
        diesel::delete(project_partners::table.filter(project_partners::project_id.eq(id)))
            .execute(conn)?;
        let leader = PartnerData {
            organization_id: lead_id,
            role: PartnerRole::Leader,
        };
        for (position, partner) in std::iter::once(&leader)
            .chain(after.partners.iter())
            .enumerate()
        {
            diesel::insert_into(project_partners::table)
                .values((
                    project_partners::project_id.eq(id),
                    project_partners::organization_id.eq(partner.organization_id),
                    project_partners::role.eq(partner.role.as_str()),
                    project_partners::position.eq(position as i32),
                ))
                .execute(conn)?;
        }
    }
    if before.is_none_or(|(_, b)| b.funding != after.funding) {
        diesel::delete(project_funding::table.filter(project_funding::project_id.eq(id)))
            .execute(conn)?;
        for funding in &after.funding {
            diesel::insert_into(project_funding::table)
                .values((
                    project_funding::project_id.eq(id),
                    project_funding::source.eq(&funding.source),
                    project_funding::programme.eq(funding.programme.as_deref()),
                    project_funding::amount_minor.eq(funding.amount.minor_units()),
                    project_funding::currency.eq(funding.amount.currency().as_str()),
                ))
                .execute(conn)?;
        }
    }
    if before.is_none_or(|(_, b)| b.goals != after.goals) {
        diesel::delete(project_goals::table.filter(project_goals::project_id.eq(id)))
            .execute(conn)?;
        for goal in &after.goals {
            diesel::insert_into(project_goals::table)
                .values((
                    project_goals::project_id.eq(id),
                    project_goals::goal.eq(goal),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Inserts a project, its related rows and its audit record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: ProjectFields,
    links: ProjectLinks,
) -> ApiResult<ProjectRow> {
    check_consistency(&fields, &links)?;
    check_references(conn, &fields, &links)?;
    check_code_free(conn, &fields, None)?;
    let now = crate::time::now();
    let row: ProjectRow = diesel::insert_into(projects::table)
        .values((
            &fields,
            projects::version.eq(1),
            projects::created_at.eq(now),
            projects::updated_at.eq(now),
        ))
        .returning(projects::all_columns)
        .get_result(conn)?;
    write_links(conn, row.id, row.lead_id, None, &links)?;
    write::record(
        conn,
        actor,
        "create",
        OBJECT,
        row.id,
        serde_json::to_value(ProjectState::new(fields, links)).ok(),
    )?;
    Ok(row)
}

/// Writes the new state of a project if its version is still `expected_version` (else 412).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ProjectRow,
    current_links: ProjectLinks,
    expected_version: i64,
    fields: ProjectFields,
    links: ProjectLinks,
) -> ApiResult<ProjectRow> {
    let before = ProjectState::new(ProjectFields::from(current.clone()), current_links);
    let after = ProjectState::new(fields, links);
    if before == after {
        return Ok(current.clone());
    }
    check_consistency(&after.fields, &after.links)?;
    check_references(conn, &after.fields, &after.links)?;
    check_code_free(conn, &after.fields, Some(current.id))?;
    let updated: Option<ProjectRow> = diesel::update(
        projects::table
            .filter(projects::id.eq(current.id))
            .filter(projects::version.eq(expected_version)),
    )
    .set((
        &after.fields,
        Stamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(projects::all_columns)
    .get_result(conn)
    .optional()?;
    let row = updated.ok_or_else(|| ApiError::precondition_failed(current.version))?;
    write_links(
        conn,
        row.id,
        row.lead_id,
        Some((current.lead_id, &before.links)),
        &after.links,
    )?;
    write::record(
        conn,
        actor,
        "update",
        OBJECT,
        row.id,
        Some(write::diff(&before, &after)),
    )?;
    Ok(row)
}

/// Deletes the project with its partners, funding, goals, indicators and events, if
/// its version is still `expected_version`.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ProjectRow,
    expected_version: i64,
) -> ApiResult<()> {
    let snapshot = ProjectState::new(ProjectFields::from(current.clone()), links(conn, current)?);
    let deleted = diesel::delete(
        projects::table
            .filter(projects::id.eq(current.id))
            .filter(projects::version.eq(expected_version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    write::record(
        conn,
        actor,
        "delete",
        OBJECT,
        current.id,
        serde_json::to_value(&snapshot).ok(),
    )?;
    Ok(())
}

/// Bumps the version and `updated_at` of a project whose embedded indicators changed,
/// so its `ETag` and `updated_since` see the change.
pub fn touch(conn: &mut DbConnection, id: i64) -> ApiResult<()> {
    diesel::update(projects::table.filter(projects::id.eq(id)))
        .set((
            projects::version.eq(projects::version + 1),
            projects::updated_at.eq(crate::time::now()),
        ))
        .execute(conn)?;
    Ok(())
}
