//! Full-text search across positions, consultations, projects, practices and
//! organizations: `GET /api/v1/search`, and the index every list's `q` reads.
//!
//! The index (`search_docs`, its SQL in `db::search_docs`) holds one entry per resource,
//! written in the transaction of every change (`index::flush`, run by
//! `read_model::flush` before commit) and rebuilt by `razem rebuild-read-model`. Words
//! and the Polish stemming are `domain::words` (its comment lists the limits).
//!
//! Every query is bounded by its page, not by how many entries match (issue 17): the
//! search ranks only the `RAZEM_SEARCH_CANDIDATES` most recently indexed matches the
//! caller may see, and a list's `q` is checked inside the list's own keyset query
//! (`db::search_docs::search` and `matching` say how, per backend). On PostgreSQL a
//! search statement also stops at `RAZEM_DB_TIMEOUT` (`service::search`).

pub mod dto;
pub mod handlers;
pub mod index;
pub mod repo;
pub mod service;
pub mod snippet;

pub use index::{flush, rebuild};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config.service(handlers::search);
}
