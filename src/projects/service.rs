//! The use cases of projects: look-up, the list, create, update, delete, and the rules
//! that tie a project's fields and related rows together.

use std::collections::HashMap;

use super::dto::{
    CreateProject, Project, ProjectListQuery, ProjectPath, ProjectSort, UpdateProject,
};
use super::model::{FundingData, ProjectFields, ProjectLinks, ProjectRow, ProjectState};
use super::repo::{self, ListFilter, Projects};
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::{PartnerRole, fold_for_search};
use crate::edit::Guard;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::service::Summaries;
use crate::pagination::PageRequest;
use crate::projects::dto::{Funding, Partner, ProjectSummary};
use crate::projects::indicators::dto::Indicator;
use crate::write::{self, Actor, Expected};

pub(crate) fn location(id: i64) -> String {
    format!("/api/v1/projects/{id}")
}

/// The project named in the path, or 404.
pub(crate) fn find(conn: &mut DbConnection, id: i64) -> ApiResult<ProjectRow> {
    repo::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("project {id} does not exist")))
}

/// How the writes of a project, and of what is under `/projects/{id}/…` (indicators,
/// events), find it: 404, then the right to manage its projects (403).
pub(crate) const MANAGED: Guard<Projects> = Guard {
    load: |conn, _, id| find(conn, id),
    may: |principal, project| policy::can_manage_project(principal, project.lead_id),
};

/// 422 with every field error found, if any.
pub(crate) fn none_or_invalid(errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Short references of several projects (for embedding), by id.
pub(crate) fn summaries(
    conn: &mut DbConnection,
    ids: &[i64],
) -> ApiResult<HashMap<i64, ProjectSummary>> {
    Ok(repo::summaries(conn, ids)?
        .into_iter()
        .map(|(id, code, title)| (id, ProjectSummary { id, code, title }))
        .collect())
}

// ------------------------------------------------------------------ reading

/// `/projects`: a page of projects, each with its embeds, without the description.
pub(crate) struct ProjectList(ListFilter);

pub(crate) fn list_request(
    query: ProjectListQuery,
) -> ApiResult<(ProjectList, PageRequest<ProjectSort>)> {
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let filter = ListFilter {
        lead: query.lead,
        partner: query.partner,
        status: query.status,
        active_on: query.active_on,
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((ProjectList(filter), page))
}

crate::listing! {
    ProjectList: ProjectSort, crate::db::read_docs::Stored => Box<serde_json::value::RawValue>;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = crate::pagination::Cursor::after_stored(sort, row);
    render(conn, rows) = super::read::page_items(conn, rows);
    // Every project is public; a search (`q`) reads the search index's own rules, so it
    // is not kept.
    cache(list, page) = list.0.q.is_none().then(|| page.cache_key(super::read::KIND, &list.0));
    cacheable(rows) = crate::db::read_docs::all_stored(rows);
}

/// Full projects for these rows, with every embed, in a constant number of queries
/// (six, however many rows), in the rows' order.
pub(crate) fn with_details(
    conn: &mut DbConnection,
    rows: Vec<ProjectRow>,
) -> ApiResult<Vec<Project>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let related = repo::related(conn, &ids)?;
    let mut indicators = crate::projects::indicators::repo::for_projects(conn, &ids)?;

    let mut organization_ids: Vec<i64> = rows.iter().map(|r| r.lead_id).collect();
    organization_ids.extend(related.partners.iter().map(|(_, o, _)| *o));
    let organizations = Summaries::fetch(conn, organization_ids)?;
    let summary = |id: i64| organizations.get(id);

    let mut partners_of: HashMap<i64, Vec<Partner>> = HashMap::new();
    for (project_id, organization_id, role) in related.partners {
        partners_of.entry(project_id).or_default().push(Partner {
            organization_id,
            organization: summary(organization_id)?,
            role,
        });
    }
    let mut funding_of: HashMap<i64, Vec<FundingData>> = HashMap::new();
    for row in related.funding {
        funding_of
            .entry(row.project_id)
            .or_default()
            .push(row.try_into()?);
    }
    let mut goals_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (project_id, goal) in related.goals {
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
                value: row.value()?,
                status: row.status,
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
pub(crate) fn full(conn: &mut DbConnection, row: ProjectRow) -> ApiResult<Project> {
    with_details(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("project vanished"))
}

/// A project as `GET /projects/{id}` answers it.
pub(crate) type Found = crate::http::Found<Project>;

impl crate::http::Versioned for Project {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The stored document (one primary-key lookup), or the project rendered now when the
/// read model lacks it.
pub(crate) async fn load(state: &AppState, id: i64) -> ApiResult<Found> {
    state
        .run(move |conn| {
            if let Some((version, doc)) = crate::db::read_docs::find(conn, super::read::KIND, id)? {
                return Ok(Found::Stored(version, doc));
            }
            let row = find(conn, id)?;
            Ok(Found::Rendered(Box::new(full(conn, row)?)))
        })
        .await
}

// ------------------------------------------------------------------ checks

/// Rules across fields, checked on the complete new state (after create or patch).
pub fn check_consistency(fields: &ProjectFields, links: &ProjectLinks) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    match fields.ends_on {
        Some(ends_on) if ends_on < fields.starts_on => errors.push(FieldError::new(
            "ends_on",
            "ends_before_start",
            format!(
                "ends_on ({ends_on}) is before starts_on ({})",
                fields.starts_on
            ),
        )),
        None if fields.status.is_finished() => errors.push(FieldError::new(
            "ends_on",
            "required",
            format!("a {} project has an end date", fields.status),
        )),
        _ => {}
    }
    if let Err(currency) = links.total_funding() {
        errors.push(FieldError::new(
            "funding",
            "total_too_large",
            format!(
                "the funding in {currency} adds up to more than 999999999999999.99, the largest amount"
            ),
        ));
    }
    none_or_invalid(errors)
}

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
    none_or_invalid(errors)
}

/// Codes are unique: 409 naming the other project.
fn check_code_free(
    conn: &mut DbConnection,
    fields: &ProjectFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if let Some(other) = repo::find_by_code(conn, &fields.code)?
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

/// Every check of a project's new state.
fn check(conn: &mut DbConnection, state: &ProjectState, except_id: Option<i64>) -> ApiResult<()> {
    check_consistency(&state.fields, &state.links)?;
    check_references(conn, &state.fields, &state.links)?;
    check_code_free(conn, &state.fields, except_id)
}

// ------------------------------------------------------------------ writing

/// Inserts a project with its related rows (call inside a transaction; the demo data
/// set uses it too).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: ProjectFields,
    links: ProjectLinks,
) -> ApiResult<ProjectRow> {
    let state = ProjectState::new(fields, links)?;
    check(conn, &state, None)?;
    let row = write::create::<Projects>(conn, actor, &state.fields, &state)?;
    repo::write_links(conn, row.id, row.lead_id, None, &state.links)?;
    Ok(row)
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    body: CreateProject,
) -> ApiResult<Project> {
    policy::can_manage_project(principal, body.lead_id)?;
    let (fields, links) = body.into_parts()?;
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            let row = insert(conn, &actor, fields, links)?;
            full(conn, row)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    ProjectPath { id }: ProjectPath,
    if_match: IfMatch,
    patch: UpdateProject,
) -> ApiResult<Project> {
    let at = (id, if_match);
    MANAGED
        .change(state, principal, at, move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            if let Some(lead_id) = patch.lead_id
                && lead_id != current.lead_id
            {
                policy::can_manage_project(&principal, lead_id)?;
            }
            let current_links = repo::links(conn, &current)?;
            let mut fields = ProjectFields::from(current.clone());
            let mut links = current_links.clone();
            patch.apply(&mut fields, &mut links)?;
            let before = ProjectState::new(ProjectFields::from(current.clone()), current_links)?;
            let after = ProjectState::new(fields, links)?;
            if before == after {
                return full(conn, current);
            }
            check(conn, &after, Some(current.id))?;
            let row = write::update::<Projects, _>(
                conn,
                &principal.actor(),
                &current,
                expected,
                &after.fields,
                (&before, &after),
            )?;
            repo::write_links(
                conn,
                row.id,
                row.lead_id,
                Some((current.lead_id, &before.links)),
                &after.links,
            )?;
            full(conn, row)
        })
        .await
}

/// Deletes the project; its partners, funding, goals, indicators and events go with it.
pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    ProjectPath { id }: ProjectPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let at = (id, if_match);
    MANAGED
        .change(state, principal, at, move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            let links = repo::links(conn, &current)?;
            let snapshot = ProjectState::new(ProjectFields::from(current.clone()), links)?;
            // Its events (with what registration keeps under them) and indicators go first,
            // each with its tombstone in the change feed.
            let actor = principal.actor();
            let events = crate::projects::events::repo::of_project(conn, id)?;
            crate::edit::remove_all::<crate::projects::events::repo::Events>(conn, &actor, events)?;
            let indicators = crate::projects::indicators::repo::for_projects(conn, &[id])?
                .remove(&id)
                .unwrap_or_default();
            crate::edit::remove_all::<crate::projects::indicators::repo::Indicators>(
                conn, &actor, indicators,
            )?;
            write::delete::<Projects>(conn, &actor, &current, expected, &snapshot)
        })
        .await
}

/// Bumps the version of a project whose embedded indicators changed, so its `ETag` and
/// `updated_since` see the change.
pub(crate) fn touch(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &ProjectRow,
    changes: serde_json::Value,
) -> ApiResult<ProjectRow> {
    write::touch::<Projects>(
        conn,
        actor,
        project,
        Expected::current(project.version),
        changes,
    )
}
