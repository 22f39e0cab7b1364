//! The queries that tell who is calling: a person's credentials and active account,
//! and a partner's API token. Secrets are stored only as their SHA-256.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::principal::{PartnerToken, User};
use crate::db::DbConnection;
use crate::db::schema::{api_tokens, user_associations, users};
use crate::domain::{Role, Scope};
use crate::error::{ApiError, ApiResult};

pub const TOKEN_PREFIX: &str = "rzm_";
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY_SECS: i64 = 60;

/// SHA-256 of a secret, hex: what is stored and looked up.
pub fn hash_secret(secret: &str) -> String {
    crate::digest::sha256_hex(secret)
}

/// What sign-in needs to know.
pub struct Credentials {
    pub id: i64,
    pub active: bool,
    pub password_hash: String,
}

pub fn find_credentials(conn: &mut DbConnection, email: &str) -> ApiResult<Option<Credentials>> {
    let row: Option<(i64, bool, String)> = users::table
        .select((users::id, users::active, users::password_hash))
        .filter(users::email.eq(email.trim().to_lowercase()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, active, password_hash)| Credentials {
        id,
        active,
        password_hash,
    }))
}

fn association_ids(conn: &mut DbConnection, user_id: i64) -> ApiResult<Vec<i64>> {
    Ok(user_associations::table
        .select(user_associations::organization_id)
        .filter(user_associations::user_id.eq(user_id))
        .order(user_associations::organization_id.asc())
        .load(conn)?)
}

/// The principal of an access token's subject, if the account is active.
pub fn find_active_principal(conn: &mut DbConnection, user_id: i64) -> ApiResult<Option<User>> {
    let row: Option<(i64, String)> = users::table
        .select((users::id, users::role))
        .filter(users::id.eq(user_id))
        .filter(users::active.eq(true))
        .first(conn)
        .optional()?;
    let Some((id, role)) = row else {
        return Ok(None);
    };
    let role: Role = role.parse().map_err(ApiError::internal)?;
    let associations = if role == Role::Editor {
        association_ids(conn, id)?
    } else {
        Vec::new()
    };
    Ok(Some(User {
        id,
        role,
        associations,
    }))
}

/// id, organization, scopes, expiry and last use of a token.
type ActiveToken = (
    i64,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// The active token of a secret, if any (not revoked, not expired), marked as used.
pub fn authenticate_token(
    conn: &mut DbConnection,
    secret: &str,
) -> ApiResult<Option<PartnerToken>> {
    let now = crate::time::now();
    let row: Option<ActiveToken> = api_tokens::table
        .select((
            api_tokens::id,
            api_tokens::organization_id,
            api_tokens::scopes,
            api_tokens::expires_at,
            api_tokens::last_used_at,
        ))
        .filter(api_tokens::token_hash.eq(hash_secret(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .first(conn)
        .optional()?;
    let Some((id, organization_id, scopes, _, last_used_at)) =
        row.filter(|(.., expires_at, _)| expires_at.is_none_or(|e| e > now))
    else {
        return Ok(None);
    };
    let stale = last_used_at.is_none_or(|used| (now - used).num_seconds() >= TOUCH_EVERY_SECS);
    if stale {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some(PartnerToken {
        id,
        organization_id,
        scopes: Scope::parse_list(&scopes).map_err(ApiError::internal)?,
    }))
}
