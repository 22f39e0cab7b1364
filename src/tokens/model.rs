use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::api_tokens;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub organization_id: i64,
    pub token_prefix: String,
    pub token_hash: String,
    /// Space-separated; read with `Scope::parse_list`, which refuses unknown values.
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_by_user_id: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every column a write sets; `last_used_at` is left to sign-in, which stamps it
/// without a version.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = api_tokens, treat_none_as_null = true)]
pub struct TokenFields {
    pub name: String,
    pub organization_id: i64,
    #[serde(skip)]
    pub token_prefix: String,
    #[serde(skip)]
    pub token_hash: String,
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    #[serde(skip)]
    pub created_by_user_id: Option<i64>,
}

impl From<&TokenRow> for TokenFields {
    fn from(row: &TokenRow) -> Self {
        TokenFields {
            name: row.name.clone(),
            organization_id: row.organization_id,
            token_prefix: row.token_prefix.clone(),
            token_hash: row.token_hash.clone(),
            scopes: row.scopes.clone(),
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            created_by_user_id: row.created_by_user_id,
        }
    }
}
