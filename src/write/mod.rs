//! The one write path: every change of a versioned row goes through here, which checks
//! the precondition, bumps `version` and `updated_at`, answers 412 when the row moved,
//! and appends the audit record and the change feed's event ([`feed`]) in the same
//! transaction. It also marks the object changed ([`pending`]), so the read model
//! renders it again before the transaction commits.

pub mod audit;
pub mod cascade;
pub mod feed;
pub mod pending;
mod versioned;

pub use audit::{Actor, diff, record};
pub use feed::{Audience, FeedAction};
pub use versioned::{
    Action, Expected, Versioned, create, create_as, delete, record_change, touch, transition,
    update, update_as,
};
