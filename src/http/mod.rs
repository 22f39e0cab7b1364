//! The HTTP layer every resource shares: the application state, the documented problem
//! responses and the shaping of replies. Depends only downwards (db, config, jwt, error).

pub mod conditional;
pub mod page_cache;
pub mod redact;
pub mod reply;
pub mod responses;
pub mod state;

pub use reply::{Found, Versioned, tagged, version_of_tag, with_etag, with_etag_json};
pub use state::{AppState, client_address};
