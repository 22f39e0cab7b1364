//! Every query on partner API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{TokenFields, TokenRow};
use crate::db::DbConnection;
use crate::db::schema::api_tokens;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{ById, PageRequest};

crate::versioned_table!(
    /// The API tokens table on the write path.
    Tokens,
    api_tokens,
    TokenRow,
    TokenFields,
    "api_token"
);

pub struct TokenFilter {
    /// Restrict to these organizations (editors); `None`: all (admins).
    pub organizations: Option<Vec<i64>>,
    pub organization_id: Option<i64>,
    pub include_inactive: bool,
    pub updated_since: Option<NaiveDateTime>,
}

/// Tokens in id order.
pub fn list(
    conn: &mut DbConnection,
    filter: &TokenFilter,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<TokenRow>> {
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
    if let Some(cursor) = &page.after {
        query = query.filter(api_tokens::id.gt(cursor.id));
    }
    Ok(query
        .order(api_tokens::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<TokenRow> {
    api_tokens::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("API token {id} does not exist")))
}
