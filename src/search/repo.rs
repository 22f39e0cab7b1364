//! The rows the search index is made of: the searchable columns of each resource, by
//! id (the flush) or in id batches (the rebuild). The index's own SQL is
//! `db::search_docs`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::SearchType;
use crate::db::DbConnection;
use crate::db::schema::{consultations, organizations, positions, practices, projects};
use crate::db::search_docs::SearchDoc;
use crate::domain::PracticeStatus;
use crate::domain::words::words;
use crate::error::ApiResult;

/// Which rows to read.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    /// These ids (those that are gone are simply not returned).
    Ids(&'a [i64]),
    /// The first `n` rows after this id, by id.
    After(i64, i64),
}

/// Loads `$columns` of `$table` for `$rows`.
macro_rules! load_rows {
    ($conn:expr, $table:ident, $columns:expr, $rows:expr) => {{
        let query = $table::table.select($columns).into_boxed();
        let query = match $rows {
            Rows::Ids(ids) => query.filter($table::id.eq_any(ids.to_vec())),
            Rows::After(after, n) => query
                .filter($table::id.gt(after))
                .order($table::id.asc())
                .limit(n),
        };
        query.load($conn)?
    }};
}

/// The index entries of the `kind` rows `rows` selects, in id order for batches.
pub fn docs(conn: &mut DbConnection, kind: SearchType, rows: Rows) -> ApiResult<Vec<SearchDoc>> {
    Ok(match kind {
        SearchType::Position => {
            use positions as t;
            let loaded: Vec<PositionText> = load_rows!(
                conn,
                positions,
                (
                    t::id,
                    t::association_id,
                    t::published,
                    t::updated_at,
                    t::title,
                    t::number,
                    t::legislation_register_number,
                    t::summary,
                    t::body,
                    t::legislation_title,
                ),
                rows
            );
            loaded
                .into_iter()
                .map(
                    |(id, owner, public, at, title, number, register, summary, body, act)| {
                        let shown = title
                            .clone()
                            .or_else(|| number.clone())
                            .unwrap_or_else(|| format!("#{id}"));
                        doc(
                            (kind, id, Some(owner), public, at),
                            shown,
                            &[number.as_deref(), register.as_deref()],
                            &[summary.as_deref(), body.as_deref(), act.as_deref()],
                        )
                    },
                )
                .collect()
        }
        SearchType::Consultation => {
            use consultations as t;
            let loaded: Vec<ConsultationText> = load_rows!(
                conn,
                consultations,
                (
                    t::id,
                    t::organizer_id,
                    t::announced_at,
                    t::updated_at,
                    t::title,
                    t::legislation_register_number,
                    t::description,
                    t::legislation_title,
                ),
                rows
            );
            loaded
                .into_iter()
                .map(
                    |(id, owner, announced, at, title, register, description, act)| {
                        doc(
                            (kind, id, Some(owner), announced.is_some(), at),
                            title,
                            &[register.as_deref()],
                            &[description.as_deref(), act.as_deref()],
                        )
                    },
                )
                .collect()
        }
        SearchType::Project => {
            use projects as t;
            let loaded: Vec<ProjectText> = load_rows!(
                conn,
                projects,
                (
                    t::id,
                    t::lead_id,
                    t::updated_at,
                    t::title,
                    t::code,
                    t::summary,
                    t::description,
                ),
                rows
            );
            loaded
                .into_iter()
                .map(|(id, owner, at, title, code, summary, description)| {
                    doc(
                        (kind, id, Some(owner), true, at),
                        title,
                        &[Some(code.as_str())],
                        &[summary.as_deref(), description.as_deref()],
                    )
                })
                .collect()
        }
        SearchType::Practice => {
            use practices as t;
            let loaded: Vec<PracticeText> = load_rows!(
                conn,
                practices,
                (
                    t::id,
                    t::implementer_id,
                    t::status,
                    t::updated_at,
                    t::title,
                    t::city,
                    (t::summary, t::situation_before, t::goals),
                    (t::actions, t::results, t::lessons),
                ),
                rows
            );
            loaded
                .into_iter()
                .map(
                    |(
                        id,
                        owner,
                        status,
                        at,
                        title,
                        city,
                        (summary, before, goals),
                        (actions, results, lessons),
                    )| {
                        doc(
                            (kind, id, Some(owner), status.is_public(), at),
                            title,
                            &[city.as_deref()],
                            &[
                                summary.as_deref(),
                                before.as_deref(),
                                goals.as_deref(),
                                actions.as_deref(),
                                results.as_deref(),
                                lessons.as_deref(),
                            ],
                        )
                    },
                )
                .collect()
        }
        SearchType::Organization => {
            use organizations as t;
            let loaded: Vec<OrganizationText> = load_rows!(
                conn,
                organizations,
                (
                    t::id,
                    t::updated_at,
                    t::name,
                    t::short_name,
                    t::city,
                    t::description,
                ),
                rows
            );
            loaded
                .into_iter()
                .map(|(id, at, name, short_name, city, description)| {
                    doc(
                        (kind, id, Some(id), true, at),
                        name,
                        &[short_name.as_deref(), city.as_deref()],
                        &[description.as_deref()],
                    )
                })
                .collect()
        }
    })
}

type PositionText = (
    i64,
    i64,
    bool,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
type ConsultationText = (
    i64,
    i64,
    Option<NaiveDateTime>,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
type ProjectText = (
    i64,
    i64,
    NaiveDateTime,
    String,
    String,
    Option<String>,
    Option<String>,
);
type PracticeText = (
    i64,
    i64,
    PracticeStatus,
    NaiveDateTime,
    String,
    Option<String>,
    (Option<String>, Option<String>, Option<String>),
    (Option<String>, Option<String>, Option<String>),
);
type OrganizationText = (
    i64,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// One entry: `(kind, id, owner, public, updated_at)`, the title shown, what else the
/// title words hold (numbers, codes, short names), and the parts of the body.
fn doc(
    (kind, resource_id, owner_id, public, updated_at): (
        SearchType,
        i64,
        Option<i64>,
        bool,
        NaiveDateTime,
    ),
    title: String,
    identifiers: &[Option<&str>],
    body: &[Option<&str>],
) -> SearchDoc {
    let body: Vec<&str> = body.iter().flatten().copied().collect();
    let body = body.join("\n");
    let mut title_words = words(&title);
    for identifier in identifiers.iter().flatten() {
        title_words.extend(words(identifier));
    }
    SearchDoc {
        kind: kind.as_str(),
        resource_id,
        owner_id,
        public,
        title_words: title_words.join(" "),
        body_words: words(&body).join(" "),
        title,
        body,
        updated_at,
    }
}
