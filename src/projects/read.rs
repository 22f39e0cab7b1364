//! The read model of projects: every project's representation (all of a project is
//! public), rendered when a write changes it (`read_model::flush`: the project, its
//! indicators, which bump it, an organization it embeds renamed) and served as stored
//! bytes.

use serde_json::value::RawValue;

use super::{repo, service};
use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc, Stored};
use crate::error::ApiResult;

/// The read model's name for projects.
pub const KIND: &str = "project";

/// The documents of `ids`, as the current rows render them.
pub fn fresh(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ReadDoc>> {
    let rows = repo::find_many(conn, ids)?;
    service::with_details(conn, rows)?
        .into_iter()
        .map(|project| {
            let (id, version) = (project.id, project.version);
            ReadDoc::render(id, version, &project, &project.clone().into_list_item())
        })
        .collect()
}

/// The projects a changed object alters: the project itself (an indicator's write
/// touches it), and those that embed a renamed organization.
pub fn affected(conn: &mut DbConnection, object: &str, id: i64) -> ApiResult<Vec<i64>> {
    match object {
        KIND => Ok(vec![id]),
        "organization" => repo::embedding(conn, id),
        _ => Ok(Vec::new()),
    }
}

/// The list items of a page, in its order: stored ones, the others rendered now.
pub fn page_items(conn: &mut DbConnection, rows: Vec<Stored>) -> ApiResult<Vec<Box<RawValue>>> {
    read_docs::stored_items(conn, KIND, rows, |conn, missing| {
        let rows = repo::find_many(conn, missing)?;
        service::with_details(conn, rows)?
            .into_iter()
            .map(|project| read_docs::rendered_item(project.id, &project.into_list_item()))
            .collect()
    })
}
