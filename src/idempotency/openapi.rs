//! The contract of `Idempotency-Key`: the header on every POST it covers, its 409 and
//! 422, and `Idempotency-Replayed` on the success responses.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};

pub struct Documented;

impl utoipa::Modify for Documented {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !super::covers(path) {
                continue;
            }
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
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
