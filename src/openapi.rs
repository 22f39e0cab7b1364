//! The OpenAPI 3.1 document: generated from the handlers and DTOs, completed with the
//! problem+json error responses every operation can give.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as OpenApiDoc, RefOr, Response};
use utoipa::{IntoParams, Modify, OpenApi, ToResponse};

use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Razem API",
        description = "JSON REST API for the cooperation of Polish local governments: alliances of regional \
associations (such as OPOS), the positions they adopt and send to central government, public consultations \
and partnership projects.\n\n\
**Conventions.** Every error is `application/problem+json` (RFC 9457) with a stable `code`. Lists are \
keyset-paginated (`limit`, `cursor` → `next_cursor` and a `Link: rel=\"next\"` header) and accept \
`updated_since`. Single resources carry an `ETag`; `PATCH` and `DELETE` need `If-Match` (428 without it, \
412 when stale). Send `X-Request-Id` to correlate logs; it is echoed on every response.\n\n\
**Authentication.** People sign in with `POST /api/v1/auth/login` and send the access token as \
`Authorization: Bearer …`; partner organizations send their API token (`rzm_…`) the same way. Reads of public \
data need no token; a partner token needs the read scope of the resource. Use *Authorize* above.",
        license(name = "MIT"),
        version = "1.0.0"
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Sign-in and the signed-in person"),
        (name = "organizations", description = "Organizations of every kind"),
        (name = "associations", description = "Associations and alliances of local governments"),
        (name = "members", description = "Dated membership in associations and alliances; `joined_on` and `left_on` are both days of membership"),
        (name = "presidencies", description = "The rotating presidency of alliances (terms inclusive of both ends, never overlapping)"),
        (name = "milestones", description = "The timeline of an association"),
        (name = "users", description = "People who sign in (administrators)"),
        (name = "tokens", description = "API tokens of partner organizations"),
        (name = "audit", description = "Who changed what and when (administrators)"),
        (name = "health", description = "Liveness and readiness"),
        (name = "positions", description = "Positions, appeals, interventions, opinions and resolutions that associations adopt and send to central government, with their lifecycle, co-signers and replies"),
        (name = "projects", description = "Partnership projects with their partners, funding in exact money (decimal strings, summed per currency), goals and indicators"),
        (name = "indicators", description = "Measured results of a project with their progress (achieved as a percentage of the target)"),
        (name = "events", description = "Conferences, trainings, workshops, study visits, competitions and meetings of projects, and the calendar of all of them"),
        (name = "consultations", description = "Consultations of drafts with their windows by the clock, the standard comment table (uwagi), the organizer's dispositions and the published report"),
    ),
    components(
        schemas(Problem, crate::error::FieldError),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge,
            UnsupportedMediaType, UnprocessableEntity, PreconditionRequired, TooManyRequests, InternalError,
            ServiceUnavailable, NotAcceptable
        )
    ),
    modifiers(&SecuritySchemes, &CommonErrors)
)]
pub struct ApiDoc;

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
    "the resource was changed by someone else; its current ETag is \"4\""
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

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rzm_…")
                    .description(Some(
                        "A partner organization's API token (`rzm_…`), sent as `Authorization: Bearer rzm_…`. \
                         It acts for its one organization, within its scopes (listed per operation).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Adds the errors any operation can answer, so no operation documents fewer
/// responses than it can give.
struct CommonErrors;

fn response_ref(name: &str) -> RefOr<Response> {
    RefOr::Ref(utoipa::openapi::Ref::from_response_name(name))
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let is_api = path.starts_with("/api/");
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let has_body = operation.request_body.is_some();
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let mut add = |status: &str, name: &str| {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| response_ref(name));
                };
                if has_params || has_body || is_api {
                    add("400", "BadRequest");
                }
                if secured {
                    add("401", "Unauthorized");
                }
                if has_body {
                    add("413", "PayloadTooLarge");
                    add("415", "UnsupportedMediaType");
                    add("422", "UnprocessableEntity");
                }
                add("500", "InternalError");
                add("503", "ServiceUnavailable");
            }
        }
    }
}

/// The complete document, as served and as committed in `openapi/openapi.json`.
pub fn document() -> OpenApiDoc {
    let (_, mut doc) = crate::server::routes_app().split_for_parts();
    // utoipa-actix-web merges paths after the modifiers ran; run them on the whole.
    SecuritySchemes.modify(&mut doc);
    CommonErrors.modify(&mut doc);
    doc
}

/// The document as pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned());
    json.push('\n');
    json
}
