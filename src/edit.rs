//! The change of one versioned row, written once for every resource: the version
//! `If-Match` names (428/412/400), the fields as stored, the merge patch applied to a
//! copy, and the write of what changed through [`write`](crate::write).

use serde::Serialize;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::extract::IfMatch;
use crate::http::AppState;
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
        Ok(Self::new(current, expected, patch))
    }

    /// Applies `patch` to a copy of the fields of `current`, whose `If-Match` is checked
    /// (a row a [`Guard`] let through).
    pub fn new(current: T::Row, expected: Expected, patch: impl FnOnce(&mut T::Fields)) -> Self {
        let before = T::Fields::from(&current);
        let mut fields = before.clone();
        patch(&mut fields);
        Edit {
            current,
            expected,
            before,
            fields,
        }
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
        delete_row::<T>(conn, actor, row, Expected::current(T::version(row)))?;
    }
    Ok(())
}

/// The delete every function here ends in: `current` at `expected`, the audit record
/// keeping its fields.
fn delete_row<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &T::Row,
    expected: Expected,
) -> ApiResult<()>
where
    T: Versioned,
    T::Fields: Serialize + for<'a> From<&'a T::Row>,
{
    write::delete::<T>(conn, actor, current, expected, &T::Fields::from(current))
}

/// Deletes a row a [`Guard`] let through; the audit record keeps its fields.
pub fn delete<T>(conn: &mut DbConnection, held: &Held<T::Row>) -> ApiResult<()>
where
    T: Versioned,
    T::Fields: Serialize + for<'a> From<&'a T::Row>,
{
    delete_row::<T>(conn, &held.principal.actor(), &held.current, held.expected)
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
    delete_row::<T>(conn, actor, current, expected)
}

/// How the writes of a resource find the row they change: the row as the caller sees
/// it (404 for one they may not see) and the right to change it (403, `auth::policy`).
pub struct Guard<T: Versioned> {
    pub load: fn(&mut DbConnection, &Principal, i64) -> ApiResult<T::Row>,
    pub may: fn(&Principal, &T::Row) -> ApiResult<()>,
}

/// The row a write changes, once the guard let it through: who writes, the row as
/// stored, and the version `If-Match` named.
pub struct Held<R> {
    pub principal: Principal,
    pub current: R,
    pub expected: Expected,
}

impl<R> Held<R> {
    /// Who writes, the row and the version, to be used apart.
    pub fn into_parts(self) -> (Principal, R, Expected) {
        (self.principal, self.current, self.expected)
    }
}

impl<T> Guard<T>
where
    T: Versioned + 'static,
    T::Row: Send + 'static,
{
    /// One write of the row `id` in one transaction, after the prelude every write
    /// has: load (404), the right (403), then `If-Match` (428/412).
    pub async fn change<O, F>(
        self,
        state: &AppState,
        principal: &Principal,
        (id, if_match): (i64, IfMatch),
        work: F,
    ) -> ApiResult<O>
    where
        O: Send + 'static,
        F: FnOnce(&mut DbConnection, Held<T::Row>) -> ApiResult<O> + Send + 'static,
    {
        self.within(state, principal, id, move |conn, principal, current| {
            let expected = Expected::from_header(&if_match, T::version(&current))?;
            let principal = principal.clone();
            work(
                conn,
                Held {
                    principal,
                    current,
                    expected,
                },
            )
        })
        .await
    }

    /// One write under the row `id` (of its children, or of the row without `If-Match`)
    /// in one transaction, after load (404) and the right (403).
    pub async fn within<O, F>(
        self,
        state: &AppState,
        principal: &Principal,
        id: i64,
        work: F,
    ) -> ApiResult<O>
    where
        O: Send + 'static,
        F: FnOnce(&mut DbConnection, &Principal, T::Row) -> ApiResult<O> + Send + 'static,
    {
        let principal = principal.clone();
        state
            .transaction(move |conn| {
                let current = self.find(conn, &principal, id)?;
                work(conn, &principal, current)
            })
            .await
    }

    /// The row `id` if the caller sees it (404) and has the right (403).
    pub fn find(
        &self,
        conn: &mut DbConnection,
        principal: &Principal,
        id: i64,
    ) -> ApiResult<T::Row> {
        let current = (self.load)(conn, principal, id)?;
        (self.may)(principal, &current)?;
        Ok(current)
    }
}
