//! Shaping successful responses the same way everywhere.

use actix_web::HttpResponse;
use actix_web::http::header;
use sha2::{Digest, Sha256};

/// 200 (or 201 with `Location`) with the body and its `ETag` (see [`etag`]).
pub fn with_etag(
    response: actix_web::HttpResponseBuilder,
    version: i64,
    body: impl serde::Serialize,
) -> HttpResponse {
    match serde_json::to_string(&body) {
        Ok(json) => with_etag_json(response, version, json),
        // What `json` would do with a body that does not serialize.
        Err(_) => {
            let mut response = response;
            response.json(body)
        }
    }
}

/// 200 with the body and its `ETag`: what a GET or a write of one resource answers.
pub fn tagged(version: i64, body: impl serde::Serialize) -> HttpResponse {
    with_etag(HttpResponse::Ok(), version, body)
}

/// 200 with a body already rendered as JSON (the read model's), sent as it is.
pub fn with_etag_json(
    mut response: actix_web::HttpResponseBuilder,
    version: i64,
    json: String,
) -> HttpResponse {
    response
        .insert_header(header::ETag(etag(version, json.as_bytes())))
        .content_type(header::ContentType::json())
        .body(json)
}

/// The entity tag of one representation of a resource version: `"<version>-<digest>"`,
/// the digest being the first 8 bytes of the body's SHA-256 in hex. The digest makes the
/// tag change when the body does without the version (an embedded organization renamed),
/// so `If-None-Match` never answers 304 to a stale copy; `If-Match` compares only the
/// version before the `-` (`extract::IfMatch`), so the tag a client got works for writes.
pub fn etag(version: i64, body: &[u8]) -> header::EntityTag {
    let digest = Sha256::digest(body);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    header::EntityTag::new_strong(format!("{version}-{hex}"))
}

/// The version an entity tag's opaque text names (`3-…` or a bare `3`), if any.
pub fn version_of_tag(opaque: &str) -> Option<i64> {
    opaque
        .split_once('-')
        .map_or(opaque, |(version, _)| version)
        .parse()
        .ok()
}

/// A resource as a GET by id found it: the read model's stored document, or rendered now
/// (a draft the caller may see, a caller who sees more, a row the read model lacks).
pub enum Found<T> {
    /// The stored document and its version (one primary-key lookup).
    Stored(i64, String),
    Rendered(Box<T>),
}

impl<T: serde::Serialize + Versioned> Found<T> {
    /// 200 with the document and its `ETag`, the stored bytes sent as they are.
    pub fn respond(self) -> HttpResponse {
        match self {
            Found::Stored(version, doc) => with_etag_json(HttpResponse::Ok(), version, doc),
            Found::Rendered(resource) => tagged(resource.version(), resource),
        }
    }
}

/// A wire type that carries its version (for the `ETag`).
pub trait Versioned {
    fn version(&self) -> i64;
}

/// The resource as JSON, however it was found (the change feed's webhook payloads).
impl<T: serde::Serialize> serde::Serialize for Found<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Found::Stored(_, doc) => serde_json::value::RawValue::from_string(doc.clone())
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
            Found::Rendered(resource) => resource.serialize(serializer),
        }
    }
}
