//! The OpenAPI 3.1 document: generated from the handlers and DTOs, completed with the
//! problem+json error responses every operation can give.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi as OpenApiDoc, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::error::Problem;
use crate::http::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotAcceptable, NotFound, PayloadTooLarge,
    PreconditionFailed, PreconditionRequired, ServiceUnavailable, TooManyRequests, Unauthorized,
    UnprocessableEntity, UnsupportedMediaType,
};

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
        contact(name = "Razem maintainers"),
        license(name = "MIT", identifier = "MIT"),
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
        (name = "practices", description = "The good-practice base (Baza Dobrych Praktyk): standardised descriptions of local governments' practices with their categories, lifecycle and review, contacts (personal data: non-public ones only for the implementer), the map as GeoJSON and the local governments that took a practice over"),
        (name = "registrations", description = "Registration for events without an account (consent, a cancel code shown once, capacity, waiting list, approval, check-in), the organizers' lists (JSON and CSV; personal data for organizers only, erased on cancellation and after the retention period) and invitations of an association's members"),
        (name = "working-groups", description = "Working groups of associations and alliances (e.g. Zespół branżowy OPOS ds. USC): member organizations with roles and periods, meetings with agenda, minutes and the positions discussed"),
        (name = "cooperation", description = "The cooperation standard of West Pomeranian local governments and NGOs (seed 003): the catalogue of planes, areas, tools and indicators in immutable versions, assessments of a JST for a year, anonymous surveys with one-time codes, and the local index of cooperation quality by year and side by side"),
        (name = "webhooks", description = "Signed deliveries of the change feed to partner organizations (Standard Webhooks)"),
        (name = "search", description = "Ranked full-text search across positions, consultations, projects, practices and organizations (case, diacritics and Polish endings do not matter; drafts only for those who may read them)"),
        (name = "changes", description = "The change feed: every committed create, update and delete, with tombstones, for partners that mirror Razem"),
        (name = "feeds", description = "Open data for readers and calendars: Atom feeds of public positions and of announced and open consultations, iCalendar files of project events (Europe/Warsaw), each with an ETag and the licence of the data"),
    ),
    components(
        schemas(Problem, crate::error::FieldError),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, PayloadTooLarge,
            UnsupportedMediaType, UnprocessableEntity, PreconditionRequired, TooManyRequests, InternalError,
            ServiceUnavailable, NotAcceptable
        )
    ),
    modifiers(&SecuritySchemes, &TokenScopes, &CommonErrors)
)]
pub struct ApiDoc;

pub(crate) struct SecuritySchemes;

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
                         It acts for its one organization, within its scopes: each operation that accepts API \
                         tokens names the scopes it accepts (any one suffices) in its description and in \
                         `x-api-token-scopes`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The operation extension naming the scopes an API token needs (any one of them).
pub const SCOPES_EXTENSION: &str = "x-api-token-scopes";

/// Moves the scopes of `api_token` security requirements into the operation, as the
/// `x-api-token-scopes` extension and a sentence of its description: scopes in a
/// security requirement are defined only for OAuth2 and OpenID Connect schemes, and
/// `api_token` is an HTTP bearer scheme. The handlers keep writing them as
/// `("api_token" = ["…"])`, the one place each operation's scopes are stated.
pub(crate) struct TokenScopes;

impl Modify for TokenScopes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        for item in openapi.paths.paths.values_mut() {
            operations(item).for_each(move_scopes);
        }
    }
}

/// The operations of a path that the modifiers complete (every method the API serves).
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn move_scopes(operation: &mut Operation) {
    let Some(requirements) = operation.security.as_mut() else {
        return;
    };
    let mut scopes: Vec<String> = Vec::new();
    let mut kept: Vec<SecurityRequirement> = Vec::new();
    let mut has_api_token = false;
    for requirement in requirements.drain(..) {
        // SecurityRequirement keeps its map private; it serializes as `{scheme: [scopes]}`.
        let value = serde_json::to_value(&requirement).unwrap_or_default();
        match value.get("api_token").and_then(|s| s.as_array()) {
            Some(listed) => {
                for scope in listed.iter().filter_map(|s| s.as_str()) {
                    if !scopes.iter().any(|known| known == scope) {
                        scopes.push(scope.to_owned());
                    }
                }
                if !has_api_token {
                    has_api_token = true;
                    kept.push(SecurityRequirement::new("api_token", Vec::<String>::new()));
                }
            }
            None => kept.push(requirement),
        }
    }
    *requirements = kept;
    if scopes.is_empty() {
        return;
    }
    let quoted: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
    let sentence = match quoted.as_slice() {
        [one] => format!("API tokens need the scope {one}."),
        [rest @ .., last] => format!(
            "API tokens need one of the scopes {} or {last}.",
            rest.join(", ")
        ),
        [] => return,
    };
    operation.description = Some(match operation.description.take() {
        Some(text) if !text.trim().is_empty() => format!("{text}\n\n{sentence}"),
        _ => sentence,
    });
    operation
        .extensions
        .get_or_insert_with(Default::default)
        .insert(SCOPES_EXTENSION.to_owned(), serde_json::json!(scopes));
}

/// Adds the errors any operation can answer, so no operation documents fewer
/// responses than it can give.
pub(crate) struct CommonErrors;

fn response_ref(name: &str) -> RefOr<Response> {
    RefOr::Ref(utoipa::openapi::Ref::from_response_name(name))
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let is_api = path.starts_with("/api/");
            for operation in operations(item) {
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
