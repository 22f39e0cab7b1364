//! The versioned write, written once: insert, update, touch and delete of a row that
//! carries `id`, `version`, `created_at` and `updated_at`.
//!
//! A resource declares its table with [`versioned_table!`](crate::versioned_table) and
//! calls [`create`], [`update`], [`touch`] or [`delete`] inside its transaction. Each
//! of them stamps `version`/`updated_at`, enforces the expected version in SQL
//! (`WHERE id = ? AND version = ?`, 412 naming the current version when the row moved)
//! and records the change ([`record_change`]) in the same transaction.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::Serialize;

use super::audit::{Actor, diff};
use super::feed::{self, Audience, FeedAction};
use super::pending;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::extract::IfMatch;

/// What a resource tells the write path about its table.
pub trait Versioned {
    /// The stored row.
    type Row;
    /// The writable columns, the whole new state (insert and update).
    type Fields;
    /// The object's name in the audit log and the change feed (`position`, `comment` …).
    const OBJECT: &'static str;

    fn id(row: &Self::Row) -> i64;
    fn version(row: &Self::Row) -> i64;
    fn insert_row(
        conn: &mut DbConnection,
        fields: &Self::Fields,
        now: NaiveDateTime,
    ) -> QueryResult<Self::Row>;
    /// Writes `fields` with `version + 1` if the row is still at `expected`.
    fn update_row(
        conn: &mut DbConnection,
        id: i64,
        expected: i64,
        fields: &Self::Fields,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Self::Row>>;
    /// Only `version + 1` and `updated_at`, for changes of related rows.
    fn touch_row(
        conn: &mut DbConnection,
        id: i64,
        expected: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Self::Row>>;
    fn delete_row(conn: &mut DbConnection, id: i64, expected: i64) -> QueryResult<usize>;

    /// The object the row belongs to (its association, project, consultation), which
    /// its URL in the change feed names; `versioned_table!`'s `parent = column`.
    fn parent(_row: &Self::Row) -> Option<i64> {
        None
    }

    /// Who may see the row in the change feed; `versioned_table!`'s `audience = …`.
    fn audience(_row: &Self::Row) -> Audience {
        Audience::PUBLIC
    }
}

/// The version a write expects to replace: from `If-Match`, or the version just read
/// (writes that need no precondition still refuse to overwrite a concurrent change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected(i64);

impl Expected {
    /// Checks `If-Match` against the current version: 428 without it, 412 when stale,
    /// 400 when malformed.
    pub fn from_header(if_match: &IfMatch, current_version: i64) -> ApiResult<Self> {
        if_match.expected(current_version).map(Expected)
    }

    /// The version just read, for writes without a precondition header.
    pub fn current(current_version: i64) -> Self {
        Expected(current_version)
    }

    pub fn version(self) -> i64 {
        self.0
    }
}

/// What happened to an object, as the audit log and the change feed name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    /// A lifecycle move (`POST …/transitions`).
    Transition,
    /// A disposition of a consultation comment.
    Decide,
    /// A partner API token issued or revoked.
    Issue,
    Revoke,
    /// A signature added to a position, or withdrawn from it.
    CoSign,
    RemoveCoSigner,
    /// A reply to a position recorded.
    Response,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Transition => "transition",
            Action::Decide => "decide",
            Action::Issue => "issue",
            Action::Revoke => "revoke",
            Action::CoSign => "co_sign",
            Action::RemoveCoSigner => "remove_co_signer",
            Action::Response => "response",
        }
    }
}

/// The audit record of a change. The versioned writes below also append the change
/// feed's event ([`feed::emit`]) in the same transaction; called alone it records a
/// change without a new version (the feed shows it with the write that follows).
pub fn record_change(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    object: &'static str,
    id: i64,
    changes: Option<serde_json::Value>,
) -> ApiResult<()> {
    super::audit::record(conn, actor, action.as_str(), object, id, changes)
}

/// Inserts a row at version 1; `snapshot` is what the audit record keeps of it.
pub fn create<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &T::Fields,
    snapshot: &impl Serialize,
) -> ApiResult<T::Row> {
    create_as::<T>(conn, actor, Action::Create, fields, snapshot)
}

/// Like [`create`], for an insert that has its own action (a token is issued).
pub fn create_as<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    fields: &T::Fields,
    snapshot: &impl Serialize,
) -> ApiResult<T::Row> {
    let row = T::insert_row(conn, fields, crate::time::now())?;
    feed::emit::<T>(conn, FeedAction::Created, None, Some(&row))?;
    pending::mark(T::OBJECT, T::id(&row));
    record_change(
        conn,
        actor,
        action,
        T::OBJECT,
        T::id(&row),
        serde_json::to_value(snapshot).ok(),
    )?;
    Ok(row)
}

/// Writes the new state of `current` if it is still at `expected` (else 412); the audit
/// record keeps what changed between `before` and `after` (the resource's whole state,
/// related rows included).
pub fn update<T: Versioned, S: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    expected: Expected,
    fields: &T::Fields,
    (before, after): (&S, &S),
) -> ApiResult<T::Row> {
    let changes = diff(before, after);
    update_as::<T>(
        conn,
        actor,
        Action::Update,
        current,
        expected,
        fields,
        changes,
    )
}

/// Like [`update`], for a move that has its own action (a transition, a decision) and
/// its own audit detail.
pub fn update_as<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    current: &T::Row,
    expected: Expected,
    fields: &T::Fields,
    changes: serde_json::Value,
) -> ApiResult<T::Row> {
    let row = T::update_row(conn, T::id(current), expected.0, fields, crate::time::now())?;
    updated::<T>(conn, (actor, action), current, row, changes)
}

/// A lifecycle move: [`update_as`] with [`Action::Transition`].
pub fn transition<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    expected: Expected,
    fields: &T::Fields,
    changes: serde_json::Value,
) -> ApiResult<T::Row> {
    update_as::<T>(
        conn,
        actor,
        Action::Transition,
        current,
        expected,
        fields,
        changes,
    )
}

/// Bumps the version of `current` (its related rows changed: a co-signer, a reply, an
/// indicator) if it is still at `expected`, recording `changes` as an update.
pub fn touch<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    expected: Expected,
    changes: serde_json::Value,
) -> ApiResult<T::Row> {
    let row = T::touch_row(conn, T::id(current), expected.0, crate::time::now())?;
    updated::<T>(conn, (actor, Action::Update), current, row, changes)
}

/// What follows every versioned update: 412 when no row was at the expected version,
/// else the change event, the read model's mark and the audit record.
fn updated<T: Versioned>(
    conn: &mut DbConnection,
    (actor, action): (&Actor, Action),
    current: &T::Row,
    row: Option<T::Row>,
    changes: serde_json::Value,
) -> ApiResult<T::Row> {
    let row = row.ok_or_else(|| ApiError::precondition_failed(T::version(current)))?;
    feed::emit::<T>(conn, FeedAction::Updated, Some(current), Some(&row))?;
    pending::mark(T::OBJECT, T::id(&row));
    record_change(conn, actor, action, T::OBJECT, T::id(&row), Some(changes))?;
    Ok(row)
}

/// Deletes `current` if it is still at `expected` (else 412), after what other
/// resources keep under it (`cascade`); the audit record keeps `snapshot`, the last
/// state.
pub fn delete<T: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    expected: Expected,
    snapshot: &impl Serialize,
) -> ApiResult<()> {
    // What is kept under the row goes first, each through this path (a 412 below
    // rolls it back with the rest of the transaction).
    super::cascade::before_delete(conn, actor, T::OBJECT, T::id(current))?;
    if T::delete_row(conn, T::id(current), expected.0)? == 0 {
        return Err(ApiError::precondition_failed(T::version(current)));
    }
    feed::emit::<T>(conn, FeedAction::Deleted, Some(current), None)?;
    pending::mark(T::OBJECT, T::id(current));
    record_change(
        conn,
        actor,
        Action::Delete,
        T::OBJECT,
        T::id(current),
        serde_json::to_value(snapshot).ok(),
    )
}

/// Declares a versioned table for the write path: `versioned_table!(Positions,
/// positions, PositionRow, PositionFields, "position")` makes the marker type
/// `Positions` implement [`Versioned`] with the table's statements. Optional tails:
/// `parent = association_id` (the column naming the parent in the feed's URL) and
/// `audience = |row: &PositionRow| Audience::draft_of(row.association_id, row.published)`
/// (who may see the row in the change feed; public when absent).
#[macro_export]
macro_rules! versioned_table {
    ($(#[$meta:meta])* $marker:ident, $table:ident, $row:ty, $fields:ty, $object:literal
     $(, parent = $parent:ident)? $(, audience = $audience:expr)? $(,)?) => {
        $(#[$meta])*
        pub struct $marker;

        impl $crate::write::Versioned for $marker {
            type Row = $row;
            type Fields = $fields;
            const OBJECT: &'static str = $object;

            fn id(row: &$row) -> i64 {
                row.id
            }

            fn version(row: &$row) -> i64 {
                row.version
            }

            $(
                fn parent(row: &$row) -> Option<i64> {
                    Some(row.$parent)
                }
            )?

            $(
                fn audience(row: &$row) -> $crate::write::Audience {
                    let audience: fn(&$row) -> $crate::write::Audience = $audience;
                    audience(row)
                }
            )?

            fn insert_row(
                conn: &mut $crate::db::DbConnection,
                fields: &$fields,
                now: chrono::NaiveDateTime,
            ) -> diesel::QueryResult<$row> {
                use diesel::prelude::*;
                use $crate::db::schema::$table;
                diesel::insert_into($table::table)
                    .values((
                        fields,
                        $table::version.eq(1_i64),
                        $table::created_at.eq(now),
                        $table::updated_at.eq(now),
                    ))
                    .returning($table::all_columns)
                    .get_result(conn)
            }

            fn update_row(
                conn: &mut $crate::db::DbConnection,
                id: i64,
                expected: i64,
                fields: &$fields,
                now: chrono::NaiveDateTime,
            ) -> diesel::QueryResult<Option<$row>> {
                use diesel::prelude::*;
                use $crate::db::schema::$table;
                // The row at the version the write expects, or none (412).
                diesel::update($table::table.filter($table::id.eq(id)).filter($table::version.eq(expected)))
                .set((
                    fields,
                    $table::version.eq(expected + 1),
                    $table::updated_at.eq(now),
                ))
                .returning($table::all_columns)
                .get_result(conn)
                .optional()
            }

            fn touch_row(
                conn: &mut $crate::db::DbConnection,
                id: i64,
                expected: i64,
                now: chrono::NaiveDateTime,
            ) -> diesel::QueryResult<Option<$row>> {
                use diesel::prelude::*;
                use $crate::db::schema::$table;
                // The row at the version the write expects, or none (412).
                diesel::update($table::table.filter($table::id.eq(id)).filter($table::version.eq(expected)))
                .set((
                    $table::version.eq(expected + 1),
                    $table::updated_at.eq(now),
                ))
                .returning($table::all_columns)
                .get_result(conn)
                .optional()
            }

            fn delete_row(
                conn: &mut $crate::db::DbConnection,
                id: i64,
                expected: i64,
            ) -> diesel::QueryResult<usize> {
                use diesel::prelude::*;
                use $crate::db::schema::$table;
                diesel::delete(
                    $table::table
                        .filter($table::id.eq(id))
                        .filter($table::version.eq(expected)),
                )
                .execute(conn)
            }
        }
    };
}
