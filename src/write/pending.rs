//! The objects a transaction's writes changed, for the read model to render before the
//! transaction commits (`read_model::flush`, run by `db::Db::transaction`).
//!
//! Every versioned write marks its object here, so related rows written before or after
//! it in the same transaction (links, co-signers, replies) are in the rendering too. A
//! transaction runs on one thread, so the set is the thread's; an entry left by a
//! failed transaction only costs a re-render, which reads the committed state.

use std::cell::RefCell;
use std::collections::BTreeSet;

thread_local! {
    static PENDING: RefCell<BTreeSet<(&'static str, i64)>> = const { RefCell::new(BTreeSet::new()) };
}

/// Marks `object` `id` as changed in the running transaction.
pub fn mark(object: &'static str, id: i64) {
    PENDING.with(|pending| pending.borrow_mut().insert((object, id)));
}

/// The objects marked since the last call, in (object, id) order.
pub fn take() -> Vec<(&'static str, i64)> {
    PENDING.with(|pending| {
        std::mem::take(&mut *pending.borrow_mut())
            .into_iter()
            .collect()
    })
}

/// The objects marked so far, without taking them (the search index reads them before
/// the read model takes them, in the same before-commit flush).
pub fn peek() -> Vec<(&'static str, i64)> {
    PENDING.with(|pending| pending.borrow().iter().copied().collect())
}
