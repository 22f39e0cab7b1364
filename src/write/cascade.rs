//! What goes with a deleted row. A resource that keeps rows under another resource's
//! row (registrations under an event) registers, at the app's assembly, how to delete
//! them; [`super::delete`] runs that first, in the same transaction. So each of them
//! leaves its audit record and its tombstone in the change feed, which the database's
//! `ON DELETE CASCADE` would not: a partner mirroring the feed would keep rows that no
//! longer exist. The hooks are installed from above because `write` cannot name the
//! resources that use it.

use std::sync::RwLock;

use super::audit::Actor;
use crate::db::DbConnection;
use crate::error::ApiResult;

/// Deletes what `child` keeps under the parent row with this id.
pub type OnDelete = fn(&mut DbConnection, &Actor, i64) -> ApiResult<()>;

struct Hook {
    parent: &'static str,
    child: &'static str,
    run: OnDelete,
}

static HOOKS: RwLock<Vec<Hook>> = RwLock::new(Vec::new());

/// Registers that deleting a `parent` (a `Versioned::OBJECT`) first runs `run` for
/// `child`. Installing the same pair again (every app of a test run) changes nothing.
pub fn on_delete(parent: &'static str, child: &'static str, run: OnDelete) {
    let mut hooks = HOOKS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !hooks.iter().any(|h| h.parent == parent && h.child == child) {
        hooks.push(Hook { parent, child, run });
    }
}

/// Runs the hooks registered for `parent`, in the order they were installed.
pub(super) fn before_delete(
    conn: &mut DbConnection,
    actor: &Actor,
    parent: &'static str,
    id: i64,
) -> ApiResult<()> {
    let runs: Vec<OnDelete> = HOOKS
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .filter(|h| h.parent == parent)
        .map(|h| h.run)
        .collect();
    for run in runs {
        run(conn, actor, id)?;
    }
    Ok(())
}
