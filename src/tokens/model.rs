use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::api_tokens;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub organization_id: i64,
    pub token_prefix: String,
    pub token_hash: String,
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_by_user_id: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TokenRow {
    /// The scopes as stored (space-separated), skipping any no longer known.
    pub fn scope_list(&self) -> Vec<crate::domain::Scope> {
        self.scopes
            .split(' ')
            .filter_map(|s| s.parse().ok())
            .collect()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewToken {
    pub name: String,
    pub organization_id: i64,
    pub token_prefix: String,
    pub token_hash: String,
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub created_by_user_id: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
