//! Conditional reads and caching, written once for every GET: `If-None-Match` against the
//! response's `ETag` (a single resource's version, a list page's digest) answers 304
//! without a body, and public reads say how long a cache may keep them.
//!
//! The handler still runs (it has to learn the current tag); what a match saves is the
//! body on the wire and the client's work. Authenticated answers get `no-store` from the
//! server's outer middleware, which overrides what is set here.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Code};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required, ResponseBuilder};

/// A list page: a cache may reuse it for a few seconds, then must ask again.
pub const LIST_CACHE_CONTROL: &str = "public, max-age=5, must-revalidate";
/// A single resource: a cache may keep it but must revalidate every use (its `ETag` is
/// its version, which is what an edit needs, so revalidation is one cheap request).
pub const RESOURCE_CACHE_CONTROL: &str = "no-cache";

/// The strong entity tag of bytes (a list page's body): the first 16 bytes of their
/// SHA-256 in hex. Equal bodies give equal tags on every instance.
pub fn digest_tag(bytes: &[u8]) -> header::EntityTag {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    header::EntityTag::new_strong(hex)
}

/// Whether an `If-None-Match` value names `current` (RFC 9110 13.1.2): `*` matches any
/// current representation, otherwise any listed tag matches by weak comparison (the
/// opaque tags are equal, with or without `W/`). The middleware refuses a malformed value first.
pub fn none_match(values: &[&str], current: &str) -> bool {
    let opaque = |tag: &str| {
        tag.trim()
            .strip_prefix("W/")
            .unwrap_or(tag.trim())
            .to_owned()
    };
    let current = opaque(current);
    values
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || (tag.ends_with('"') && opaque(tag) == current))
}

/// The middleware: on GET, a 200 with an `ETag` that `If-None-Match` names becomes a 304
/// carrying the same `ETag`, `Cache-Control` and `Vary`; public reads get a default
/// `Cache-Control`, and every tagged read `Vary: Authorization`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() != Method::GET {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let mut if_none_match: Vec<String> = Vec::new();
    for value in req.headers().get_all(header::IF_NONE_MATCH) {
        match value.to_str() {
            Ok(text) if super::responses::is_tag_list(text) => if_none_match.push(text.to_owned()),
            _ => {
                let problem = ApiError::new(
                    Code::InvalidHeader,
                    "If-None-Match must be `*` or a list of entity tags such as \"3\"",
                );
                let (request, _) = req.into_parts();
                return Ok(ServiceResponse::new(request, problem.error_response()));
            }
        }
    }
    let mut response = next.call(req).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let Some(etag) = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return Ok(response.map_into_boxed_body());
    };
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(RESOURCE_CACHE_CONTROL),
        );
    }
    // One `Vary` value, added to what the handler varies on (lists: `Accept`).
    let vary = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(existing) => header::HeaderValue::from_str(&format!("{existing}, Authorization")).ok(),
        None => None,
    };
    headers.insert(
        header::VARY,
        vary.unwrap_or(header::HeaderValue::from_static("Authorization")),
    );
    let values: Vec<&str> = if_none_match.iter().map(String::as_str).collect();
    if values.is_empty() || !none_match(&values, &etag) {
        return Ok(response.map_into_boxed_body());
    }
    let (request, full) = response.into_parts();
    let mut not_modified = HttpResponse::NotModified();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        for value in full.headers().get_all(&name) {
            not_modified.append_header((name.clone(), value.clone()));
        }
    }
    Ok(ServiceResponse::new(request, not_modified.finish()))
}

/// The contract of the above: on every GET whose 200 carries an `ETag` (single
/// resources) or a `Link` (list pages, which now carry an `ETag` too), the
/// `If-None-Match` parameter, the `Cache-Control` header and the 304 response, the
/// parameter and the response declared once in the components.
pub struct Documented;

const PARAMETER: &str = "IfNoneMatch";
const RESPONSE: &str = "NotModified";

impl utoipa::Modify for Documented {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut used = false;
        for (path, item) in openapi.paths.paths.iter_mut() {
            if let Some(operation) = item.get.as_mut().filter(|_| path.starts_with("/api/")) {
                used |= document(operation);
            }
        }
        if !used {
            return;
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.parameters.insert(
            PARAMETER.to_owned(),
            RefOr::T(
                ParameterBuilder::new()
                    .name("If-None-Match")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "`*` or entity tags from earlier answers (`ETag`), compared weakly \
                         (RFC 9110): when one is current the answer is 304 without a body.",
                    ))
                    // The grammar `If-Match` has; anything else is 400 invalid_header.
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(crate::http::responses::TAG_LIST_PATTERN)),
                    ))
                    .example(Some(serde_json::json!("\"3\"")))
                    .build(),
            ),
        );
        components.responses.insert(
            RESPONSE.to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(
                        "Not Modified: `If-None-Match` names the current `ETag` (or is `*`). \
                         No body; `ETag`, `Cache-Control` and `Vary` as on the 200.",
                    )
                    .header("ETag", header("The current entity tag"))
                    .header("Cache-Control", header("As on the 200"))
                    .build(),
            ),
        );
    }
}

fn header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some(description))
        .build()
}

/// Documents one GET; false when its 200 has no entity tag.
fn document(operation: &mut Operation) -> bool {
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
        return false;
    };
    let list = ok.headers.contains_key("Link");
    if !list && !ok.headers.contains_key("ETag") {
        return false;
    }
    let cache_control = if list {
        ok.headers.insert(
            "ETag".to_owned(),
            RefOr::T(header("Digest of this page's body, for `If-None-Match`")),
        );
        LIST_CACHE_CONTROL
    } else {
        RESOURCE_CACHE_CONTROL
    };
    ok.headers.insert(
        "Cache-Control".to_owned(),
        RefOr::T(header(&format!(
            "`{cache_control}` for anonymous callers, `no-store` for signed-in ones"
        ))),
    );
    operation.responses.responses.insert(
        "304".to_owned(),
        RefOr::Ref(Ref::from_response_name(RESPONSE)),
    );
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::Ref(Ref::new(format!(
            "#/components/parameters/{PARAMETER}"
        ))));
    true
}

#[cfg(test)]
mod tests {
    use super::none_match;

    #[test]
    fn weak_comparison_star_and_lists() {
        assert!(none_match(&["\"3\""], "\"3\""));
        assert!(none_match(&["W/\"3\""], "\"3\""));
        assert!(none_match(&["\"3\""], "W/\"3\""));
        assert!(none_match(&["*"], "\"3\""));
        assert!(none_match(&["\"1\", \"2\" ,W/\"3\""], "\"3\""));
        assert!(none_match(&["\"1\"", "\"3\""], "\"3\""));
        assert!(!none_match(&["\"2\""], "\"3\""));
        assert!(!none_match(&["3"], "\"3\""));
        assert!(!none_match(&[""], "\"3\""));
    }
}
