use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::Scope;
use crate::organizations::dto::OrganizationSummary;
use crate::validation::not_blank;

/// A partner API token (its secret is never shown again after creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "name": "Portal ŚZGiP", "organization_id": 2,
    "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
    "token_prefix": "rzm_8fK2", "scopes": ["positions:read", "positions:write"],
    "expires_at": "2027-06-30T00:00:00Z", "last_used_at": null, "revoked_at": null,
    "version": 1, "created_at": "2026-11-22T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z"
}))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub organization_id: i64,
    pub organization: OrganizationSummary,
    /// The first characters of the secret, to tell tokens apart.
    pub token_prefix: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the token was last used (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new API token for one organization.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Portal ŚZGiP", "organization_id": 2, "scopes": ["positions:read", "positions:write"], "expires_at": "2027-06-30T00:00:00Z"}))]
pub struct CreateToken {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub organization_id: i64,
    #[validate(length(min = 1, max = 9))]
    #[schema(min_items = 1, max_items = 9)]
    pub scopes: Vec<Scope>,
    /// When the token stops working (in the future); none: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The new token with its secret: store `token` now, it is not shown again.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "token": "rzm_8fK2VwQp3LrT9xYb6NcZ1HdJ4MsA7GeU0kRi5oPq",
    "api_token": {"id": 3, "name": "Portal ŚZGiP", "organization_id": 2,
        "organization": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "token_prefix": "rzm_8fK2", "scopes": ["positions:read"], "expires_at": null, "last_used_at": null, "revoked_at": null,
        "version": 1, "created_at": "2026-11-22T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z"}
}))]
pub struct CreatedToken {
    /// The secret, `rzm_` + 40 characters: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub api_token: ApiToken,
}

crate::list_query!(
    /// Filters of `GET /tokens`.
    TokenListQuery {
        /// Only the tokens of this organization.
        #[param(minimum = 1)]
        #[validate(range(min = 1))]
        organization_id: Option<i64>,
        /// Also list revoked and expired tokens (default false).
        include_inactive: Option<bool>,
    }
);

crate::page_of!(
    TokenPage,
    ApiToken,
    json!({"items": [], "next_cursor": null})
);
