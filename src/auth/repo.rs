//! Refresh tokens: opaque, stored hashed, rotated on every use. A token used twice
//! means it was stolen: the whole family (one sign-in) is revoked.

use diesel::prelude::*;
use rand::Rng;
use rand::distr::Alphanumeric;

use super::credentials::hash_secret;
use super::model::{NewRefreshToken, RefreshTokenRow};
use crate::db::DbConnection;
use crate::db::schema::refresh_tokens;
use crate::error::{ApiError, ApiResult, Code};
use crate::write::{self, Actor};

const REFRESH_PREFIX: &str = "rzr_";

fn new_secret() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(48)
        .map(char::from)
        .collect();
    format!("{REFRESH_PREFIX}{random}")
}

/// Issues a refresh token in `family` (a new family for a new sign-in).
pub fn issue(
    conn: &mut DbConnection,
    user_id: i64,
    family: Option<String>,
    ttl: std::time::Duration,
) -> ApiResult<String> {
    let secret = new_secret();
    let now = crate::time::now();
    let ttl = chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    diesel::insert_into(refresh_tokens::table)
        .values(NewRefreshToken {
            user_id,
            family: family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            token_hash: hash_secret(&secret),
            expires_at: now + ttl,
            created_at: now,
        })
        .execute(conn)?;
    Ok(secret)
}

fn invalid() -> ApiError {
    ApiError::new(
        Code::InvalidRefreshToken,
        "the refresh token is unknown, expired or revoked; sign in again",
    )
}

fn revoke_family(conn: &mut DbConnection, family: &str) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(crate::time::now()))
    .execute(conn)?;
    Ok(())
}

/// Ends every sign-in of a person (a password or role change, a deactivation): each of
/// their live refresh tokens stops working. Returns how many were revoked. Access
/// tokens need no revocation: each request reloads the account, and they expire soon.
pub fn revoke_all_for_user(conn: &mut DbConnection, user_id: i64) -> ApiResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(crate::time::now()))
    .execute(conn)?)
}

/// What a refresh attempt found.
pub enum Rotation {
    /// The user and the new refresh token of the same family.
    Rotated { user_id: i64, refresh_token: String },
    /// The token had been used already: its family is now revoked.
    Reused,
}

/// Spends a refresh token and issues its successor (call inside a transaction).
pub fn rotate(
    conn: &mut DbConnection,
    secret: &str,
    ttl: std::time::Duration,
) -> ApiResult<Rotation> {
    let row: RefreshTokenRow = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_secret(secret)))
        .first(conn)
        .optional()?
        .ok_or_else(invalid)?;
    let now = crate::time::now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    if row.used_at.is_some() {
        revoke_family(conn, &row.family)?;
        record_for_user(
            conn,
            row.user_id,
            "refresh_token_reused",
            Some(serde_json::json!({"family_revoked": true})),
        )?;
        return Ok(Rotation::Reused);
    }
    // Only one concurrent refresh can mark the token used.
    let marked = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(row.id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    if marked == 0 {
        revoke_family(conn, &row.family)?;
        return Ok(Rotation::Reused);
    }
    let refresh_token = issue(conn, row.user_id, Some(row.family), ttl)?;
    Ok(Rotation::Rotated {
        user_id: row.user_id,
        refresh_token,
    })
}

/// An audit record about a person's session, made by that person.
fn record_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    action: &str,
    changes: Option<serde_json::Value>,
) -> ApiResult<()> {
    let actor = Actor {
        user_id: Some(user_id),
        token_id: None,
    };
    write::record(conn, &actor, action, "user", user_id, changes)
}

/// Signs out: the token's whole family stops working. Unknown tokens are ignored.
pub fn logout(conn: &mut DbConnection, secret: &str) -> ApiResult<Option<i64>> {
    let row: Option<RefreshTokenRow> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_secret(secret)))
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    revoke_family(conn, &row.family)?;
    record_for_user(conn, row.user_id, "logout", None)?;
    Ok(Some(row.user_id))
}

/// Records a failed sign-in (the only audit record without a successful write).
pub fn record_failed_login(
    conn: &mut DbConnection,
    user_id: Option<i64>,
    email: &str,
) -> ApiResult<()> {
    write::record(
        conn,
        &Actor::default(),
        "login_failed",
        "user",
        user_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "unknown".to_owned()),
        Some(serde_json::json!({"email": crate::domain::mask_email(email)})),
    )
}
