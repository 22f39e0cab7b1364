use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Credentials of a person.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@example.org", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256, format = Password)]
    pub password: String,
}

/// A refresh token to spend (refresh) or revoke (logout).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "rzr_q8Vn3KdT0wLx7RbY2pZs5MfH9cJa4UeG1oNi6kBvXyW"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

/// Tokens of a session: send the access token as `Authorization: Bearer <access_token>`;
/// exchange the refresh token for a new pair before the access token expires.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6IjFhMmIzYzRkIn0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "token_type": "Bearer", "expires_in": 900,
    "refresh_token": "rzr_q8Vn3KdT0wLx7RbY2pZs5MfH9cJa4UeG1oNi6kBvXyW", "refresh_expires_in": 2592000
}))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque, single use: each refresh returns a new one.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: u64,
}
