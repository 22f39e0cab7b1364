use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::{
    CreateWebhook, CreatedWebhook, Delivery, DeliveryPage, DeliveryQuery, UpdateWebhook, Webhook,
    WebhookPage, WebhookQuery,
};
use super::service;
use crate::auth::SignedIn;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::{AppState, tagged, with_etag};
use crate::pagination::PageRequest;

/// Path parameter: the subscription's id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    /// The subscription's id.
    #[param(example = 3, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

/// Path parameters: the subscription and one of its deliveries.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    /// The subscription's id.
    #[param(example = 3, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
    /// The delivery's id.
    #[param(example = 981, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub delivery_id: i64,
}

/// Subscribe an organization to the changes it may see.
///
/// Admins, the organization's editors, or its API tokens with `webhooks:manage` (a
/// token may name only the types its read scopes cover). The URL must be `https` and
/// resolve to public addresses only (checked now and before every delivery). Every
/// change the organization may see — as the change feed shows it to the organization:
/// its own drafts included, others' drafts only once published (as `created`) — of the
/// chosen types and actions is POSTed there as a [`WebhookPayload`] signed with the
/// Standard Webhooks headers `webhook-id`, `webhook-timestamp` and `webhook-signature`.
/// Non-2xx answers or no answer within 10 s are retried with exponential backoff for up
/// to 24 h (then `failed`); a subscription failing for 3 days is deactivated, with
/// `disabled_reason`. The `secret` is in this response only.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 201, description = "Subscribed; the secret is shown this once", body = CreatedWebhook,
         headers(("Location" = String, description = "The subscription"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    body: Json<CreateWebhook>,
) -> ApiResult<HttpResponse> {
    let created = service::create(&state, principal, body.0).await?;
    let mut response = HttpResponse::Created();
    response
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}", created.webhook.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    Ok(with_etag(response, created.webhook.version, created))
}

/// The subscriptions the caller manages: admins all, editors those of their
/// associations, a token those of its organization.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookQuery),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "A page of subscriptions (without secrets)", body = WebhookPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    query: Query<WebhookQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    service::list(&state, &req, principal, query.organization_id, page).await
}

/// One subscription (without its secret), with why it stopped if it did.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The subscription", body = Webhook, headers(("ETag" = String, description = "Current version"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WebhookPath>,
) -> ApiResult<HttpResponse> {
    let webhook = service::get(&state, principal, path.id).await?;
    Ok(tagged(webhook.version, webhook))
}

/// Change a subscription (URL, types, actions) or switch it off and on. Needs
/// `If-Match`. `active: true` restarts a deactivated one.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateWebhook,
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The changed subscription", body = Webhook, headers(("ETag" = String, description = "New version"))),
        crate::http::responses::DeleteProblems,
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WebhookPath>,
    if_match: IfMatch,
    body: Json<UpdateWebhook>,
) -> ApiResult<HttpResponse> {
    let webhook = service::update(&state, principal, path.id, if_match, body.0).await?;
    Ok(tagged(webhook.version, webhook))
}

/// Unsubscribe, with its deliveries. Needs `If-Match`.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 204, description = "Unsubscribed"),
        crate::http::responses::DeleteProblems,
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WebhookPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete(&state, principal, path.id, if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of a subscription, newest first: status, attempts, the
/// receiver's last answer, the next attempt.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, DeliveryQuery),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        crate::http::responses::ObjectProblems,
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WebhookPath>,
    query: Query<DeliveryQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    service::deliveries(&state, &req, principal, path.id, page).await
}

/// Send a delivery again now (a failed one too); its attempts are kept.
#[utoipa::path(
    tag = "webhooks",
    params(DeliveryPath),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 202, description = "Queued for sending", body = Delivery),
        crate::http::responses::ObjectProblems,
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_delivery(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<DeliveryPath>,
) -> ApiResult<HttpResponse> {
    let delivery = service::retry(&state, principal, path.id, path.delivery_id).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}

/// Send a `ping` message (`data: null`) to check the receiver and its signature check.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses(
        (status = 202, description = "Queued for sending", body = Delivery),
        crate::http::responses::ObjectProblems,
    )
)]
#[post("/webhooks/{id}/ping")]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<WebhookPath>,
) -> ApiResult<HttpResponse> {
    let delivery = service::ping(&state, principal, path.id).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
