//! Authentication (passwords, access and refresh tokens, the principal of a request)
//! and the authorization policy.

pub mod credentials;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod password;
pub mod policy;
pub mod principal;
pub mod repo;

pub use principal::{Principal, SignedIn, User};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::login)
        .service(handlers::refresh)
        .service(handlers::logout);
}
