//! The read model's storage: rendered documents by `(kind, id)`. What is rendered, and
//! when, is `read_model`'s; this is only the SQL.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{read_docs, read_generations};
use crate::error::{ApiError, ApiResult};

/// One rendered resource: its version (the `ETag`), the whole document (`GET` by id),
/// its list item, and the instant it stops being true without a write (`None`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDoc {
    pub id: i64,
    pub version: i64,
    pub doc: String,
    pub item: String,
    pub valid_until: Option<NaiveDateTime>,
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
            valid_until: None,
        })
    }

    /// The same rendering, true only until `instant` (when it is `Some`).
    pub fn until(self, instant: Option<NaiveDateTime>) -> Self {
        ReadDoc {
            valid_until: instant,
            ..self
        }
    }
}

/// A stored rendering that is still true at `now`.
fn valid_at(
    now: NaiveDateTime,
) -> diesel::dsl::Or<
    diesel::dsl::IsNull<read_docs::valid_until>,
    diesel::dsl::Gt<read_docs::valid_until, NaiveDateTime>,
> {
    read_docs::valid_until
        .is_null()
        .or(read_docs::valid_until.gt(now))
}

/// The stored document of one resource, if it is still true now: one primary-key lookup.
pub fn find(conn: &mut DbConnection, kind: &str, id: i64) -> ApiResult<Option<(i64, String)>> {
    Ok(read_docs::table
        .find((kind, id))
        .filter(valid_at(crate::time::now()))
        .select((read_docs::version, read_docs::doc))
        .first(conn)
        .optional()?)
}

/// The stored list items of these resources that are still true now, by id (missing
/// ones are not stored, or stopped being true).
pub fn items(conn: &mut DbConnection, kind: &str, ids: &[i64]) -> ApiResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(read_docs::table
        .filter(read_docs::kind.eq(kind))
        .filter(read_docs::id.eq_any(ids))
        .filter(valid_at(crate::time::now()))
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
                read_docs::valid_until.eq(doc.valid_until),
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
            read_docs::valid_until,
        ))
        .load::<(i64, i64, String, String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, version, doc, item, valid_until)| ReadDoc {
            id,
            version,
            doc,
            item,
            valid_until,
        })
        .collect())
}

/// Stores `doc` in place of a rendering of the same resource that stopped being true,
/// and only then. A read that rendered from an older snapshot than a write that
/// committed meanwhile finds the write's rendering (true now) or none (the resource
/// deleted, or no longer public) and leaves it; on PostgreSQL the conditions are checked
/// again on the row a concurrent write left. A missing rendering is not added here: only
/// writes and the rebuild add documents.
pub fn renew(conn: &mut DbConnection, kind: &str, doc: &ReadDoc) -> ApiResult<()> {
    let expired = read_docs::table
        .filter(read_docs::kind.eq(kind))
        .filter(read_docs::id.eq(doc.id))
        .filter(read_docs::valid_until.le(crate::time::now()));
    diesel::update(expired)
        .set((
            read_docs::version.eq(doc.version),
            read_docs::doc.eq(&doc.doc),
            read_docs::item.eq(&doc.item),
            read_docs::valid_until.eq(doc.valid_until),
        ))
        .execute(conn)?;
    Ok(())
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
            Ok(raw(item))
        })
        .collect()
}

/// A page's item rendered now (not stored) as `(id, JSON)`, what the `render` of
/// [`page_items`] and [`stored_items`] return for each row they were given.
pub fn rendered_item(id: i64, item: &impl serde::Serialize) -> ApiResult<(i64, String)> {
    Ok((id, serde_json::to_string(item).map_err(ApiError::internal)?))
}

/// A list item as serde_json wrote it, embedded as it is. Every item is serde_json's own
/// output: the stored ones were written by [`ReadDoc::render`], the only writer of
/// `read_docs`, and the others are rendered by the page's caller with `to_string`; so
/// checking them again (`RawValue::from_string` parses every byte) would be per-row
/// work a page does not need. Debug builds (the test suite) still check each one.
fn raw(item: String) -> Box<serde_json::value::RawValue> {
    // SAFETY: `item` is one well-formed JSON value without surrounding whitespace (see
    // above); RawValue only relies on that to write it verbatim.
    unsafe { serde_json::value::RawValue::from_string_unchecked(item) }
}

/// A row of a list page read through the read model ([`stored_page!`]): what a cursor
/// after it holds (its sort key, formatted as cursors write it, and its id) and its
/// stored list item, `None` when the read model holds none (a draft the caller may see,
/// a row written before the model): those are rendered now ([`stored_items`]).
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: Option<String>,
    pub id: i64,
    pub item: Option<String>,
}

/// The join of a list's table with its stored documents: `kind`'s row of the same id,
/// if it is still true now. A list's query `LEFT JOIN`s it
/// (`table.left_join(read_docs::table.on(joined(..)))`), so a page is one index range
/// scan with a primary-key probe per row, and rows without a stored item (or with one
/// that stopped being true) still come, with `NULL`.
#[allow(clippy::type_complexity)]
pub fn joined<C>(
    kind: &'static str,
    id: C,
) -> diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::Eq<read_docs::kind, &'static str>,
        diesel::dsl::Eq<read_docs::id, C>,
    >,
    diesel::dsl::Or<
        diesel::dsl::IsNull<read_docs::valid_until>,
        diesel::dsl::Gt<read_docs::valid_until, NaiveDateTime>,
    >,
>
where
    C: diesel::Expression<SqlType = diesel::sql_types::BigInt>,
{
    read_docs::kind
        .eq(kind)
        .and(read_docs::id.eq(id))
        .and(valid_at(crate::time::now()))
}

/// Loads a page of a boxed, filtered, ordered and limited list query joined with
/// [`joined`], selecting only the sort key, the id and the stored item (no row is
/// decoded): `stored_page!(conn, query, key_column, id_column, |key| cursor text)`, or
/// `stored_page!(conn, keyset(query, key_column, id_column, after, ascending, fetch), format)`,
/// an `ApiResult<Vec<Stored>>`.
#[macro_export]
macro_rules! stored_page {
    // The list's keyset page over `key` then `id` (`keyset!`, limited to `fetch`): the
    // key and id columns named once.
    ($conn:expr, keyset($query:expr, $key:expr, $id:expr, $after:expr, $ascending:expr, $fetch:expr), $format:expr) => {
        $crate::stored_page!(
            $conn,
            $crate::keyset!($query, $key, $id, $after, $ascending).limit($fetch),
            $key,
            $id,
            $format
        )
    };
    ($conn:expr, $query:expr, $key:expr, $id:expr, $format:expr) => {{
        let format = $format;
        $query
            .select(($key, $id, $crate::db::schema::read_docs::item.nullable()))
            .load::<(_, i64, Option<String>)>($conn)
            .map(|rows| {
                rows.into_iter()
                    .map(|(key, id, item)| $crate::db::read_docs::Stored {
                        key: Some(format(key)),
                        id,
                        item,
                    })
                    .collect::<Vec<_>>()
            })
            .map_err($crate::error::ApiError::from)
    }};
}

/// Whether every row of a page has its stored item (nothing would be rendered now).
pub fn all_stored(rows: &[Stored]) -> bool {
    rows.iter().all(|row| row.item.is_some())
}

/// The items of a page read by [`stored_page!`], in its order: the stored ones as they
/// are (concatenated, never parsed), the others rendered now by `render` from their ids
/// as `(id, JSON)`.
pub fn stored_items(
    conn: &mut DbConnection,
    kind: &str,
    rows: Vec<Stored>,
    render: impl FnOnce(&mut DbConnection, &[i64]) -> ApiResult<Vec<(i64, String)>>,
) -> ApiResult<Vec<Box<serde_json::value::RawValue>>> {
    let missing: Vec<i64> = rows
        .iter()
        .filter(|row| row.item.is_none())
        .map(|row| row.id)
        .collect();
    let mut rendered: HashMap<i64, String> = if missing.is_empty() {
        HashMap::new()
    } else {
        render(conn, &missing)?.into_iter().collect()
    };
    rows.into_iter()
        .map(|row| {
            let item = match row.item {
                Some(item) => item,
                None => rendered.remove(&row.id).ok_or_else(|| {
                    ApiError::internal(format!("{kind} {} was not rendered", row.id))
                })?,
            };
            Ok(raw(item))
        })
        .collect()
}

/// The ids of the stored documents of `kind` whose text contains `fragment` (what a
/// document embeds that its rows no longer say: a position that stopped answering a
/// consultation). A scan of that kind's documents.
pub fn containing(conn: &mut DbConnection, kind: &str, fragment: &str) -> ApiResult<Vec<i64>> {
    Ok(read_docs::table
        .filter(read_docs::kind.eq(kind))
        .filter(
            read_docs::doc
                .like(crate::db::like_pattern(fragment))
                .escape('\\'),
        )
        .select(read_docs::id)
        .load(conn)?)
}

/// Raises `kind`'s generation: run by every transaction that changes its documents,
/// before it commits. The row's lock orders concurrent writers, so the values readers
/// see grow in commit order.
pub fn bump_generation(conn: &mut DbConnection, kind: &str) -> ApiResult<()> {
    diesel::update(read_generations::table.find(kind))
        .set(read_generations::generation.eq(read_generations::generation + 1))
        .execute(conn)?;
    Ok(())
}

/// `kind`'s generation now (one primary-key lookup); `None` for a kind without one.
pub fn generation(conn: &mut DbConnection, kind: &str) -> ApiResult<Option<i64>> {
    Ok(read_generations::table
        .find(kind)
        .select(read_generations::generation)
        .first(conn)
        .optional()?)
}
