use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::changes::dto::Change;

/// A subscription of an organization to the changes it may see.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "organization_id": 12, "url": "https://bip.example.org/razem/hook",
    "types": ["position", "consultation"], "actions": ["created", "updated", "deleted"],
    "active": true, "disabled_reason": null, "failing_since": null, "version": 1,
    "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z"
}))]
pub struct Webhook {
    pub id: i64,
    pub organization_id: i64,
    pub url: String,
    /// The change feed's types it receives.
    pub types: Vec<String>,
    /// The actions it receives (`created`, `updated`, `deleted`).
    pub actions: Vec<String>,
    /// Inactive subscriptions receive nothing (switched off, or deactivated after
    /// failing for 3 days: see `disabled_reason`).
    pub active: bool,
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed (`null` while deliveries succeed).
    pub failing_since: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "organization_id": 12, "url": "https://bip.example.org/razem/hook",
    "types": ["position", "consultation"]
}))]
pub struct CreateWebhook {
    pub organization_id: i64,
    /// Where to POST: `https`, resolving to public addresses only.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// The feed types to receive (at least one).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub types: Vec<String>,
    /// The actions to receive; all three when absent.
    #[validate(length(min = 1, max = 3))]
    #[schema(min_items = 1, max_items = 3)]
    pub actions: Option<Vec<String>>,
}

/// The new subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3Jx0kZ6bM1w=",
    "webhook": {"id": 3, "organization_id": 12, "url": "https://bip.example.org/razem/hook",
                "types": ["position"], "actions": ["created", "updated", "deleted"], "active": true,
                "disabled_reason": null, "failing_since": null, "version": 1,
                "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z"}
}))]
pub struct CreatedWebhook {
    /// `whsec_` + base64 key for the signatures; store it now, it is not shown again.
    pub secret: String,
    pub webhook: Webhook,
}

/// Changes of a subscription; absent fields stay.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": true}))]
pub struct UpdateWebhook {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub types: Option<Vec<String>>,
    #[validate(length(min = 1, max = 3))]
    #[schema(min_items = 1, max_items = 3)]
    pub actions: Option<Vec<String>>,
    /// `true` switches a deactivated subscription back on (and clears why it stopped).
    pub active: Option<bool>,
}

/// One message to a subscription and how sending it went.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 981, "webhook_id": 3, "event": "change", "seq": 1042, "action": "updated",
    "status": "pending", "attempts": 2, "last_status_code": 500, "last_error": null,
    "next_attempt_at": "2026-12-01T10:02:00Z", "created_at": "2026-12-01T10:00:00Z",
    "last_attempt_at": "2026-12-01T10:01:00Z", "delivered_at": null
}))]
pub struct Delivery {
    /// Also the `webhook-id` header (`msg_<id>`), the same on every attempt.
    pub id: i64,
    pub webhook_id: i64,
    /// `change` or `ping`.
    pub event: String,
    /// The change's feed position (`null` for a ping, or until it is numbered).
    pub seq: Option<i64>,
    pub action: Option<String>,
    /// `pending` (waiting for its next attempt), `delivered` or `failed` (no 2xx for a
    /// day).
    pub status: String,
    pub attempts: i32,
    /// The receiver's status of the last attempt.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed without a status (timeout, refused address …).
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

crate::page_of!(
    WebhookPage,
    Webhook,
    json!({"items": [{"id": 3, "organization_id": 12, "url": "https://bip.example.org/razem/hook",
        "types": ["position"], "actions": ["created", "updated", "deleted"], "active": true,
        "disabled_reason": null, "failing_since": null, "version": 1,
        "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z"}], "next_cursor": null})
);

crate::page_of!(
    DeliveryPage,
    Delivery,
    json!({"items": [{"id": 981, "webhook_id": 3, "event": "change", "seq": 1042, "action": "updated",
        "status": "delivered", "attempts": 1, "last_status_code": 204, "last_error": null,
        "next_attempt_at": "2026-12-01T10:00:00Z", "created_at": "2026-12-01T10:00:00Z",
        "last_attempt_at": "2026-12-01T10:00:01Z", "delivered_at": "2026-12-01T10:00:01Z"}], "next_cursor": null})
);

crate::paged_query!(
    /// Filters of `GET /webhooks`.
    WebhookQuery {
        /// Only the subscriptions of this organization.
        #[param(minimum = 1)]
        #[validate(range(min = 1))]
        organization_id: Option<i64>,
    }
);

crate::paged_query!(
    /// Paging of `GET /webhooks/{id}/deliveries` (newest first).
    DeliveryQuery {}
);

/// The body POSTed to a subscription (Standard Webhooks), signed in the headers
/// `webhook-id` (`msg_<delivery id>`, the same on every retry: deduplicate on it),
/// `webhook-timestamp` (Unix seconds) and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed with
/// the base64-decoded part of the secret after `whsec_`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "change", "timestamp": "2026-12-01T10:00:01Z", "data": change_example()
}))]
pub struct WebhookPayload {
    /// `change`, or `ping` (from `POST /webhooks/{id}/ping`, with `data: null`).
    #[serde(rename = "type")]
    pub event: String,
    pub timestamp: DateTime<Utc>,
    /// The change as the change feed shows it to the organization, with the object.
    pub data: Option<WebhookChange>,
}

/// The `data` of the example: an organization's change with the organization.
fn change_example() -> serde_json::Value {
    serde_json::json!({
        "seq": 1042, "type": "organization", "id": 31, "action": "updated", "version": 2,
        "occurred_at": "2026-12-01T10:00:00Z", "url": "/api/v1/organizations/31",
        "object": {"id": 31, "slug": "fundacja-wspolna-sprawa", "name": "Fundacja Wspólna Sprawa",
                   "short_name": "FWS", "kind": "ngo", "legal_form": "fundacja", "description": null,
                   "founded_on": null, "address": {"street": null, "postal_code": null, "city": "Opole",
                   "voivodeship": "opolskie"}, "website": null, "email": null, "phone": null,
                   "krs": null, "nip": null, "regon": null, "teryt": null, "jst_kind": null,
                   "population": null, "version": 2, "created_at": "2026-12-01T09:00:00Z",
                   "updated_at": "2026-12-01T10:00:00Z"}
    })
}

/// A change with the object's current representation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = change_example)]
pub struct WebhookChange {
    #[serde(flatten)]
    pub change: Change,
    /// The object now, as the organization may read it (see the schema).
    #[schema(schema_with = crate::webhooks::openapi::object_schema)]
    pub object: Option<serde_json::Value>,
}
