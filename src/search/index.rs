//! Keeping the index current: [`flush`] indexes what the running transaction's writes
//! marked (`write::pending`), before the transaction commits (it runs first in
//! `read_model::flush`); [`rebuild`] indexes every row again.

use super::dto::SearchType;
use super::repo::{self, Rows};
use crate::db::DbConnection;
use crate::db::search_docs;
use crate::error::ApiResult;

/// Rows read per batch by the rebuild.
const REBUILD_BATCH: i64 = 2000;

/// Indexes again every searchable object the running transaction marked: a changed
/// row gets its new entry, a deleted one loses it. A draft keeps an entry (its owner
/// finds it); the search filters it for everyone else.
pub fn flush(conn: &mut DbConnection) -> ApiResult<()> {
    let marked = crate::write::pending::peek();
    for &kind in SearchType::ALL {
        let ids: Vec<i64> = marked
            .iter()
            .filter(|(object, _)| *object == kind.as_str())
            .map(|(_, id)| *id)
            .collect();
        if !ids.is_empty() {
            let docs = repo::docs(conn, kind, Rows::Ids(&ids))?;
            search_docs::replace(conn, kind.as_str(), &ids, &docs)?;
        }
    }
    Ok(())
}

/// Indexes every row of every searchable kind from scratch, in the caller's
/// transaction; returns how many entries the index holds.
pub fn rebuild(conn: &mut DbConnection) -> ApiResult<usize> {
    search_docs::clear(conn)?;
    let mut indexed = 0;
    for &kind in SearchType::ALL {
        let mut after = 0;
        loop {
            let docs = repo::docs(conn, kind, Rows::After(after, REBUILD_BATCH))?;
            let Some(last) = docs.last() else { break };
            after = last.resource_id;
            indexed += docs.len();
            search_docs::insert(conn, &docs)?;
        }
    }
    Ok(indexed)
}
