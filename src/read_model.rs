//! The read model: public representations kept rendered (`read_docs`), so that a GET
//! by id is one primary-key lookup returning bytes and a list page concatenates stored
//! items. It is written in the same transaction as every change that alters it: the
//! write path marks each changed object (`write::pending`), and [`flush`], which
//! `db::Db::transaction` runs before it commits, renders what embeds it again.
//!
//! Positions are modelled; other resources are rendered per request.

use diesel::Connection;

use crate::db::DbConnection;
use crate::error::ApiResult;

/// Installs [`flush`] as the database's before-commit hook (the app's assembly).
pub fn install() {
    crate::db::set_before_commit(flush);
}

/// Renders again what the running transaction's writes changed: a position itself, and
/// for an organization every position that embeds its summary (in batches).
pub fn flush(conn: &mut DbConnection) -> ApiResult<()> {
    // The search index reads the same marks first (it does not take them).
    crate::search::flush(conn)?;
    let mut positions: Vec<i64> = Vec::new();
    for (object, id) in crate::write::pending::take() {
        match object {
            "position" => positions.push(id),
            "organization" => crate::positions::read::render_embedding(conn, id)?,
            _ => {}
        }
    }
    crate::positions::read::render(conn, &positions)
}

/// Renders every modelled resource from its rows, and indexes every searchable one
/// (`razem rebuild-read-model`, after a
/// migration or a restore); returns how many documents are stored.
pub fn rebuild(conn: &mut DbConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let rendered = crate::positions::read::rebuild(conn)?;
        Ok(rendered + crate::search::rebuild(conn)?)
    })
}

/// A stored document beside the one the current rows render, for checks: `(stored,
/// fresh)`, each `None` when there is none (a draft, a deleted row).
pub fn stored_and_fresh(
    conn: &mut DbConnection,
    kind: &str,
    id: i64,
) -> ApiResult<(
    Option<crate::db::read_docs::ReadDoc>,
    Option<crate::db::read_docs::ReadDoc>,
)> {
    let stored = crate::db::read_docs::all(conn, kind)?
        .into_iter()
        .find(|doc| doc.id == id);
    let fresh = match kind {
        crate::positions::read::KIND => crate::positions::read::fresh(conn, &[id])?.pop(),
        _ => None,
    };
    Ok((stored, fresh))
}
