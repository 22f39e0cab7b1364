//! The one write path: every change of a versioned row goes through here, which checks
//! the precondition, bumps `version` and `updated_at`, answers 412 when the row moved,
//! and appends the audit record in the same transaction. It is also the one place the
//! change event of the change feed will be written ([`record_change`]).

pub mod audit;
mod versioned;

pub use audit::{Actor, diff, record};
pub use versioned::{
    Action, Expected, Versioned, create, create_as, delete, record_change, touch, update, update_as,
};
