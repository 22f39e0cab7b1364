//! Every query on partner API tokens.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use rand::distr::Alphanumeric;

use super::dto::ApiToken;
use super::model::{NewToken, TokenRow};
use crate::auth::credentials::{TOKEN_PREFIX, hash_secret};
use crate::db::DbConnection;
use crate::db::schema::api_tokens;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult};
use crate::organizations::dto::OrganizationSummary;
use crate::pagination::Cursor;
use crate::write::{self, Actor};

/// A fresh secret from the operating system's CSPRNG-seeded generator: `rzm_` + 40 alphanumerics.
pub fn new_secret() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("{TOKEN_PREFIX}{random}")
}

pub fn to_dto(row: TokenRow, organization: OrganizationSummary) -> ApiToken {
    ApiToken {
        id: row.id,
        name: row.name.clone(),
        organization_id: row.organization_id,
        organization,
        token_prefix: row.token_prefix.clone(),
        scopes: row.scope_list(),
        expires_at: row.expires_at.map(crate::time::to_utc),
        last_used_at: row.last_used_at.map(crate::time::to_utc),
        revoked_at: row.revoked_at.map(crate::time::to_utc),
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    }
}

/// Attaches the organization summaries of a set of tokens with one query.
pub fn with_organizations(
    conn: &mut DbConnection,
    rows: Vec<TokenRow>,
) -> ApiResult<Vec<ApiToken>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let organizations: HashMap<i64, OrganizationSummary> =
        crate::organizations::repo::find_many(conn, &ids)?
            .iter()
            .map(|o| (o.id, OrganizationSummary::from(o)))
            .collect();
    rows.into_iter()
        .map(|row| {
            let organization = organizations
                .get(&row.organization_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("token without organization"))?;
            Ok(to_dto(row, organization))
        })
        .collect()
}

pub struct TokenFilter {
    /// Restrict to these organizations (editors); `None`: all (admins).
    pub organizations: Option<Vec<i64>>,
    pub organization_id: Option<i64>,
    pub include_inactive: bool,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

pub fn list(conn: &mut DbConnection, filter: &TokenFilter) -> ApiResult<Vec<TokenRow>> {
    let mut query = api_tokens::table.into_boxed();
    if let Some(organizations) = &filter.organizations {
        query = query.filter(api_tokens::organization_id.eq_any(organizations.clone()));
    }
    if let Some(organization_id) = filter.organization_id {
        query = query.filter(api_tokens::organization_id.eq(organization_id));
    }
    if !filter.include_inactive {
        let now = crate::time::now();
        query = query.filter(api_tokens::revoked_at.is_null()).filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(api_tokens::updated_at.ge(since));
    }
    if let Some(cursor) = &filter.after {
        query = query.filter(api_tokens::id.gt(cursor.id));
    }
    Ok(query
        .order(api_tokens::id.asc())
        .limit(filter.fetch)
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<TokenRow> {
    api_tokens::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("API token {id} does not exist")))
}

pub struct NewTokenData {
    pub name: String,
    pub organization_id: i64,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<NaiveDateTime>,
}

/// Stores a new token and returns it with its secret (the only time it exists in clear).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    data: NewTokenData,
) -> ApiResult<(TokenRow, String)> {
    if crate::organizations::repo::find(conn, data.organization_id)?.is_none() {
        return Err(ApiError::invalid_field(
            "organization_id",
            "unknown_organization",
            format!("organization {} does not exist", data.organization_id),
        ));
    }
    let mut scopes: Vec<&str> = data.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let secret = new_secret();
    let now = crate::time::now();
    let row: TokenRow = diesel::insert_into(api_tokens::table)
        .values(NewToken {
            name: data.name.trim().to_owned(),
            organization_id: data.organization_id,
            token_prefix: secret.chars().take(TOKEN_PREFIX.len() + 4).collect(),
            token_hash: hash_secret(&secret),
            scopes: scopes.join(" "),
            expires_at: data.expires_at,
            created_by_user_id: actor.user_id,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .returning(api_tokens::all_columns)
        .get_result(conn)?;
    write::record(
        conn,
        actor,
        "issue",
        "api_token",
        row.id,
        Some(
            serde_json::json!({"name": row.name, "organization_id": row.organization_id, "scopes": scopes, "expires_at": row.expires_at}),
        ),
    )?;
    Ok((row, secret))
}

/// Revokes a token at once; already revoked tokens stay as they are.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &TokenRow,
    expected_version: i64,
) -> ApiResult<()> {
    if current.revoked_at.is_some() {
        return Ok(());
    }
    let now = crate::time::now();
    let updated = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(current.id))
            .filter(api_tokens::version.eq(expected_version)),
    )
    .set((
        api_tokens::revoked_at.eq(now),
        api_tokens::version.eq(expected_version + 1),
        api_tokens::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed(current.version));
    }
    write::record(conn, actor, "revoke", "api_token", current.id, None)
}
