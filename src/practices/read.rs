//! The read model of practices: the public representation of every published (or
//! archived) practice, as anonymous callers and partner tokens see it (public contacts
//! only, no distance), rendered when a write changes it (`read_model::flush`: the
//! practice, its adoptions, which bump it, an organization, a category or a project it
//! embeds changed) and served as stored bytes. Drafts and submitted practices are never
//! stored; insiders (who see non-public contacts) and `near` pages get the rendering
//! per request.

use serde_json::value::RawValue;

use super::repo;
use super::service::{self, PracticeItem};
use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc};
use crate::error::ApiResult;

/// The read model's name for practices.
pub const KIND: &str = "practice";

/// The documents of the public ones of `ids`, as the current rows render them. A
/// practice's list item is the practice itself.
pub fn fresh(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ReadDoc>> {
    let rows = repo::find_public(conn, ids)?;
    service::render_public(conn, rows)?
        .into_iter()
        .map(|practice| ReadDoc::render(practice.id, practice.version, &practice, &practice))
        .collect()
}

/// The practices a changed object alters: the practice itself, and those that embed a
/// changed organization, category or project.
pub fn affected(conn: &mut DbConnection, object: &str, id: i64) -> ApiResult<Vec<i64>> {
    match object {
        KIND => Ok(vec![id]),
        "organization" => repo::embedding(conn, id),
        "practice_category" => repo::in_category(conn, id),
        "project" => repo::of_project(conn, id),
        _ => Ok(Vec::new()),
    }
}

/// The items of a page, in its order: stored ones for what the public sees, the others
/// (insiders' rows, distances from `near`) rendered now.
pub(crate) fn page_items(
    conn: &mut DbConnection,
    rows: Vec<PracticeItem>,
) -> ApiResult<Vec<Box<RawValue>>> {
    read_docs::page_items(
        conn,
        KIND,
        rows,
        |item| item.row.id,
        |item| !item.internals && item.distance_km.is_none() && item.row.status.is_public(),
        service::render_items,
    )
}
