//! Every query on project indicators.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{IndicatorFields, IndicatorRow};
use crate::db::DbConnection;
use crate::db::schema::project_indicators;
use crate::error::ApiResult;
use crate::pagination::{Cursor, PageRequest, Sort};

crate::versioned_table!(
    /// The indicators table on the write path.
    Indicators,
    project_indicators,
    IndicatorRow,
    IndicatorFields,
    "project_indicator",
    parent = project_id
);

/// Indicators are listed in the order they were added: by id, the one sort.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreationOrder;

impl Sort for CreationOrder {
    fn as_str(self) -> &'static str {
        "id"
    }
}

#[derive(Debug)]
pub struct ListFilter {
    pub project_id: i64,
    pub updated_since: Option<NaiveDateTime>,
}

pub fn cursor_after(row: &IndicatorRow) -> Cursor {
    Cursor {
        sort: CreationOrder.as_str().to_owned(),
        key: None,
        id: row.id,
    }
}

/// A page of a project's indicators, in the order they were added.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<CreationOrder>,
) -> ApiResult<Vec<IndicatorRow>> {
    use project_indicators::dsl as i;
    let mut query = i::project_indicators
        .filter(i::project_id.eq(filter.project_id))
        .into_boxed();
    if let Some(since) = filter.updated_since {
        query = query.filter(i::updated_at.ge(since));
    }
    if let Some(after) = &page.after {
        query = query.filter(i::id.gt(after.id));
    }
    Ok(query.order(i::id.asc()).limit(page.fetch()).load(conn)?)
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

/// How many indicators the project has.
pub fn count(conn: &mut DbConnection, project_id: i64) -> ApiResult<i64> {
    Ok(project_indicators::table
        .filter(project_indicators::project_id.eq(project_id))
        .count()
        .get_result(conn)?)
}
