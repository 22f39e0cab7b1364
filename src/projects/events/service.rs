//! The use cases of project events and the calendar of every project. Events are not
//! embedded in their project: writing one leaves the project's version alone.

use super::dto::{
    CreateProjectEvent, EventSort, ProjectEvent, ProjectEventListQuery, UpdateProjectEvent,
};
use super::model::{EventFields, EventRow};
use super::repo::{self, Events, ListFilter};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::domain::fold_for_search;
use crate::edit::{self, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::PageRequest;
use crate::projects::service::{self as projects, MANAGED as PROJECT};
use crate::write::{self, Actor};

fn find(conn: &mut DbConnection, project_id: i64, event_id: i64) -> ApiResult<EventRow> {
    repo::find(conn, project_id, event_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "event {event_id} does not exist in project {project_id}"
        ))
    })
}

/// The events with their projects embedded (one query for all of them).
fn with_projects(conn: &mut DbConnection, rows: Vec<EventRow>) -> ApiResult<Vec<ProjectEvent>> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let summaries = projects::summaries(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let project = summaries
                .get(&row.project_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("event without project"))?;
            Ok(ProjectEvent::new(row, project))
        })
        .collect()
}

fn one_with_project(conn: &mut DbConnection, row: EventRow) -> ApiResult<ProjectEvent> {
    with_projects(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("event vanished"))
}

// ------------------------------------------------------------------ reading

/// `/events` (every project) or `/projects/{id}/events` (one project, 404 when it
/// does not exist).
pub(crate) struct EventList {
    filter: ListFilter,
    project_must_exist: bool,
}

/// The calendar of every project, or of `project` only.
pub(crate) fn calendar_request(
    project: Option<i64>,
    query: ProjectEventListQuery,
) -> ApiResult<(EventList, PageRequest<EventSort>)> {
    list_request(project, false, query)
}

/// The events of one project.
pub(crate) fn project_request(
    project_id: i64,
    query: ProjectEventListQuery,
) -> ApiResult<(EventList, PageRequest<EventSort>)> {
    list_request(Some(project_id), true, query)
}

fn list_request(
    project_id: Option<i64>,
    project_must_exist: bool,
    query: ProjectEventListQuery,
) -> ApiResult<(EventList, PageRequest<EventSort>)> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("from ({from}) is after to ({to})"),
        ));
    }
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let filter = ListFilter {
        project_id,
        kind: query.kind,
        from: query.from,
        to: query.to,
        city: query.city.as_deref().map(|c| fold_for_search(c.trim())),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((
        EventList {
            filter,
            project_must_exist,
        },
        page,
    ))
}

crate::listing! {
    EventList: EventSort, EventRow => ProjectEvent;
    rows(list, conn, page) = {
        if list.project_must_exist
            && let Some(project_id) = list.filter.project_id
        {
            projects::find(conn, project_id)?;
        }
        repo::list(conn, &list.filter, page)
    };
    cursor(row, sort) = repo::cursor_after(row, sort);
    render(conn, rows) = with_projects(conn, rows);
}

pub(crate) async fn load(
    state: &AppState,
    project_id: i64,
    event_id: i64,
) -> ApiResult<ProjectEvent> {
    state
        .run(move |conn| {
            projects::find(conn, project_id)?;
            let row = find(conn, project_id, event_id)?;
            one_with_project(conn, row)
        })
        .await
}

// ------------------------------------------------------------------ writing

/// An event ends neither before its first day nor, on one day, before it starts.
fn check_dates(fields: &EventFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(ends_on) = fields.ends_on
        && ends_on < fields.starts_on
    {
        errors.push(FieldError::new(
            "ends_on",
            "ends_before_start",
            format!(
                "ends_on ({ends_on}) is before starts_on ({})",
                fields.starts_on
            ),
        ));
    }
    let one_day = fields.ends_on.is_none_or(|end| end == fields.starts_on);
    if let (Some(starts_at), Some(ends_at)) = (&fields.starts_at, &fields.ends_at)
        && one_day
        && ends_at <= starts_at
    {
        errors.push(FieldError::new(
            "ends_at",
            "ends_before_start",
            format!("an event of one day ends ({ends_at}) after it starts ({starts_at})"),
        ));
    }
    projects::none_or_invalid(errors)
}

/// Inserts an event after its checks (call inside a transaction; the demo data set uses
/// it too).
pub fn insert(conn: &mut DbConnection, actor: &Actor, fields: &EventFields) -> ApiResult<EventRow> {
    check_dates(fields)?;
    write::create::<Events>(conn, actor, fields, fields)
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    project_id: i64,
    body: CreateProjectEvent,
) -> ApiResult<ProjectEvent> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, project| {
            let row = insert(conn, &who.actor(), &body.into_fields(project.id))?;
            one_with_project(conn, row)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    (project_id, event_id): (i64, i64),
    if_match: IfMatch,
    patch: UpdateProjectEvent,
) -> ApiResult<ProjectEvent> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, _| {
            let current = find(conn, project_id, event_id)?;
            let edit = Edit::<Events>::begin(current, &if_match, |f| patch.apply(f))?;
            check_dates(&edit.fields)?;
            if edit.unchanged() {
                return one_with_project(conn, edit.current);
            }
            let row = edit.save(conn, &who.actor())?;
            one_with_project(conn, row)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    (project_id, event_id): (i64, i64),
    if_match: IfMatch,
) -> ApiResult<()> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, _| {
            let current = find(conn, project_id, event_id)?;
            edit::remove::<Events>(conn, &who.actor(), &current, &if_match)
        })
        .await
}
