//! The search index's storage and every query over it: the one place where search has
//! SQL of each backend (a PostgreSQL `tsvector` with a GIN index, an SQLite FTS5 table).
//! What goes into the index, and when, is `search`'s; the words and their stems are
//! `domain::words`'.
//!
//! A query's terms (stems, `[a-z0-9]+` by construction) become the backend's own
//! syntax here and nowhere else: `'wodociag':* & 'gmin':*` for `to_tsquery`,
//! `"wodociag"* AND "gmin"*` for FTS5 `MATCH`. Whatever the caller typed (quotes,
//! `NEAR`, `-`, `:`, `&|!()`) is gone by then, so no input can make either parser fail.

use chrono::NaiveDateTime;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text, Timestamp};

use super::schema::search_docs;
use super::{DbConnection, MultiBackend};
use crate::error::ApiResult;

/// One resource as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub kind: &'static str,
    pub resource_id: i64,
    /// The organization whose insiders see it while it is not public.
    pub owner_id: Option<i64>,
    /// May everyone read it?
    pub public: bool,
    /// The title shown in hits.
    pub title: String,
    /// The text snippets are cut from.
    pub body: String,
    /// The folded words of the title (and of identifiers such as numbers, codes).
    pub title_words: String,
    /// The folded words of the body.
    pub body_words: String,
    pub updated_at: NaiveDateTime,
}

/// How many rows go into one multi-row `INSERT` (SQLite allows 32 766 bound values).
const INSERT_BATCH: usize = 500;

/// Replaces the documents of `ids` of `kind` by `docs` (those of `ids` not in `docs`
/// are removed: gone, or no longer searchable).
pub fn replace(
    conn: &mut DbConnection,
    kind: &str,
    ids: &[i64],
    docs: &[SearchDoc],
) -> ApiResult<()> {
    for chunk in ids.chunks(INSERT_BATCH) {
        diesel::delete(
            search_docs::table
                .filter(search_docs::kind.eq(kind))
                .filter(search_docs::resource_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    insert(conn, docs)
}

/// Adds documents (the rebuild, after [`clear`]).
pub fn insert(conn: &mut DbConnection, docs: &[SearchDoc]) -> ApiResult<()> {
    for chunk in docs.chunks(INSERT_BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|doc| {
                (
                    search_docs::kind.eq(doc.kind),
                    search_docs::resource_id.eq(doc.resource_id),
                    search_docs::owner_id.eq(doc.owner_id),
                    search_docs::public.eq(doc.public),
                    search_docs::title.eq(&doc.title),
                    search_docs::body.eq(&doc.body),
                    search_docs::title_words.eq(&doc.title_words),
                    search_docs::body_words.eq(&doc.body_words),
                    search_docs::updated_at.eq(doc.updated_at),
                )
            })
            .collect();
        // One multi-row INSERT; diesel builds those per backend, not over MultiConnection.
        match conn {
            DbConnection::Pg(pg) => diesel::insert_into(search_docs::table)
                .values(rows)
                .execute(pg)?,
            DbConnection::Sqlite(sqlite) => diesel::insert_into(search_docs::table)
                .values(rows)
                .execute(sqlite)?,
        };
    }
    Ok(())
}

/// Empties the index (the rebuild).
pub fn clear(conn: &mut DbConnection) -> ApiResult<()> {
    diesel::delete(search_docs::table).execute(conn)?;
    Ok(())
}

/// The stored documents of a kind, by resource id (for checks).
pub fn stored(conn: &mut DbConnection, kind: &str) -> ApiResult<Vec<(i64, String, bool)>> {
    Ok(search_docs::table
        .filter(search_docs::kind.eq(kind))
        .select((
            search_docs::resource_id,
            search_docs::title,
            search_docs::public,
        ))
        .order(search_docs::resource_id.asc())
        .load(conn)?)
}

/// `terms` in `to_tsquery` syntax: every term a prefix, all required.
fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| format!("'{}':*", quoted(term, '\'')))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `terms` in FTS5 `MATCH` syntax: every term a prefix, all required.
fn fts5(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| format!("\"{}\"*", quoted(term, '"')))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A term inside `quote`s: the quote doubled (terms have none, but a term is never
/// trusted to be what its maker promised).
fn quoted(term: &str, quote: char) -> String {
    term.replace(quote, &format!("{quote}{quote}"))
}

/// The condition "`id_column` is a `kind` whose index entry has every term", for a
/// list's `q` (a boxed query of any source). No terms match nothing.
pub fn matching<QS: 'static>(
    conn: &DbConnection,
    kind: &'static str,
    id_column: &'static str,
    terms: &[String],
) -> Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>> {
    if terms.is_empty() {
        return Box::new(diesel::dsl::sql::<Bool>("1 = 0"));
    }
    // `kind` and `id_column` are the caller's constants, never input.
    let (head, query) = match conn {
        DbConnection::Pg(_) => (
            format!(
                "{id_column} IN (SELECT d.resource_id FROM search_docs d \
                 WHERE d.kind = '{kind}' AND d.terms @@ to_tsquery('simple', "
            ),
            tsquery(terms),
        ),
        DbConnection::Sqlite(_) => (
            format!(
                "{id_column} IN (SELECT d.resource_id FROM search_fts \
                 JOIN search_docs d ON d.doc_id = search_fts.rowid \
                 WHERE d.kind = '{kind}' AND search_fts MATCH "
            ),
            fts5(terms),
        ),
    };
    let close = match conn {
        DbConnection::Pg(_) => "))",
        DbConnection::Sqlite(_) => ")",
    };
    Box::new(
        diesel::dsl::sql::<Bool>(&head)
            .bind::<Text, _>(query)
            .sql(close),
    )
}

/// What of one kind a caller may find: the public entries, and the drafts of these
/// owners (`None`: every draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub kind: &'static str,
    pub drafts_of: Option<Vec<i64>>,
}

/// Where a page of hits continues: after this score, kind and id (in that order).
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub score: f64,
    pub kind: &'static str,
    pub id: i64,
}

/// One ranked hit.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub resource_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Double)]
    pub score: f64,
}

/// The visibility condition over `d`: one disjunct per reachable kind.
fn visible(reach: &[Reach]) -> String {
    let per_kind: Vec<String> = reach
        .iter()
        .map(|r| match &r.drafts_of {
            None => format!("d.kind = '{}'", r.kind),
            Some(owners) if owners.is_empty() => format!("(d.kind = '{}' AND d.public)", r.kind),
            Some(owners) => format!(
                "(d.kind = '{}' AND (d.public OR d.owner_id IN ({})))",
                r.kind,
                owners
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    format!("({})", per_kind.join(" OR "))
}

/// At most `fetch` hits with every term, best first (then by kind and id), of what
/// `reach` allows, changed at or after `updated_since`, after `after`. Visibility is decided here, in SQL, so pages never
/// leak drafts nor come out short. The score is `ts_rank_cd` on PostgreSQL and the
/// negated `bm25` on SQLite (titles weigh more than bodies on both): higher is better,
/// comparable within one backend only.
pub fn search(
    conn: &mut DbConnection,
    reach: &[Reach],
    terms: &[String],
    after: Option<&After>,
    updated_since: Option<NaiveDateTime>,
    fetch: i64,
) -> ApiResult<Vec<Hit>> {
    if reach.is_empty() || terms.is_empty() {
        return Ok(Vec::new());
    }
    let visible = visible(reach);
    // Every value below but the bound query and instant is a number or one of the kinds.
    let keyset = after.map_or_else(
        || "TRUE".to_owned(),
        |a| {
            let score = format!("CAST('{:?}' AS {})", a.score, "DOUBLE PRECISION");
            format!(
                "(score < {score} OR (score = {score} AND (kind > '{kind}' \
                 OR (kind = '{kind}' AND resource_id > {id}))))",
                kind = a.kind,
                id = a.id
            )
        },
    );
    let order = format!("ORDER BY score DESC, kind ASC, resource_id ASC LIMIT {fetch}");
    let hits = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT kind, resource_id, title, body, score FROM ( \
               SELECT d.kind, d.resource_id, d.title, d.body, \
                      CAST(ts_rank_cd(d.terms, q.query) AS DOUBLE PRECISION) AS score \
               FROM search_docs d, to_tsquery('simple', $1) AS q(query) \
               WHERE d.terms @@ q.query AND {visible} \
                 AND ($2 IS NULL OR d.updated_at >= $2) \
             ) hits WHERE {keyset} {order}"
        ))
        .bind::<Text, _>(tsquery(terms))
        .bind::<Nullable<Timestamp>, _>(updated_since)
        .load::<Hit>(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "SELECT kind, resource_id, title, body, score FROM ( \
               SELECT d.kind AS kind, d.resource_id AS resource_id, d.title AS title, \
                      d.body AS body, -bm25(search_fts, 4.0, 1.0) AS score \
               FROM search_fts JOIN search_docs d ON d.doc_id = search_fts.rowid \
               WHERE search_fts MATCH ?1 AND {visible} \
                 AND (?2 IS NULL OR d.updated_at >= ?2) \
             ) WHERE {keyset} {order}"
        ))
        .bind::<Text, _>(fts5(terms))
        .bind::<Nullable<Timestamp>, _>(updated_since)
        .load::<Hit>(sqlite)?,
    };
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_become_prefix_queries_of_each_backend() {
        let terms = vec!["wodociag".to_owned(), "gmin".to_owned()];
        assert_eq!(tsquery(&terms), "'wodociag':* & 'gmin':*");
        assert_eq!(fts5(&terms), "\"wodociag\"* AND \"gmin\"*");
        assert_eq!(fts5(&["a\"b".to_owned()]), "\"a\"\"b\"*");
        assert_eq!(tsquery(&["a'b".to_owned()]), "'a''b':*");
    }

    #[test]
    fn visibility_is_one_disjunct_per_kind() {
        let reach = [
            Reach {
                kind: "position",
                drafts_of: Some(vec![3, 4]),
            },
            Reach {
                kind: "project",
                drafts_of: None,
            },
            Reach {
                kind: "practice",
                drafts_of: Some(Vec::new()),
            },
        ];
        assert_eq!(
            visible(&reach),
            "((d.kind = 'position' AND (d.public OR d.owner_id IN (3, 4))) OR d.kind = 'project' \
             OR (d.kind = 'practice' AND d.public))"
        );
    }
}
