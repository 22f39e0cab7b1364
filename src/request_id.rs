//! `X-Request-Id`: accepted from the client when sane, generated otherwise, echoed on
//! every response and attached to every log line written while serving the request.

use std::cell::RefCell;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static TASK_REQUEST_ID: String;
}

thread_local! {
    static THREAD_REQUEST_ID: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The request id of the request being served on this task or blocking thread.
pub fn current() -> Option<String> {
    TASK_REQUEST_ID
        .try_with(|id| id.clone())
        .ok()
        .or_else(|| THREAD_REQUEST_ID.with(|id| id.borrow().clone()))
}

/// Runs `work` with `id` visible to [`current`] on this (blocking) thread.
pub fn with_thread_request_id<T>(id: Option<String>, work: impl FnOnce() -> T) -> T {
    THREAD_REQUEST_ID.with(|slot| *slot.borrow_mut() = id);
    let result = work();
    THREAD_REQUEST_ID.with(|slot| *slot.borrow_mut() = None);
    result
}

/// The id of a request, readable by handlers from the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn acceptable(value: &HeaderValue) -> Option<String> {
    let value = value.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    sane.then(|| value.to_owned())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(acceptable)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    // Errors of inner middleware (none of ours on the normal path) are rendered by the
    // server itself; cloning the request here to render them would break routing.
    let mut response = TASK_REQUEST_ID
        .scope(id.clone(), next.call(req))
        .await?
        .map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}
