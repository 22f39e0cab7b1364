//! The stored keys: claiming one, keeping its response, letting it go.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys as keys;
use crate::error::ApiResult;

#[derive(Debug, Clone, Queryable)]
pub struct KeyRow {
    pub id: i64,
    pub caller: String,
    pub idem_key: String,
    pub fingerprint: String,
    pub status: Option<i32>,
    pub headers: Option<String>,
    pub body: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = keys)]
struct NewKey<'a> {
    caller: &'a str,
    idem_key: &'a str,
    fingerprint: &'a str,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// What the key says about this request.
pub enum Claim {
    /// First use (or an abandoned one taken over): run it; the row's id.
    Run(i64),
    /// Done before with the same request: answer this again.
    Replay(KeyRow),
    /// Used before for a different request.
    Mismatch,
    /// The first request with this key is still running.
    Running,
}

pub struct Request<'a> {
    pub caller: &'a str,
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub now: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// A running request older than this is taken to have died (its instance
    /// stopped mid-request) and may be run again.
    pub abandoned_before: NaiveDateTime,
}

/// Claims the key for this request. The unique `(caller, idem_key)` decides between
/// concurrent duplicates, on every instance.
pub fn claim(conn: &mut DbConnection, request: &Request<'_>) -> ApiResult<Claim> {
    diesel::delete(keys::table.filter(keys::expires_at.lt(request.now))).execute(conn)?;
    let inserted = diesel::insert_into(keys::table)
        .values(NewKey {
            caller: request.caller,
            idem_key: request.key,
            fingerprint: request.fingerprint,
            created_at: request.now,
            expires_at: request.expires_at,
        })
        .returning(keys::id)
        .get_result::<i64>(conn);
    match inserted {
        Ok(id) => return Ok(Claim::Run(id)),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(other) => return Err(other.into()),
    }
    let Some(existing) = keys::table
        .filter(keys::caller.eq(request.caller))
        .filter(keys::idem_key.eq(request.key))
        .first::<KeyRow>(conn)
        .optional()?
    else {
        // Released between our insert and this read: the caller may simply retry.
        return Ok(Claim::Running);
    };
    if existing.fingerprint != request.fingerprint {
        return Ok(Claim::Mismatch);
    }
    if existing.status.is_some() {
        return Ok(Claim::Replay(existing));
    }
    if existing.created_at < request.abandoned_before {
        let taken = diesel::update(
            keys::table
                .filter(keys::id.eq(existing.id))
                .filter(keys::status.is_null())
                .filter(keys::created_at.eq(existing.created_at)),
        )
        .set(keys::created_at.eq(request.now))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Claim::Run(existing.id));
        }
    }
    Ok(Claim::Running)
}

/// Keeps the response of a claimed key for its replays.
pub fn complete(
    conn: &mut DbConnection,
    id: i64,
    status: i32,
    headers: &str,
    body: &str,
) -> ApiResult<()> {
    diesel::update(keys::table.filter(keys::id.eq(id)))
        .set((
            keys::status.eq(Some(status)),
            keys::headers.eq(Some(headers)),
            keys::body.eq(Some(body)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Lets a claimed key go (the request failed and wrote nothing): a retry runs again.
pub fn release(conn: &mut DbConnection, id: i64) -> ApiResult<()> {
    diesel::delete(keys::table.filter(keys::id.eq(id))).execute(conn)?;
    Ok(())
}
