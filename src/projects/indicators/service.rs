//! The use cases of indicators. Every write also bumps the version of the project,
//! which embeds its indicators.

use serde_json::json;

use super::dto::{CreateIndicator, Indicator, IndicatorListQuery, UpdateIndicator};
use super::model::{IndicatorFields, IndicatorRow};
use super::repo::{self, CreationOrder, Indicators, ListFilter};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::edit::{self, Edit};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::PageRequest;
use crate::projects::service::{self as projects, MANAGED as PROJECT};
use crate::write::{self, Actor};

/// Most indicators of one project (they are embedded in the project).
pub const MAX_PER_PROJECT: i64 = 100;

fn find(conn: &mut DbConnection, project_id: i64, indicator_id: i64) -> ApiResult<IndicatorRow> {
    repo::find(conn, project_id, indicator_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "indicator {indicator_id} does not exist in project {project_id}"
        ))
    })
}

/// `/projects/{id}/indicators`: 404 when the project does not exist.
pub(crate) struct IndicatorList(ListFilter);

pub(crate) fn list_request(
    project_id: i64,
    query: IndicatorListQuery,
) -> ApiResult<(IndicatorList, PageRequest<CreationOrder>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    let filter = ListFilter {
        project_id,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((IndicatorList(filter), page))
}

crate::listing! {
    IndicatorList: CreationOrder, IndicatorRow => Indicator;
    rows(IndicatorList(filter), conn, page) = {
        projects::find(conn, filter.project_id)?;
        repo::list(conn, filter, page)
    };
    cursor(row, _) = repo::cursor_after(row);
    render(_, rows) = Ok(rows.into_iter().map(Indicator::from).collect());
}

pub(crate) async fn load(
    state: &AppState,
    project_id: i64,
    indicator_id: i64,
) -> ApiResult<Indicator> {
    state
        .run(move |conn| {
            projects::find(conn, project_id)?;
            find(conn, project_id, indicator_id)
        })
        .await
        .map(Indicator::from)
}

fn check_name_free(
    conn: &mut DbConnection,
    fields: &IndicatorFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if let Some(other) = repo::find_by_name(conn, fields.project_id, &fields.name)?
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

/// Inserts an indicator after its checks (the number per project, the unique name),
/// leaving the project's version to the caller. Call inside a transaction; the demo
/// data set uses it too.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &IndicatorFields,
) -> ApiResult<IndicatorRow> {
    if repo::count(conn, fields.project_id)? >= MAX_PER_PROJECT {
        return Err(ApiError::new(
            Code::TooManyIndicators,
            format!("a project has at most {MAX_PER_PROJECT} indicators"),
        ));
    }
    check_name_free(conn, fields, None)?;
    write::create::<Indicators>(conn, actor, fields, fields)
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    project_id: i64,
    body: CreateIndicator,
) -> ApiResult<Indicator> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, project| {
            let actor = who.actor();
            let row = insert(conn, &actor, &body.into_fields(project.id))?;
            projects::touch(conn, &actor, &project, json!({"indicator_created": row.id}))?;
            Ok(Indicator::from(row))
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    (project_id, indicator_id): (i64, i64),
    if_match: IfMatch,
    patch: UpdateIndicator,
) -> ApiResult<Indicator> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, project| {
            let current = find(conn, project_id, indicator_id)?;
            let edit = Edit::<Indicators>::begin(current, &if_match, |f| patch.apply(f))?;
            if edit.unchanged() {
                return Ok(Indicator::from(edit.current));
            }
            check_name_free(conn, &edit.fields, Some(edit.current.id))?;
            let actor = who.actor();
            let row = edit.save(conn, &actor)?;
            projects::touch(conn, &actor, &project, json!({"indicator_updated": row.id}))?;
            Ok(Indicator::from(row))
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    (project_id, indicator_id): (i64, i64),
    if_match: IfMatch,
) -> ApiResult<()> {
    PROJECT
        .within(state, principal, project_id, move |conn, who, project| {
            let current = find(conn, project_id, indicator_id)?;
            let actor = who.actor();
            edit::remove::<Indicators>(conn, &actor, &current, &if_match)?;
            projects::touch(
                conn,
                &actor,
                &project,
                json!({"indicator_deleted": current.id}),
            )?;
            Ok(())
        })
        .await
}
