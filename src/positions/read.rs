//! The read model of positions: the public representation of every published position,
//! rendered when a write changes it (`read_model::flush`) and served as stored bytes.
//! Drafts are never stored: their readers (administrators, the association's editors)
//! get the representation rendered per request, which is the same one.

use serde_json::value::RawValue;

use super::repo;
use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc, Stored};
use crate::error::ApiResult;

/// The read model's name for positions.
pub const KIND: &str = "position";

/// The documents of the public ones of `ids`, as the current rows render them.
pub fn fresh(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ReadDoc>> {
    let rows = repo::find_public(conn, ids)?;
    repo::with_details(conn, rows)?
        .into_iter()
        .map(|position| {
            let (id, version) = (position.id, position.version);
            ReadDoc::render(id, version, &position, &position.clone().into_list_item())
        })
        .collect()
}

/// The positions a changed object alters: the position itself, and every position that
/// embeds an organization (as its association, an addressee, a co-signer or the sender
/// of a reply).
pub fn affected(conn: &mut DbConnection, object: &str, id: i64) -> ApiResult<Vec<i64>> {
    match object {
        KIND => Ok(vec![id]),
        "organization" => repo::embedding(conn, id),
        _ => Ok(Vec::new()),
    }
}

/// The list items of a page, in its order: stored ones as they are, the others (drafts
/// the caller may see, rows the read model lacks) rendered now.
pub fn page_items(conn: &mut DbConnection, rows: Vec<Stored>) -> ApiResult<Vec<Box<RawValue>>> {
    read_docs::stored_items(conn, KIND, rows, |conn, missing| {
        let rows = repo::find_many(conn, missing)?;
        repo::with_details(conn, rows)?
            .into_iter()
            .map(|position| read_docs::rendered_item(position.id, &position.into_list_item()))
            .collect()
    })
}
