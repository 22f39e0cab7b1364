//! Authentication (passwords, access tokens, the principal of a request) and the policy.

pub mod dto;
pub mod handlers;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod principal;

pub use principal::{Principal, SignedIn, User};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config.service(handlers::login).service(handlers::me);
}
