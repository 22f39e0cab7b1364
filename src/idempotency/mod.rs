//! `Idempotency-Key` on POST (IETF draft-ietf-httpapi-idempotency-key-header), as a
//! middleware in front of every POST of the API.
//!
//! Per caller (a person by user id, a partner token by its stored hash) and key, the
//! first request runs; its successful response is stored in the database (so every
//! instance sees it) and kept `RAZEM_IDEMPOTENCY_TTL_HOURS` (24 h). A repeat with the
//! same method, path and body answers the stored status, headers and body again with
//! `Idempotency-Replayed: true` and runs nothing; the same key for another request is
//! 422 `idempotency_key_reused`; a repeat while the first still runs is 409
//! `idempotency_key_in_use`. A failed first request (4xx, 5xx) keeps nothing, so a
//! retry runs again: a failed write wrote nothing.
//!
//! Not covered, and documented so: anonymous requests (sign-in) and the responses
//! that show a secret once (`POST /tokens`, `POST /webhooks`, `/auth/*`), which must
//! not be stored.

pub mod openapi;
pub mod repo;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Code};
use crate::http::AppState;
use repo::{Claim, KeyRow};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotency-replayed";
/// The longest key accepted (a UUID is 36).
pub const MAX_KEY_LENGTH: usize = 255;

/// POSTs whose responses carry a secret shown once, or that sign people in.
pub fn covers(path: &str) -> bool {
    path.starts_with("/api/v1/")
        && !path.starts_with("/api/v1/auth/")
        && path != "/api/v1/tokens"
        && path != "/api/v1/webhooks"
}

/// The response headers a replay repeats.
const KEPT_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::LINK,
];

/// The key of the header: an RFC 8941 string (`"…"`) or, as many clients send it, the
/// bare text; 1-255 visible ASCII characters.
fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::new(
            Code::InvalidHeader,
            format!(
                "Idempotency-Key must be 1-{MAX_KEY_LENGTH} visible ASCII characters, e.g. a UUID"
            ),
        )
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if text.is_empty()
        || text.len() > MAX_KEY_LENGTH
        || !text.bytes().all(|b| b.is_ascii_graphic() && b != b'"')
    {
        return Err(invalid());
    }
    Ok(text.to_owned())
}

/// Who is calling, as far as keys are concerned; `None` for anonymous callers and
/// credentials that will not pass (the handler answers those).
fn caller(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    if token.starts_with(crate::auth::credentials::TOKEN_PREFIX) {
        Some(format!(
            "token:{}",
            crate::auth::credentials::hash_secret(token)
        ))
    } else {
        state
            .tokens
            .verify(token)
            .ok()
            .map(|user_id| format!("user:{user_id}"))
    }
}

/// What makes two requests "the same": method, path with query, body.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(req.method().as_str());
    hash.update(b" ");
    hash.update(
        req.uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_default(),
    );
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn replay(stored: KeyRow) -> HttpResponse {
    let status = stored
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    let headers: Vec<(String, String)> = stored
        .headers
        .as_deref()
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.insert_header((name, value));
        }
    }
    response.insert_header((HeaderName::from_static(REPLAYED), "true"));
    response.body(stored.body.unwrap_or_default())
}

/// The request has run (and maybe written): its answer goes out even when keeping the
/// key fails; the key then stays running until its lease ends.
fn keep_going(result: crate::error::ApiResult<()>) {
    if let Err(error) = result {
        log::error!("idempotency key not kept: {error:?}");
    }
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(HEADER) {
        Some(value) if req.method() == Method::POST && covers(req.path()) => {
            match parse_key(value) {
                Ok(key) => key,
                Err(error) => return Ok(req.error_response(error)),
            }
        }
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some((state, caller)) =
        state.and_then(|state| caller(&state, req.headers()).map(|caller| (state, caller)))
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match req.extract::<web::Bytes>().await.map_err(|error| {
        let too_large = error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE;
        ApiError::new(
            if too_large {
                Code::PayloadTooLarge
            } else {
                Code::MalformedBody
            },
            if too_large {
                "the request body is too large"
            } else {
                "the request body could not be read"
            },
        )
        .with_internal(error)
    }) {
        Ok(body) => body,
        Err(error) => return Ok(req.error_response(error)),
    };
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(actix_web::dev::Payload::from(body));

    let now = crate::time::now();
    let ttl = chrono::Duration::from_std(state.config.idempotency_ttl)
        .unwrap_or(chrono::Duration::hours(24));
    let lease = chrono::Duration::from_std(state.config.request_timeout)
        .unwrap_or(chrono::Duration::seconds(30))
        + chrono::Duration::seconds(30);
    let claim = {
        let (caller, key) = (caller.clone(), key.clone());
        let claimed = state
            .db
            .run(move |conn| {
                repo::claim(
                    conn,
                    &repo::Request {
                        caller: &caller,
                        key: &key,
                        fingerprint: &fingerprint,
                        now,
                        expires_at: now + ttl,
                        abandoned_before: now - lease,
                    },
                )
            })
            .await;
        match claimed {
            Ok(claim) => claim,
            Err(error) => return Ok(req.error_response(error)),
        }
    };
    let id = match claim {
        Claim::Run(id) => id,
        Claim::Replay(stored) => return Ok(req.into_response(replay(stored))),
        Claim::Mismatch => {
            return Ok(req.error_response(ApiError::new(
                Code::IdempotencyKeyReused,
                "this Idempotency-Key was used for a different request (method, path or body); use a new key",
            )));
        }
        Claim::Running => {
            return Ok(req.error_response(ApiError::new(
                Code::IdempotencyKeyInUse,
                "a request with this Idempotency-Key is still running; retry when it has finished",
            )));
        }
    };

    let outcome = next.call(req).await;
    let response = match outcome {
        Ok(response) if response.status().is_success() => response,
        other => {
            keep_going(state.db.run(move |conn| repo::release(conn, id)).await);
            return Ok(other?.map_into_boxed_body());
        }
    };
    let (req, response) = response.map_into_boxed_body().into_parts();
    let (head, body) = response.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(error) => {
            keep_going(state.db.run(move |conn| repo::release(conn, id)).await);
            let error = ApiError::internal(format!("reading the response: {error}"));
            return Ok(
                ServiceResponse::new(req, head.set_body(BoxBody::new(()))).error_response(error)
            );
        }
    };
    let kept: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = head.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let status = i32::from(head.status().as_u16());
    match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let (headers, text) = (
                serde_json::to_string(&kept).unwrap_or_default(),
                text.to_owned(),
            );
            keep_going(
                state
                    .db
                    .run(move |conn| repo::complete(conn, id, status, &headers, &text))
                    .await,
            );
        }
        // Only text (JSON) is stored; anything else is not replayable.
        Err(_) => keep_going(state.db.run(move |conn| repo::release(conn, id)).await),
    }
    let response = head.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(req, response))
}
