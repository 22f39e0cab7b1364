//! What every handler can reach, and who is calling from where.

use actix_web::HttpRequest;

use crate::config::Config;
use crate::db::{Db, DbConnection};
use crate::error::ApiResult;
use crate::jwt::TokenKeys;
use crate::throttle::{LoginThrottle, WindowLimiter};

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub tokens: TokenKeys,
    /// Failed sign-ins per account and per client address, counted in the database.
    pub login_attempts: LoginThrottle,
    /// Requests per partner API token, counted per instance (see `throttle`).
    pub token_requests: WindowLimiter,
    /// Public event registrations per client address, counted in the database.
    pub registration_attempts: LoginThrottle,
    /// Failed survey-code look-ups per client address, counted in the database.
    pub survey_attempts: LoginThrottle,
    /// Rendered public list pages of this instance, validated per request (`page_cache`).
    pub pages: std::sync::Arc<super::page_cache::PageCache>,
    pub config: Config,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        let minute = std::time::Duration::from_secs(60);
        AppState {
            db,
            tokens: TokenKeys::new(config.jwt_keys.clone(), config.access_token_ttl),
            login_attempts: LoginThrottle::new(config.login_max_failures, minute),
            token_requests: WindowLimiter::new(config.token_rate_limit, minute),
            registration_attempts: LoginThrottle::new(config.registration_rate_limit, minute),
            survey_attempts: LoginThrottle::new(config.survey_max_failures, minute),
            pages: std::sync::Arc::new(super::page_cache::PageCache::new(config.page_cache_bytes)),
            config,
        }
    }

    /// `work` with a pooled connection ([`Db::run`]): a use case's reads.
    pub async fn run<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db.run(work).await
    }

    /// `work` in one transaction ([`Db::transaction`]): a use case's writes.
    pub async fn transaction<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db.transaction(work).await
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the
/// nearest untrusted address in `X-Forwarded-For`.
pub fn client_address(req: &HttpRequest, trusted_proxies: &[std::net::IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    if !trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter_map(|a| a.parse::<std::net::IpAddr>().ok())
        .rev()
        .find(|a| !trusted_proxies.contains(a))
        .unwrap_or(peer)
        .to_string()
}
