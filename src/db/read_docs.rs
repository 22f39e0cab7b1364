//! The read model's storage: rendered documents by `(kind, id)`. What is rendered, and
//! when, is `read_model`'s; this is only the SQL.

use std::collections::HashMap;

use diesel::prelude::*;

use super::DbConnection;
use super::schema::read_docs;
use crate::error::{ApiError, ApiResult};

/// One rendered resource: its version (the `ETag`), the whole document (`GET` by id)
/// and its list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDoc {
    pub id: i64,
    pub version: i64,
    pub doc: String,
    pub item: String,
}

impl ReadDoc {
    /// The document of a resource and its list item, rendered as JSON.
    pub fn render(
        id: i64,
        version: i64,
        doc: &impl serde::Serialize,
        item: &impl serde::Serialize,
    ) -> ApiResult<Self> {
        Ok(ReadDoc {
            id,
            version,
            doc: serde_json::to_string(doc).map_err(ApiError::internal)?,
            item: serde_json::to_string(item).map_err(ApiError::internal)?,
        })
    }
}

/// The stored document of one resource: one primary-key lookup.
pub fn find(conn: &mut DbConnection, kind: &str, id: i64) -> ApiResult<Option<(i64, String)>> {
    Ok(read_docs::table
        .find((kind, id))
        .select((read_docs::version, read_docs::doc))
        .first(conn)
        .optional()?)
}

/// The stored list items of these resources, by id (missing ones are not stored).
pub fn items(conn: &mut DbConnection, kind: &str, ids: &[i64]) -> ApiResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(read_docs::table
        .filter(read_docs::kind.eq(kind))
        .filter(read_docs::id.eq_any(ids))
        .select((read_docs::id, read_docs::item))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Replaces the documents of `ids` by `docs` (those of `ids` not in `docs` are removed:
/// gone, or no longer public).
pub fn replace(
    conn: &mut DbConnection,
    kind: &str,
    ids: &[i64],
    docs: &[ReadDoc],
) -> ApiResult<()> {
    diesel::delete(
        read_docs::table
            .filter(read_docs::kind.eq(kind))
            .filter(read_docs::id.eq_any(ids)),
    )
    .execute(conn)?;
    let rows: Vec<_> = docs
        .iter()
        .map(|doc| {
            (
                read_docs::kind.eq(kind),
                read_docs::id.eq(doc.id),
                read_docs::version.eq(doc.version),
                read_docs::doc.eq(&doc.doc),
                read_docs::item.eq(&doc.item),
            )
        })
        .collect();
    if !rows.is_empty() {
        // One multi-row INSERT; diesel builds those per backend, not over MultiConnection.
        match conn {
            DbConnection::Pg(pg) => diesel::insert_into(read_docs::table)
                .values(rows)
                .execute(pg)?,
            DbConnection::Sqlite(sqlite) => diesel::insert_into(read_docs::table)
                .values(rows)
                .execute(sqlite)?,
        };
    }
    Ok(())
}

/// Every stored document of a kind, by id (for checks and rebuilds).
pub fn all(conn: &mut DbConnection, kind: &str) -> ApiResult<Vec<ReadDoc>> {
    Ok(read_docs::table
        .filter(read_docs::kind.eq(kind))
        .order(read_docs::id)
        .select((
            read_docs::id,
            read_docs::version,
            read_docs::doc,
            read_docs::item,
        ))
        .load::<(i64, i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, version, doc, item)| ReadDoc {
            id,
            version,
            doc,
            item,
        })
        .collect())
}

/// The list items of a page, in its order: stored ones for the rows `public` says are
/// read as the public reads them, the others rendered now by `render` (drafts the
/// caller may see, a caller who sees more, rows the read model lacks) as `(id, JSON)`.
pub fn page_items<R>(
    conn: &mut DbConnection,
    kind: &str,
    rows: Vec<R>,
    id_of: impl Fn(&R) -> i64,
    public: impl Fn(&R) -> bool,
    render: impl FnOnce(&mut DbConnection, Vec<R>) -> ApiResult<Vec<(i64, String)>>,
) -> ApiResult<Vec<Box<serde_json::value::RawValue>>> {
    let order: Vec<i64> = rows.iter().map(&id_of).collect();
    let wanted: Vec<i64> = rows.iter().filter(|r| public(r)).map(&id_of).collect();
    let mut found = items(conn, kind, &wanted)?;
    let missing: Vec<R> = rows
        .into_iter()
        .filter(|row| !found.contains_key(&id_of(row)))
        .collect();
    if !missing.is_empty() {
        found.extend(render(conn, missing)?);
    }
    order
        .iter()
        .map(|id| {
            let item = found
                .remove(id)
                .ok_or_else(|| ApiError::internal(format!("{kind} {id} was not rendered")))?;
            serde_json::value::RawValue::from_string(item).map_err(ApiError::internal)
        })
        .collect()
}
