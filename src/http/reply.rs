//! Shaping successful responses the same way everywhere.

use actix_web::HttpResponse;
use actix_web::http::header;

/// 200 (or 201 with `Location`) with the body and the `ETag` of its version.
pub fn with_etag(
    mut response: actix_web::HttpResponseBuilder,
    version: i64,
    body: impl serde::Serialize,
) -> HttpResponse {
    response
        .insert_header(header::ETag(etag(version)))
        .json(body)
}

/// 200 with a body already rendered as JSON (the read model's), sent as it is.
pub fn with_etag_json(
    mut response: actix_web::HttpResponseBuilder,
    version: i64,
    json: String,
) -> HttpResponse {
    response
        .insert_header(header::ETag(etag(version)))
        .content_type(header::ContentType::json())
        .body(json)
}

/// The ETag of a resource version.
pub fn etag(version: i64) -> header::EntityTag {
    header::EntityTag::new_strong(version.to_string())
}
