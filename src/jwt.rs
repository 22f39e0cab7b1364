//! Short-lived HS256 access tokens with a `kid` header; several keys may verify.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::JwtKey;

pub const ISSUER: &str = "razem";
pub const AUDIENCE: &str = "razem-api";
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Clone)]
pub struct TokenKeys {
    keys: Vec<JwtKey>,
    pub ttl: Duration,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    UnknownKey,
    Expired,
    Invalid,
}

impl TokenKeys {
    pub fn new(keys: Vec<JwtKey>, ttl: Duration) -> Self {
        Self { keys, ttl }
    }

    /// Signs an access token for a user with the newest key.
    pub fn issue(&self, user_id: i64) -> Result<String, String> {
        let key = self.keys.first().ok_or("no signing key configured")?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&key.secret))
            .map_err(|e| format!("cannot sign a token: {e}"))
    }

    /// Verifies signature, algorithm (fixed, never taken from the token), and claims.
    pub fn verify(&self, token: &str) -> Result<i64, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(
            token,
            &DecodingKey::from_secret(&key.secret),
            &validation,
        )
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })?;
        data.claims.sub.parse().map_err(|_| TokenError::Invalid)
    }
}
