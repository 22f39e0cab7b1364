//! The problem+json responses operations document (`response = crate::http::responses::NotFound`)
//! and the `If-Match` header parameter of writes.

use utoipa::{IntoParams, ToResponse};

use crate::error::Problem;

macro_rules! problem_response {
    ($name:ident, $description:literal, $title:literal, $status:literal, $code:literal, $detail:literal) => {
        #[derive(ToResponse)]
        #[response(
                                            description = $description,
                                            content_type = "application/problem+json",
                                            example = json!({
                                                "type": concat!("urn:razem:problem:", $code),
                                                "title": $title,
                                                "status": $status,
                                                "detail": $detail,
                                                "code": $code
                                            })
                                        )]
        #[allow(dead_code)]
        pub struct $name(Problem);
    };
}

problem_response!(
    BadRequest,
    "Bad Request",
    "Invalid query parameter",
    400,
    "invalid_query",
    "invalid query parameter 'limit': must be between 1 and 100"
);
problem_response!(
    Unauthorized,
    "Unauthorized",
    "Invalid token",
    401,
    "invalid_token",
    "the access token is not valid"
);
problem_response!(
    Forbidden,
    "Forbidden",
    "Forbidden",
    403,
    "forbidden",
    "you may change only the associations you are an editor of"
);
problem_response!(
    NotFound,
    "Not Found",
    "Not found",
    404,
    "not_found",
    "association 'xyz' does not exist"
);
problem_response!(
    Conflict,
    "Conflict",
    "Slug already used",
    409,
    "slug_taken",
    "the slug 'opos' is already used by another organization"
);
problem_response!(
    NotAcceptable,
    "Not Acceptable",
    "Not acceptable",
    406,
    "not_acceptable",
    "the report is available as application/json or text/csv"
);
problem_response!(
    PreconditionFailed,
    "Precondition Failed",
    "Precondition failed",
    412,
    "precondition_failed",
    "the resource was changed by someone else; its current version is 4"
);
problem_response!(
    PayloadTooLarge,
    "Payload Too Large",
    "Payload too large",
    413,
    "payload_too_large",
    "the request body exceeds 256 KiB"
);
problem_response!(
    UnsupportedMediaType,
    "Unsupported Media Type",
    "Unsupported media type",
    415,
    "unsupported_media_type",
    "the request body must be JSON, sent with 'Content-Type: application/json'"
);
problem_response!(
    PreconditionRequired,
    "Precondition Required",
    "Precondition required",
    428,
    "precondition_required",
    "this request must carry an If-Match header with the resource's current ETag"
);
problem_response!(
    TooManyRequests,
    "Too Many Requests",
    "Too many requests",
    429,
    "rate_limited",
    "too many requests; retry in 30 s"
);
problem_response!(
    InternalError,
    "Internal Server Error",
    "Internal error",
    500,
    "internal_error",
    "an unexpected error occurred; it has been logged with the request id"
);
problem_response!(
    ServiceUnavailable,
    "Service Unavailable",
    "Service unavailable",
    503,
    "service_unavailable",
    "the database is not reachable at the moment; retry shortly"
);

/// Validation failure: every invalid field is listed in `errors`.
#[derive(ToResponse)]
#[response(
    description = "Unprocessable Content",
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:razem:problem:validation_failed",
        "title": "Validation failed",
        "status": 422,
        "detail": "invalid field 'address.postal_code': a postal code has the form NN-NNN, e.g. 40-001",
        "code": "validation_failed",
        "errors": [{"field": "address.postal_code", "code": "invalid_postal_code", "message": "a postal code has the form NN-NNN, e.g. 40-001"}]
    })
)]
#[allow(dead_code)]
pub struct UnprocessableEntity(Problem);

/// A list of the problem responses above that many operations give together, used in
/// `responses(…)` beside the operation's own: `responses((status = 200, …),
/// crate::http::responses::ChangeProblems, (status = 409, …))`. Each status refers to the
/// component of the same name, as `(status = N, response = …)` does.
macro_rules! problem_list {
    ($(#[$doc:meta])* $name:ident: $($status:literal => $response:ident),+) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                [$(($status, stringify!($response))),+]
                    .into_iter()
                    .map(|(status, name)| {
                        let response = utoipa::openapi::Ref::from_response_name(name);
                        (status.to_owned(), utoipa::openapi::RefOr::Ref(response))
                    })
                    .collect()
            }
        }
    };
}

problem_list!(
    /// The object (or the parent in the path) does not exist, or the caller may not do
    /// this to it: 403, 404.
    ObjectProblems: "403" => Forbidden, "404" => NotFound
);
problem_list!(
    /// A versioned change (`PATCH` with `If-Match`): 403, 404, 412, 422, 428.
    ChangeProblems: "403" => Forbidden, "404" => NotFound, "412" => PreconditionFailed,
        "422" => UnprocessableEntity, "428" => PreconditionRequired
);
problem_list!(
    /// A versioned delete or a move without a body (`If-Match`): 403, 404, 412, 428.
    DeleteProblems: "403" => Forbidden, "404" => NotFound, "412" => PreconditionFailed,
        "428" => PreconditionRequired
);

/// The `If-Match` header of writes.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfMatchHeader {
    /// The `ETag` of the version you changed, e.g. `"3"`. Without it the answer is
    /// 428; with a version that is no longer current, 412.
    #[param(
        rename = "If-Match",
        required = false,
        example = "\"1\"",
        pattern = r#"^\s*(\*|(W/)?"[!#-+\--~]*"|[0-9]+)(\s*,\s*((W/)?"[!#-+\--~]*"|[0-9]+))*\s*$"#
    )]
    if_match: String,
}

/// The pattern of an entity-tag list (`If-Match`, `If-None-Match`), as
/// [`is_tag_list`] reads it.
pub const TAG_LIST_PATTERN: &str =
    r#"^\s*(\*|(W/)?"[!#-+\--~]*"|[0-9]+)(\s*,\s*((W/)?"[!#-+\--~]*"|[0-9]+))*\s*$"#;

/// `"…"` with the characters RFC 9110 allows in an entity tag, less the comma.
pub fn is_entity_tag(tag: &str) -> bool {
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    opaque.len() >= 2
        && opaque.starts_with('"')
        && opaque.ends_with('"')
        && opaque[1..opaque.len() - 1]
            .bytes()
            .all(|b| b == b'!' || ((0x23..=0x7e).contains(&b) && b != b','))
}

/// Whether a header value is a list of entity tags as the contract's pattern for
/// `If-Match` and `If-None-Match` has it: members `*`, `"…"`, `W/"…"` or a bare
/// version number, separated by commas, at least one.
pub fn is_tag_list(value: &str) -> bool {
    value.split(',').map(str::trim).all(|tag| {
        tag == "*"
            || is_entity_tag(tag)
            || (!tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit()))
    })
}
