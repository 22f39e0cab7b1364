//! The callbacks in the contract: the OpenAPI 3.1 `webhooks` object describes the
//! request Razem sends to a subscription, its signature headers and the answers it
//! expects.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    ContentBuilder, OpenApi, PathsBuilder, Ref, RefOr, Required, ResponseBuilder,
};
use utoipa::{PartialSchema, ToSchema};

use super::dto::{WebhookChange, WebhookPayload};
use crate::changes::objects::REPRESENTATIONS;

pub struct Documented;

/// `data.object`: the representation of the change's type (any of those of the feed
/// types: which one, `data.type` says), or null.
pub fn object_schema() -> impl Into<RefOr<Schema>> {
    let mut any_of = AnyOfBuilder::new().description(Some(
        "The object as `GET {url}` shows it to the subscribing organization when the message \
         is sent (so its `version` may be above the change's): a `Position` for `type: \
         position`, an `Organization` for `organization`, and so on. `null` for `deleted`, \
         and when the object is gone or not visible to the organization by then (a draft \
         of another organization never is); a later message tells what happened.",
    ));
    for representation in REPRESENTATIONS {
        any_of = any_of.item(Ref::from_schema_name((representation.schema)()));
    }
    any_of.item(ObjectBuilder::new().schema_type(Type::Null))
}

fn header(name: &str, description: &str, example: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .example(Some(serde_json::json!(example)))
        .build()
}

impl utoipa::Modify for Documented {
    fn modify(&self, openapi: &mut OpenApi) {
        let schemas = &mut openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas;
        schemas.insert(
            WebhookPayload::name().into_owned(),
            WebhookPayload::schema(),
        );
        schemas.insert(WebhookChange::name().into_owned(), WebhookChange::schema());
        let operation = OperationBuilder::new()
            .tag("webhooks")
            .summary(Some("A change (or a ping) POSTed to a subscription"))
            .description(Some(
                "Sent by Razem to the `url` of each active subscription (`POST /api/v1/webhooks`) \
                 for every change its organization may see, following the Standard Webhooks \
                 specification (standardwebhooks.com). Verify before trusting the body: \
                 compute HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` with the \
                 base64-decoded part of the secret after `whsec_`, base64-encode it, and compare \
                 (in constant time) with each space-separated `v1,<signature>` of \
                 `webhook-signature`; refuse timestamps more than a few minutes old. Answer any \
                 2xx within 10 s; anything else is retried with exponential backoff for up to \
                 24 h with the same `webhook-id` (deduplicate on it). `data.object` is the object as \
                 `GET {data.url}` shows it to the subscribing organization when the message is \
                 sent (`null` for `deleted`, or when it is gone or not visible to it by then). \
                 Messages may arrive out of order or twice: order by `data.seq`.",
            ))
            .operation_id(Some("change_webhook"))
            // The receiver authenticates the message by its signature, not a scheme.
            .securities(Some([
                utoipa::openapi::security::SecurityRequirement::default(),
            ]))
            .parameter(header(
                "webhook-id",
                "The message id, `msg_<delivery id>`: the same on every retry",
                "msg_981",
            ))
            .parameter(header(
                "webhook-timestamp",
                "When this attempt was signed, in Unix seconds",
                "1764583201",
            ))
            .parameter(header(
                "webhook-signature",
                "`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(WebhookPayload::name())))
                            .build(),
                    )
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new()
                    .description("Received: the delivery is done")
                    .build(),
            )
            .response(
                "default",
                ResponseBuilder::new()
                    .description("Anything else (or no answer within 10 s): retried later")
                    .build(),
            )
            .build();
        openapi.webhooks = Some(
            PathsBuilder::new()
                .path("change", PathItem::new(HttpMethod::Post, operation))
                .build(),
        );
    }
}
