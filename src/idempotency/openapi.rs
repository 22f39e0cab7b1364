//! The contract of `Idempotency-Key`: the header on every POST it covers, its 409 and
//! 422, and `Idempotency-Replayed` on the success responses; on the POSTs it does not
//! cover, a note saying why and what a retry does instead.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};

pub struct Documented;

/// Why a POST ignores `Idempotency-Key` (`super::covers`), and what a retry does.
fn not_covered(path: &str) -> String {
    const KEPT: &str = "its answer shows a secret once, and a stored answer would be a \
         second, readable copy of it (API tokens are otherwise kept only as hashes), so it \
         is never stored and a retry runs again";
    let why = match path {
        "/api/v1/tokens" => format!(
            "{KEPT}: after an unanswered request, list the organization's tokens \
             (`GET /tokens`) and revoke the one whose secret you did not get"
        ),
        "/api/v1/webhooks" => format!(
            "{KEPT}: after an unanswered request, list the subscriptions (`GET /webhooks`) \
             and delete the one whose secret you did not get"
        ),
        "/api/v1/auth/logout" => "no one is signed in to key it by, and signing out twice \
             answers 204 again and changes nothing"
            .to_owned(),
        "/api/v1/auth/refresh" => "no one is signed in to key it by, and its answer carries \
             a session's tokens, which are never stored readable: if the answer was lost, \
             the refresh token was still used, and presenting it again ends the sign-in \
             (sign in again)"
            .to_owned(),
        _ => "no one is signed in to key it by, and its answer carries a session's tokens, \
             which are never stored readable: signing in again is harmless (an unused \
             session ends by itself)"
            .to_owned(),
    };
    format!("**`Idempotency-Key` is ignored here:** {why}.")
}

impl utoipa::Modify for Documented {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            if !super::covers(path) {
                let note = not_covered(path);
                operation.description = Some(match operation.description.take() {
                    Some(description) => format!("{description}\n\n{note}"),
                    None => note.to_owned(),
                });
                continue;
            }
            operation.parameters.get_or_insert_with(Vec::new).push(RefOr::T(
                ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "Makes a retry safe (IETF draft-ietf-httpapi-idempotency-key-header): a unique \
                         value per intended request, e.g. a UUID. The same key with the same request \
                         within 24 h answers the first success again (`Idempotency-Replayed: true`) and \
                         writes nothing; with another request it is 422 `idempotency_key_reused`; while \
                         the first still runs, 409 `idempotency_key_in_use`. Failed requests are not \
                         kept. Keys are per caller; anonymous requests ignore them.",
                    ))
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                            .max_length(Some(super::MAX_KEY_LENGTH))
                            .pattern(Some("^[!#-~]+$|^\"[!#-~]+\"$")),
                    ))
                    .example(Some(serde_json::json!(
                        "8e03978e-40d5-43e8-bc93-6894a57f9324"
                    )))
                    .build(),
            ));
            let responses = &mut operation.responses.responses;
            for (status, name) in [("409", "Conflict"), ("422", "UnprocessableEntity")] {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            }
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                    response.headers.insert(
                        "Idempotency-Replayed".to_owned(),
                        RefOr::T(HeaderBuilder::new()
                            .schema(Some(
                                ObjectBuilder::new()
                                    .schema_type(Type::String)
                                    .enum_values(Some(["true"])),
                            ))
                            .description(Some(
                                "`true` when this is the stored answer to an earlier request with the same Idempotency-Key",
                            ))
                            .build()),
                    );
                }
            }
        }
    }
}
