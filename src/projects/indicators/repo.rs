//! Every query on project indicators.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{IndicatorFields, IndicatorRow, IndicatorStamp};
use crate::db::DbConnection;
use crate::db::schema::project_indicators;
use crate::error::{ApiError, ApiResult, Code};
use crate::write::{self, Actor};

/// The audit log's name of an indicator.
const OBJECT: &str = "project_indicator";

/// Most indicators of one project (they are embedded in the project).
pub const MAX_PER_PROJECT: i64 = 100;

#[derive(Debug)]
pub struct ListFilter {
    pub project_id: i64,
    pub updated_since: Option<NaiveDateTime>,
    /// Keyset position: indicators after this id.
    pub after_id: Option<i64>,
    pub fetch: i64,
}

/// A page of a project's indicators, in the order they were added.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<IndicatorRow>> {
    use project_indicators::dsl as i;
    let mut query = i::project_indicators
        .filter(i::project_id.eq(filter.project_id))
        .into_boxed();
    if let Some(since) = filter.updated_since {
        query = query.filter(i::updated_at.ge(since));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(i::id.gt(after));
    }
    Ok(query.order(i::id.asc()).limit(filter.fetch).load(conn)?)
}

/// Every indicator of these projects, by project, in the order they were added.
pub fn for_projects(
    conn: &mut DbConnection,
    project_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<IndicatorRow>>> {
    let rows: Vec<IndicatorRow> = if project_ids.is_empty() {
        Vec::new()
    } else {
        project_indicators::table
            .filter(project_indicators::project_id.eq_any(project_ids.to_vec()))
            .order((project_indicators::project_id, project_indicators::id))
            .load(conn)?
    };
    let mut by_project: HashMap<i64, Vec<IndicatorRow>> = HashMap::new();
    for row in rows {
        by_project.entry(row.project_id).or_default().push(row);
    }
    Ok(by_project)
}

pub fn find(
    conn: &mut DbConnection,
    project_id: i64,
    indicator_id: i64,
) -> ApiResult<Option<IndicatorRow>> {
    Ok(project_indicators::table
        .find(indicator_id)
        .filter(project_indicators::project_id.eq(project_id))
        .first(conn)
        .optional()?)
}

/// The indicator of the project with this name (names are unique per project).
pub fn find_by_name(
    conn: &mut DbConnection,
    project_id: i64,
    name: &str,
) -> ApiResult<Option<IndicatorRow>> {
    Ok(project_indicators::table
        .filter(project_indicators::project_id.eq(project_id))
        .filter(project_indicators::name.eq(name))
        .first(conn)
        .optional()?)
}

fn check_name_free(
    conn: &mut DbConnection,
    fields: &IndicatorFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if let Some(other) = find_by_name(conn, fields.project_id, &fields.name)?
        && Some(other.id) != except_id
    {
        return Err(ApiError::new(
            Code::IndicatorNameTaken,
            format!(
                "the project already has an indicator named '{}' (indicator {})",
                fields.name, other.id
            ),
        ));
    }
    Ok(())
}

/// Inserts an indicator and its audit record, and bumps the project's version (the
/// project embeds its indicators). Call inside a transaction.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &IndicatorFields,
) -> ApiResult<IndicatorRow> {
    let count: i64 = project_indicators::table
        .filter(project_indicators::project_id.eq(fields.project_id))
        .count()
        .get_result(conn)?;
    if count >= MAX_PER_PROJECT {
        return Err(ApiError::new(
            Code::TooManyIndicators,
            format!("a project has at most {MAX_PER_PROJECT} indicators"),
        ));
    }
    check_name_free(conn, fields, None)?;
    let now = crate::time::now();
    let row: IndicatorRow = diesel::insert_into(project_indicators::table)
        .values((
            fields,
            project_indicators::version.eq(1),
            project_indicators::created_at.eq(now),
            project_indicators::updated_at.eq(now),
        ))
        .returning(project_indicators::all_columns)
        .get_result(conn)?;
    crate::projects::repo::touch(conn, fields.project_id)?;
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
    current: &IndicatorRow,
    expected_version: i64,
    fields: &IndicatorFields,
) -> ApiResult<IndicatorRow> {
    let before = IndicatorFields::from(current);
    if &before == fields {
        return Ok(current.clone());
    }
    check_name_free(conn, fields, Some(current.id))?;
    let updated: Option<IndicatorRow> = diesel::update(
        project_indicators::table
            .filter(project_indicators::id.eq(current.id))
            .filter(project_indicators::version.eq(expected_version)),
    )
    .set((
        fields,
        IndicatorStamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(project_indicators::all_columns)
    .get_result(conn)
    .optional()?;
    let row = updated.ok_or_else(|| ApiError::precondition_failed(current.version))?;
    crate::projects::repo::touch(conn, row.project_id)?;
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

/// Deletes the indicator if its version is still `expected_version`.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &IndicatorRow,
    expected_version: i64,
) -> ApiResult<()> {
    let deleted = diesel::delete(
        project_indicators::table
            .filter(project_indicators::id.eq(current.id))
            .filter(project_indicators::version.eq(expected_version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    crate::projects::repo::touch(conn, current.project_id)?;
    write::record(
        conn,
        actor,
        "delete",
        OBJECT,
        current.id,
        serde_json::to_value(IndicatorFields::from(current)).ok(),
    )?;
    Ok(())
}
