//! The read model: public representations kept rendered (`read_docs`), so that a GET
//! by id is one primary-key lookup returning bytes and a list page concatenates stored
//! items. It is written in the same transaction as every change that alters it: the
//! write path marks each changed object (`write::pending`), and [`flush`], which
//! `db::Db::transaction` runs before it commits, renders again what the objects alter:
//! the resource itself, and what embeds them (an organization renamed, a category, a
//! project's title in a practice).
//!
//! Positions, projects, practices and consultations are modelled. A consultation's
//! status moves with the clock (`announced` → `open` → `closed` without a write), so its
//! stored document says until when it is true (`read_docs.valid_until`): a read after
//! that renders fresh and stores the new rendering (`consultations::read`).

use std::collections::BTreeSet;

use diesel::Connection;

use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc};
use crate::error::ApiResult;

/// How many resources one rendering statement covers: a rename of an organization that
/// many resources embed re-renders them in batches of this size.
pub const BATCH: usize = 200;

/// One modelled resource: its name in `read_docs`, how the current rows render its
/// public documents, and which of its resources a changed object alters.
pub struct Model {
    pub kind: &'static str,
    /// The documents of the public ones of these ids (the others are not stored).
    pub fresh: fn(&mut DbConnection, &[i64]) -> ApiResult<Vec<ReadDoc>>,
    /// Every id, for the rebuild.
    pub all_ids: fn(&mut DbConnection) -> ApiResult<Vec<i64>>,
    /// The ids a write of `(object, id)` alters (itself, or what embeds it).
    pub affected: fn(&mut DbConnection, &str, i64) -> ApiResult<Vec<i64>>,
}

/// Every modelled resource.
pub const MODELS: [Model; 4] = [
    Model {
        kind: crate::positions::read::KIND,
        fresh: crate::positions::read::fresh,
        all_ids: crate::positions::repo::all_ids,
        affected: crate::positions::read::affected,
    },
    Model {
        kind: crate::projects::read::KIND,
        fresh: crate::projects::read::fresh,
        all_ids: crate::projects::repo::all_ids,
        affected: crate::projects::read::affected,
    },
    Model {
        kind: crate::practices::read::KIND,
        fresh: crate::practices::read::fresh,
        all_ids: crate::practices::repo::all_ids,
        affected: crate::practices::read::affected,
    },
    Model {
        kind: crate::consultations::read::KIND,
        fresh: crate::consultations::read::fresh,
        all_ids: crate::consultations::repo::all_ids,
        affected: crate::consultations::read::affected,
    },
];

/// Installs [`flush`] as the database's before-commit hook (the app's assembly).
pub fn install() {
    crate::db::set_before_commit(flush);
}

/// Renders again what the running transaction's writes changed, per model.
pub fn flush(conn: &mut DbConnection) -> ApiResult<()> {
    // The search index reads the same marks first (it does not take them).
    crate::search::flush(conn)?;
    let pending = crate::write::pending::take();
    if pending.is_empty() {
        return Ok(());
    }
    for model in &MODELS {
        let mut ids = BTreeSet::new();
        for (object, id) in &pending {
            ids.extend((model.affected)(conn, object, *id)?);
        }
        let ids: Vec<i64> = ids.into_iter().collect();
        render(conn, model, &ids)?;
    }
    Ok(())
}

/// Renders `ids` again (in batches): public ones are stored, the others removed.
/// Raises the model's generation when anything was rendered, so that list pages cached
/// from the documents before (`http::page_cache`, on every instance) are not served again.
fn render(conn: &mut DbConnection, model: &Model, ids: &[i64]) -> ApiResult<()> {
    for batch in ids.chunks(BATCH) {
        let docs = (model.fresh)(conn, batch)?;
        read_docs::replace(conn, model.kind, batch, &docs)?;
    }
    if !ids.is_empty() {
        read_docs::bump_generation(conn, model.kind)?;
    }
    Ok(())
}

/// Renders every modelled resource from its rows, and indexes every searchable one
/// (`razem rebuild-read-model`, after a migration or a restore); returns how many
/// documents are stored, in the read model and in the search index.
pub fn rebuild(conn: &mut DbConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let mut stored = 0;
        for model in &MODELS {
            let ids = (model.all_ids)(conn)?;
            render(conn, model, &ids)?;
            // Even with no rows left: documents may have gone.
            read_docs::bump_generation(conn, model.kind)?;
            stored += read_docs::all(conn, model.kind)?.len();
        }
        Ok(stored + crate::search::rebuild(conn)?)
    })
}

/// A stored document beside the one the current rows render, for checks: `(stored,
/// fresh)`, each `None` when there is none (a draft, a deleted row).
pub fn stored_and_fresh(
    conn: &mut DbConnection,
    kind: &str,
    id: i64,
) -> ApiResult<(Option<ReadDoc>, Option<ReadDoc>)> {
    let stored = read_docs::all(conn, kind)?
        .into_iter()
        .find(|doc| doc.id == id);
    let fresh = match MODELS.iter().find(|model| model.kind == kind) {
        Some(model) => (model.fresh)(conn, &[id])?.pop(),
        None => None,
    };
    Ok((stored, fresh))
}
