//! Every query on project events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::EventSort;
use super::model::{EventFields, EventRow, start_sort};
use crate::db::DbConnection;
use crate::db::schema::project_events;
use crate::domain::EventKind;
use crate::error::ApiResult;
use crate::pagination::{Cursor, PageRequest};

crate::versioned_table!(
    /// The events table on the write path.
    Events,
    project_events,
    EventRow,
    EventFields,
    "project_event",
    parent = project_id
);

#[derive(Debug)]
pub struct ListFilter {
    pub project_id: Option<i64>,
    pub kind: Option<EventKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Already folded.
    pub city: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

pub fn cursor_after(row: &EventRow, sort: EventSort) -> Cursor {
    Cursor::keyed(sort, row.start_sort.to_string(), row.id)
}

/// A page of events in calendar order (by start, the time of day included; ties by id).
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<EventSort>,
) -> ApiResult<Vec<EventRow>> {
    use project_events::dsl as e;
    let mut query = e::project_events.into_boxed();
    if let Some(project_id) = filter.project_id {
        query = query.filter(e::project_id.eq(project_id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(e::kind.eq(kind));
    }
    if let Some(from) = filter.from {
        query = query.filter(e::last_day.ge(from));
    }
    if let Some(to) = filter.to {
        // Also bounds the sort key, so the scan stops at the end of `to`.
        query = query
            .filter(e::starts_on.le(to))
            .filter(e::start_sort.lt(start_sort(to, None) + 1440));
    }
    if let Some(city) = &filter.city {
        query = query.filter(e::city_folded.eq(city.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(e::updated_at.ge(since));
    }
    query = crate::keyset!(
        query,
        e::start_sort,
        e::id,
        page.after
            .as_ref()
            .map(Cursor::integer_position)
            .transpose()?,
        page.sort == EventSort::StartsOn
    );
    Ok(query.limit(page.fetch()).load(conn)?)
}

/// Every event of a project.
pub fn of_project(conn: &mut DbConnection, project_id: i64) -> ApiResult<Vec<EventRow>> {
    Ok(project_events::table
        .filter(project_events::project_id.eq(project_id))
        .order(project_events::id.asc())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    project_id: i64,
    event_id: i64,
) -> ApiResult<Option<EventRow>> {
    Ok(project_events::table
        .find(event_id)
        .filter(project_events::project_id.eq(project_id))
        .first(conn)
        .optional()?)
}

/// The event of the project on this day with this title (the natural key the demo data
/// set uses to stay idempotent).
pub fn find_by_day_and_title(
    conn: &mut DbConnection,
    project_id: i64,
    day: NaiveDate,
    title: &str,
) -> ApiResult<Option<EventRow>> {
    Ok(project_events::table
        .filter(project_events::project_id.eq(project_id))
        .filter(project_events::starts_on.eq(day))
        .filter(project_events::title.eq(title))
        .first(conn)
        .optional()?)
}
