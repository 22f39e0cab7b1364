//! Every query on project events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::EventSort;
use super::model::{EventFields, EventRow, EventStamp, start_sort};
use crate::db::DbConnection;
use crate::db::schema::project_events;
use crate::error::{ApiError, ApiResult};
use crate::pagination::Cursor;
use crate::write::{self, Actor};

/// The audit log's name of an event.
const OBJECT: &str = "project_event";

#[derive(Debug)]
pub struct ListFilter {
    pub project_id: Option<i64>,
    pub kind: Option<&'static str>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Already folded.
    pub city: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: EventSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

pub fn cursor_after(row: &EventRow, sort: EventSort) -> Cursor {
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(row.start_sort.to_string()),
        id: row.id,
    }
}

/// A page of events in calendar order (by start, the time of day included; ties by id).
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<EventRow>> {
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
        filter
            .after
            .as_ref()
            .map(Cursor::integer_position)
            .transpose()?,
        filter.sort == EventSort::StartsOn
    );
    Ok(query.limit(filter.fetch).load(conn)?)
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

/// Inserts an event and its audit record (call inside a transaction).
pub fn insert(conn: &mut DbConnection, actor: &Actor, fields: &EventFields) -> ApiResult<EventRow> {
    let now = crate::time::now();
    let row: EventRow = diesel::insert_into(project_events::table)
        .values((
            fields,
            project_events::version.eq(1),
            project_events::created_at.eq(now),
            project_events::updated_at.eq(now),
        ))
        .returning(project_events::all_columns)
        .get_result(conn)?;
    write::record(
        conn,
        actor,
        "create",
        OBJECT,
        row.id,
        serde_json::to_value(fields).ok(),
    )?;
    Ok(row)
}

/// Writes the new state if the stored version is still `expected_version` (else 412).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &EventRow,
    expected_version: i64,
    fields: &EventFields,
) -> ApiResult<EventRow> {
    let before = EventFields::from(current);
    if &before == fields {
        return Ok(current.clone());
    }
    let updated: Option<EventRow> = diesel::update(
        project_events::table
            .filter(project_events::id.eq(current.id))
            .filter(project_events::version.eq(expected_version)),
    )
    .set((
        fields,
        EventStamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(project_events::all_columns)
    .get_result(conn)
    .optional()?;
    let row = updated.ok_or_else(|| ApiError::precondition_failed(current.version))?;
    write::record(
        conn,
        actor,
        "update",
        OBJECT,
        row.id,
        Some(write::diff(&before, fields)),
    )?;
    Ok(row)
}

/// Deletes the event if its version is still `expected_version`.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &EventRow,
    expected_version: i64,
) -> ApiResult<()> {
    let deleted = diesel::delete(
        project_events::table
            .filter(project_events::id.eq(current.id))
            .filter(project_events::version.eq(expected_version)),
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
        serde_json::to_value(EventFields::from(current)).ok(),
    )?;
    Ok(())
}
