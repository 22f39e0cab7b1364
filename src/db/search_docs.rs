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
use crate::error::{ApiError, ApiResult};

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

/// The shortest term matched as a prefix; a shorter one matches whole words only: as
/// a prefix, "w" or "p" begins thousands of words, which FTS5 would merge and the GIN
/// index scan (`domain::words` lists it among the limits, its snippets follow it).
pub const MIN_PREFIX: usize = 3;

/// Is `term` matched as the beginning of words (else as a whole word)?
pub fn is_prefix(term: &str) -> bool {
    term.len() >= MIN_PREFIX
}

/// `terms` in `to_tsquery` syntax: every term a prefix (one or two characters: a
/// whole word, [`is_prefix`]), all required.
fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| {
            let star = if is_prefix(term) { ":*" } else { "" };
            format!("'{}'{star}", quoted(term, '\''))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `terms` in FTS5 `MATCH` syntax: every term a prefix (one or two characters: a whole
/// word), all required.
fn fts5(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| {
            let star = if is_prefix(term) { "*" } else { "" };
            format!("\"{}\"{star}", quoted(term, '"'))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A term inside `quote`s: the quote doubled (terms have none, but a term is never
/// trusted to be what its maker promised).
fn quoted(term: &str, quote: char) -> String {
    term.replace(quote, &format!("{quote}{quote}"))
}

/// `terms` as a PostgreSQL `tsquery` constant: `to_tsquery('simple', '…')`. A constant
/// and not a bound value because the pool plans statements generically
/// (`plan_cache_mode`): only a constant lets the planner see how many rows a query
/// matches and choose between the GIN index (few matches) and a walk in index order
/// that stops early (many).
fn pg_tsquery(terms: &[String]) -> String {
    format!(
        "to_tsquery('simple', '{}')",
        tsquery(terms).replace('\'', "''")
    )
}

/// Below this many matches of its kind, a list's `q` on SQLite is the set of matching
/// ids, and the list is read through it (`id IN (…)`, by primary key, then sorted).
const FEW_MATCHES: i64 = 1000;

/// From this many matches on, a list's `q` on SQLite is looked up row by row while the
/// list walks its own sort order: a page then needs about `50 × rows / matches` look-ups
/// (each an FTS5 query for one rowid, ~40 µs), where the set of ids costs every match.
/// In between, the set of ids is built and the list walks its sort order testing
/// membership (`+id IN (…)`: the `+` keeps SQLite from reading the list through the
/// set). Measured at 100 000 positions: a set costs ~0.5 µs per match to build and
/// ~8 µs per match to read the list through; the look-ups win above ~20 000 matches.
const MANY_MATCHES: i64 = 20_000;

/// The condition "`id_column` is a `kind` whose index entry has every term", for a
/// list's `q` (a boxed query of any source). No terms match nothing. The condition is
/// made so that a page costs about its own rows, however many rows match:
///
/// - PostgreSQL: a correlated `EXISTS` on the row's entry (`kind`, `resource_id`) with
///   the `tsquery` as a constant; the planner walks the list's sort index and stops
///   after the page for a common word, and starts from the GIN index for a rare one
///   (see [`pg_tsquery`]).
/// - SQLite has no statistics for FTS5, so the choice is made here: the matches of
///   `kind` are counted up to [`MANY_MATCHES`] first (one FTS5 scan that stops there),
///   then [`FEW_MATCHES`] and [`MANY_MATCHES`] choose between the three forms.
pub fn matching<QS: 'static>(
    conn: &mut DbConnection,
    kind: &'static str,
    id_column: &'static str,
    terms: &[String],
) -> ApiResult<Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>>> {
    if terms.is_empty() {
        return Ok(Box::new(diesel::dsl::sql::<Bool>("1 = 0")));
    }
    // `kind` and `id_column` are the caller's constants, never input.
    let DbConnection::Sqlite(sqlite) = conn else {
        return Ok(Box::new(diesel::dsl::sql::<Bool>(&format!(
            "EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = '{kind}' \
             AND d.resource_id = {id_column} AND d.terms @@ {})",
            pg_tsquery(terms)
        ))));
    };
    let query = fts5(terms);
    let matches = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM (SELECT 1 FROM {FTS_DOCS} \
         WHERE search_fts MATCH ? AND d.kind = '{kind}' LIMIT {MANY_MATCHES})"
    ))
    .bind::<Text, _>(&query)
    .get_result::<Count>(sqlite)?
    .n;
    let head = if matches >= MANY_MATCHES {
        format!(
            "EXISTS (SELECT 1 FROM search_docs d JOIN search_fts ON search_fts.rowid = d.doc_id \
             WHERE d.kind = '{kind}' AND d.resource_id = {id_column} AND search_fts MATCH "
        )
    } else {
        let plus = if matches >= FEW_MATCHES { "+" } else { "" };
        format!(
            "{plus}{id_column} IN (SELECT d.resource_id FROM {FTS_DOCS} \
             WHERE d.kind = '{kind}' AND search_fts MATCH "
        )
    };
    Ok(Box::new(
        diesel::dsl::sql::<Bool>(&head)
            .bind::<Text, _>(query)
            .sql(")"),
    ))
}

/// The FTS5 matches joined to their entries as `d`, read in FTS5's order (`CROSS JOIN`
/// keeps SQLite from turning it round into one FTS5 query per entry, which cost seconds
/// at 100 000 entries), through the narrow index on `doc_id` (an entry's row also holds
/// its title and body).
const FTS_DOCS: &str = "search_fts CROSS JOIN search_docs d INDEXED BY search_docs_doc_idx \
                        ON d.doc_id = search_fts.rowid";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
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

/// A search's question: what `reach` allows, with every term, changed at or after
/// `updated_since`; the page after `after` of at most `fetch` hits, ranked among at
/// most `candidates` matches.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub reach: &'a [Reach],
    pub terms: &'a [String],
    pub after: Option<&'a After>,
    pub updated_since: Option<NaiveDateTime>,
    pub fetch: i64,
    pub candidates: i64,
}

/// Limits the statements of the running PostgreSQL transaction to `timeout`
/// (`SET LOCAL statement_timeout`, undone by its end); a search that would run longer
/// is cancelled and answered 503 ([`cancelled`]). Nothing on SQLite.
pub fn statement_timeout(conn: &mut DbConnection, timeout: std::time::Duration) -> ApiResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!(
            "SET LOCAL statement_timeout = {}",
            timeout.as_millis().max(1)
        ))
        .execute(pg)?;
    }
    Ok(())
}

/// The error of a statement [`statement_timeout`] cancelled, as a 503 (the database is
/// too busy to answer this search now), other errors as they are.
pub fn cancelled(error: diesel::result::Error) -> ApiError {
    match &error {
        diesel::result::Error::DatabaseError(_, info)
            if info.message().contains("statement timeout") =>
        {
            ApiError::unavailable(format!("the search was cancelled: {}", info.message()))
        }
        _ => error.into(),
    }
}

/// The condition of `updated_since` over `d` on PostgreSQL (the instant bound as `$1`).
fn pg_since(updated_since: Option<NaiveDateTime>) -> &'static str {
    if updated_since.is_some() {
        "AND d.updated_at >= $1"
    } else {
        ""
    }
}

/// Does [`search`] find the candidates of `question` by walking the primary key
/// backwards (else from the GIN index)? Always `false` on SQLite, where FTS5 reads its
/// own index in rowid order. For checks: `search` decides the same way.
pub fn walks_backwards(conn: &mut DbConnection, question: &Question) -> ApiResult<bool> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(false);
    };
    if question.reach.is_empty() || question.terms.is_empty() {
        return Ok(false);
    }
    let query = pg_tsquery(question.terms);
    Ok(walks(
        pg,
        &query,
        &visible(question.reach),
        question.updated_since,
        question.candidates,
    )?)
}

/// What a row read by the backwards walk costs over what one match costs the GIN bitmap
/// (its posting, its heap row, its place in the sort by `doc_id`): the walk's row is
/// mostly the TOAST fetch of `terms` for the `@@` test (~3 µs). Measured at 100 000
/// positions (release build, quiet machine, 1000 candidates): both plans take ~25 ms
/// for a word of 20 % of the entries ("jednostek"); the walk 8 ms and the bitmap 48
/// for one of 99 % ("samorzad"), the walk 80 ms and the bitmap 12 for one of 4 %
/// ("sciek"), the walk 250 ms and the bitmap 14 for two words of 2 %.
const WALK_ROW_COST: f64 = 4.0;

/// Are the candidates of `query` found faster by walking the primary key backwards (the
/// newest entries first, testing each one the caller may see, until `candidates`
/// match) than from the GIN index (every match, sorted by `doc_id`)? With `m` matches
/// among `v` entries the caller may see (changed since `updated_since`, bound as
/// `$1`), the walk tests about `candidates × v / m` rows and the bitmap reads `m`: the
/// walk wins when `m² > WALK_ROW_COST × candidates × v` (at 100 000 entries and 1000
/// candidates: from ~20 000 matches on). Both counts are the planner's estimates (from `ANALYZE`'s
/// statistics, within a few percent of the true counts for single words); its own
/// choice is not used because it costs the walk's rows without their TOAST fetch and
/// walks for words of 4 % of the entries (~150 ms instead of ~15).
fn walks(
    pg: &mut diesel::PgConnection,
    query: &str,
    visible: &str,
    updated_since: Option<NaiveDateTime>,
    candidates: i64,
) -> QueryResult<bool> {
    let since = pg_since(updated_since);
    // One statement for both estimates: each branch of the Append is one of them.
    let mut explain = diesel::sql_query(format!(
        "EXPLAIN (FORMAT JSON) \
         SELECT 1 FROM search_docs d WHERE d.terms @@ {query} AND {visible} {since} \
         UNION ALL SELECT 1 FROM search_docs d WHERE {visible} {since}"
    ))
    .into_boxed::<diesel::pg::Pg>();
    if let Some(since) = updated_since {
        explain = explain.bind::<Timestamp, _>(since);
    }
    let plan = explain.get_result::<Explained>(pg)?;
    Ok(estimates(&plan.plan).is_some_and(|(matches, visible)| {
        matches * matches > WALK_ROW_COST * candidates as f64 * visible
    }))
}

/// The estimated rows of the two branches of an `EXPLAIN (FORMAT JSON)` of a `UNION
/// ALL` (`None` when the plan is not of that shape: the GIN bitmap then, whose cost is
/// bounded by the matches).
fn estimates(plan: &str) -> Option<(f64, f64)> {
    let plan: serde_json::Value = serde_json::from_str(plan).ok()?;
    let branches = plan.get(0)?.get("Plan")?.get("Plans")?.as_array()?;
    let rows = |branch: &serde_json::Value| branch.get("Plan Rows")?.as_f64();
    match branches.as_slice() {
        [matches, visible] => Some((rows(matches)?, rows(visible)?)),
        _ => None,
    }
}

#[derive(QueryableByName)]
struct Explained {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// At most `fetch` hits, best first (then by kind and id), after `after`.
///
/// **Bounded.** Only the `candidates` most recently indexed matches are ranked (the
/// highest `doc_id`s: an entry is written again, with a new `doc_id`, whenever its
/// resource changes, so these are the matches changed last; a rebuild writes them in
/// kind and id order). A word that matches more finds the best of those, not of every
/// match. Both databases read the candidates in `doc_id` order and stop there (FTS5
/// `ORDER BY rowid DESC`), so the work of a page does not grow with the number of
/// matches. The candidates stay the same from page to page while the index does not
/// change, so the cursor pages through one ranked set.
///
/// **The plan, on PostgreSQL**, is chosen here, from the planner's estimates of how
/// many entries match and how many the caller may see ([`walks`]), and imposed with
/// `SET LOCAL enable_…` for the search's transaction: for a word many entries have,
/// the primary key walked backwards, testing visibility (inline columns) before the
/// match (the TOAST fetch of `terms`), so that drafts and old entries cost little;
/// for a sparser one, the GIN bitmap of every match, sorted by `doc_id`, which fetches
/// no `terms` until the candidates are ranked. Left to itself the planner walks for
/// words of a few percent of the entries, reading tens of thousands of `terms` (it
/// does not count their TOAST fetch): 130-180 ms at 100 000 positions instead of
/// 12-15. The title and body are read for the page only.
///
/// Visibility is decided here, in SQL, before the bound, so pages never leak drafts nor
/// come out short. The score is `ts_rank_cd` on PostgreSQL and the negated `bm25` on
/// SQLite (titles weigh more than bodies on both): higher is better, comparable within
/// one backend only.
pub fn search(conn: &mut DbConnection, question: Question) -> ApiResult<Vec<Hit>> {
    let Question {
        reach,
        terms,
        after,
        updated_since,
        fetch,
        candidates,
    } = question;
    if reach.is_empty() || terms.is_empty() {
        return Ok(Vec::new());
    }
    let visible = visible(reach);
    // Every value below but the bound query and instant is a number or one of the kinds.
    let keyset = |kind: &str, id: &str| {
        after.map_or_else(
            || "TRUE".to_owned(),
            |a| {
                let score = format!("CAST('{:?}' AS {})", a.score, "DOUBLE PRECISION");
                format!(
                    "(c.score < {score} OR (c.score = {score} AND ({kind} > '{after_kind}' \
                     OR ({kind} = '{after_kind}' AND {id} > {after_id}))))",
                    after_kind = a.kind,
                    after_id = a.id
                )
            },
        )
    };
    let hits = match conn {
        DbConnection::Pg(pg) => {
            let query = pg_tsquery(terms);
            let since = pg_since(updated_since);
            let walk = walks(pg, &query, &visible, updated_since, candidates).map_err(cancelled)?;
            // The plan is the one chosen above, whatever the planner's costs say (they
            // leave out the TOAST fetch of `terms`, ~3 µs a row); `SET LOCAL`: for
            // this transaction only (service::search runs the search in its own).
            let (off, condition) = if walk {
                // Visibility and `updated_since` first (inline columns), the match
                // only for the rows they keep: a draft costs no TOAST fetch.
                (
                    ["enable_seqscan", "enable_bitmapscan"],
                    format!("CASE WHEN {visible} {since} THEN d.terms @@ {query} ELSE FALSE END"),
                )
            } else {
                (
                    ["enable_seqscan", "enable_indexscan"],
                    format!("d.terms @@ {query} AND {visible} {since}"),
                )
            };
            diesel::sql_query(format!(
                "SELECT set_config('{}', 'off', true), set_config('{}', 'off', true)",
                off[0], off[1]
            ))
            .execute(pg)
            .map_err(cancelled)?;
            // The rank is computed for the candidates only, the page cut before the
            // title and body are read.
            let sql = format!(
                "SELECT h.kind, h.resource_id, h.title, h.body, p.score FROM ( \
                   SELECT c.doc_id, c.kind, c.resource_id, c.score FROM ( \
                     SELECT m.doc_id, m.kind, m.resource_id, \
                            CAST(ts_rank_cd(m.terms, {query}) AS DOUBLE PRECISION) AS score \
                     FROM (SELECT d.doc_id, d.kind, d.resource_id, d.terms FROM search_docs d \
                           WHERE {condition} ORDER BY d.doc_id DESC LIMIT {candidates}) m \
                   ) c WHERE {keyset} ORDER BY c.score DESC, c.kind ASC, c.resource_id ASC \
                   LIMIT {fetch} \
                 ) p JOIN search_docs h ON h.doc_id = p.doc_id \
                 ORDER BY p.score DESC, p.kind ASC, p.resource_id ASC",
                keyset = keyset("c.kind", "c.resource_id"),
            );
            let mut statement = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
            if let Some(since) = updated_since {
                statement = statement.bind::<Timestamp, _>(since);
            }
            statement.load::<Hit>(pg).map_err(cancelled)?
        }
        // bm25 in the candidates' own query: FTS5 computes it only for the rows read.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "SELECT h.kind AS kind, h.resource_id AS resource_id, h.title AS title, \
                    h.body AS body, c.score AS score FROM ( \
               SELECT search_fts.rowid AS doc_id, -bm25(search_fts, 4.0, 1.0) AS score \
               FROM {FTS_DOCS} \
               WHERE search_fts MATCH ?1 AND {visible} AND (?2 IS NULL OR d.updated_at >= ?2) \
               ORDER BY search_fts.rowid DESC LIMIT {candidates} \
             ) c JOIN search_docs h ON h.doc_id = c.doc_id WHERE {keyset} \
             ORDER BY c.score DESC, h.kind ASC, h.resource_id ASC LIMIT {fetch}",
            keyset = keyset("h.kind", "h.resource_id"),
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
        // One or two characters: a whole word.
        let short = vec!["ul".to_owned(), "2".to_owned(), "rok".to_owned()];
        assert_eq!(tsquery(&short), "'ul' & '2' & 'rok':*");
        assert_eq!(fts5(&short), "\"ul\" AND \"2\" AND \"rok\"*");
        // The constant doubles the tsquery's quotes again.
        assert_eq!(
            pg_tsquery(&terms),
            "to_tsquery('simple', '''wodociag'':* & ''gmin'':*')"
        );
        assert_eq!(
            pg_tsquery(&["a'b".to_owned()]),
            "to_tsquery('simple', '''a''''b'':*')"
        );
    }

    #[test]
    fn estimates_are_the_rows_of_both_branches_of_the_union() {
        let plan = r#"[{"Plan": {"Node Type": "Append", "Plan Rows": 30, "Plans": [
            {"Node Type": "Seq Scan", "Plan Rows": 4}, {"Node Type": "Seq Scan", "Plan Rows": 26}
        ]}}]"#;
        assert_eq!(estimates(plan), Some((4.0, 26.0)));
        // Any other shape: no estimates (the GIN bitmap).
        assert_eq!(
            estimates(r#"[{"Plan": {"Node Type": "Result", "Plan Rows": 1}}]"#),
            None
        );
        assert_eq!(estimates("not a plan"), None);
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
