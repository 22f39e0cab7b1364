//! The change of one versioned row, written once for every resource: the version
//! `If-Match` names (428/412/400), the fields as stored, the merge patch applied to a
//! copy, and the write of what changed through [`write`](crate::write).

use serde::Serialize;

use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::extract::IfMatch;
use crate::write::{self, Actor, Expected, Versioned};

/// A versioned row and its fields before and after a patch.
pub struct Edit<T: Versioned> {
    pub current: T::Row,
    pub expected: Expected,
    pub before: T::Fields,
    pub fields: T::Fields,
}

impl<T> Edit<T>
where
    T: Versioned,
    T::Fields: Clone + PartialEq + Serialize + for<'a> From<&'a T::Row>,
{
    /// Checks `If-Match` against `current`, then applies `patch` to a copy of its fields.
    pub fn begin(
        current: T::Row,
        if_match: &IfMatch,
        patch: impl FnOnce(&mut T::Fields),
    ) -> ApiResult<Self> {
        let expected = Expected::from_header(if_match, T::version(&current))?;
        let before = T::Fields::from(&current);
        let mut fields = before.clone();
        patch(&mut fields);
        Ok(Edit {
            current,
            expected,
            before,
            fields,
        })
    }

    /// The patch changed nothing: answer the row as it is, without a write.
    pub fn unchanged(&self) -> bool {
        self.fields == self.before
    }

    /// Writes the new fields (412 when the row moved meanwhile); the audit record keeps
    /// what changed.
    pub fn save(&self, conn: &mut DbConnection, actor: &Actor) -> ApiResult<T::Row> {
        write::update::<T, _>(
            conn,
            actor,
            &self.current,
            self.expected,
            &self.fields,
            (&self.before, &self.fields),
        )
    }
}

/// Deletes the rows a parent that is being deleted keeps under it, each as it is now
/// (no `If-Match`: the parent's was checked), with its audit record and tombstone.
pub fn remove_all<T>(conn: &mut DbConnection, actor: &Actor, rows: Vec<T::Row>) -> ApiResult<()>
where
    T: Versioned,
    T::Fields: Serialize + for<'a> From<&'a T::Row>,
{
    for row in &rows {
        let expected = Expected::current(T::version(row));
        write::delete::<T>(conn, actor, row, expected, &T::Fields::from(row))?;
    }
    Ok(())
}

/// Deletes `current` after checking `If-Match`; the audit record keeps its fields.
pub fn remove<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    if_match: &IfMatch,
) -> ApiResult<()>
where
    T: Versioned,
    T::Fields: Serialize + for<'a> From<&'a T::Row>,
{
    let expected = Expected::from_header(if_match, T::version(current))?;
    write::delete::<T>(conn, actor, current, expected, &T::Fields::from(current))
}
