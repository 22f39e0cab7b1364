//! The delivery worker: runs in every server instance, claims due deliveries from the
//! outbox, signs and POSTs them, and records how it went.
//!
//! Several instances on one PostgreSQL claim disjoint rows (`FOR UPDATE SKIP LOCKED`
//! plus a lease), so each delivery is sent by one of them; a delivery whose instance
//! died mid-send is claimed again when its lease ends, so a restart loses nothing
//! (a receiver may then see a message twice: `webhook-id` stays the same for
//! deduplication).

use std::time::Duration;

use actix_web::web;
use chrono::NaiveDateTime;

use super::dto::{WebhookChange, WebhookPayload};
use super::repo::{self, Attempt, DeliveryRow, WebhookFields, WebhookRow, Webhooks};
use super::{address, sign};
use crate::changes::dto::ChangeAction;
use crate::changes::objects::{self, Target};
use crate::changes::repo::ChangeRow;
use crate::changes::service::{parse_action, render};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::write::{self, Actor, Expected};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claim lasts (longer than a send can take).
const LEASE_SECONDS: i64 = 60;
/// Deliveries claimed per round, and sent at once.
const BATCH: i64 = 32;
const CONCURRENCY: usize = 8;
/// A delivery is given up (`failed`) when it has not succeeded within a day.
const GIVE_UP_HOURS: i64 = 24;
/// A subscription whose deliveries have failed for this long is deactivated.
const DEACTIVATE_AFTER_DAYS: i64 = 3;

/// The wait before attempt `attempts + 1`: 30 s doubling per attempt, capped at 6 h,
/// plus up to a quarter more at random so that retries of many deliveries spread out
/// (each wait is still longer than the one before it, up to the cap).
pub fn backoff(attempts: i32) -> chrono::Duration {
    let base = 30_i64.saturating_mul(1_i64 << attempts.clamp(1, 20).saturating_sub(1));
    let base = base.min(6 * 3600);
    let jitter = rand::random_range(0..=base / 4);
    chrono::Duration::seconds(base + jitter)
}

/// Runs until the server stops: a round, then a pause when there was nothing to send.
pub async fn run(state: web::Data<AppState>) {
    loop {
        let pause = match deliver_due(&state).await {
            Ok(0) => Duration::from_secs(1),
            Ok(_) => Duration::ZERO,
            Err(error) => {
                log::warn!("webhook deliveries: {error:?}");
                Duration::from_secs(5)
            }
        };
        if !pause.is_zero() {
            actix_web::rt::time::sleep(pause).await;
        }
    }
}

/// One round: numbers the change feed, claims what is due and sends it. Returns how
/// many deliveries were attempted.
pub async fn deliver_due(state: &AppState) -> ApiResult<usize> {
    state.db.run(crate::changes::repo::sequence).await?;
    let now = crate::time::now();
    let until = now + chrono::Duration::seconds(LEASE_SECONDS);
    let ids = state
        .db
        .run(move |conn| repo::claim(conn, now, until, BATCH))
        .await?;
    let count = ids.len();
    if count == 0 {
        return Ok(0);
    }
    let resolver = address::PinnedResolver::new(state.config.webhook_allow_private);
    let client = address::client(resolver, TIMEOUT);
    use futures_util::StreamExt;
    futures_util::stream::iter(ids)
        .for_each_concurrent(CONCURRENCY, |id| {
            let client = &client;
            async move {
                if let Err(error) = deliver(state, client, id).await {
                    log::warn!("webhook delivery {id}: {error:?}");
                }
            }
        })
        .await;
    Ok(count)
}

/// The body of a delivery: the change as its subscription's organization sees it, with
/// the object as that organization may read it now (`None` for a tombstone).
async fn payload(
    state: &AppState,
    webhook: &WebhookRow,
    delivery: &DeliveryRow,
    change: Option<&ChangeRow>,
) -> ApiResult<Vec<u8>> {
    let change = change.and_then(|change| {
        let action = parse_action(delivery.action.as_deref()?)?;
        Some((render(change, action)?, change.parent_id))
    });
    let data = match change {
        Some((change, parent)) => {
            let object = if change.action == ChangeAction::Deleted {
                None
            } else {
                let reader = objects::reader_of(
                    webhook.organization_id,
                    webhook.types.split(',').filter(|t| !t.is_empty()),
                );
                let target = Target {
                    id: change.id,
                    parent,
                };
                objects::current(state, &reader, &change.object_type, target).await?
            };
            Some(WebhookChange { change, object })
        }
        None => None,
    };
    let body = WebhookPayload {
        event: delivery.event.clone(),
        timestamp: chrono::Utc::now(),
        data,
    };
    serde_json::to_vec(&body).map_err(ApiError::internal)
}

async fn deliver(state: &AppState, client: &awc::Client, id: i64) -> ApiResult<()> {
    let Some((delivery, webhook, change)) = state
        .db
        .run(move |conn| repo::load_claimed(conn, id))
        .await?
    else {
        return Ok(());
    };
    let now = crate::time::now();
    let (status_code, error) = if webhook.active {
        send(state, client, &webhook, &delivery, change.as_ref()).await
    } else {
        (None, Some("the subscription is inactive".to_owned()))
    };
    let delivered = status_code.is_some_and(|code| (200..300).contains(&code));
    let attempts = delivery.attempts + 1;
    let (status, next_attempt_at) = if delivered {
        ("delivered", now)
    } else if !webhook.active || now - delivery.created_at >= chrono::Duration::hours(GIVE_UP_HOURS)
    {
        ("failed", now)
    } else {
        ("pending", now + backoff(attempts))
    };
    let attempt = Attempt {
        at: now,
        status_code,
        error,
        status,
        next_attempt_at,
    };
    state
        .db
        .transaction(move |conn| {
            repo::record_attempt(conn, delivery.id, &attempt)?;
            health(conn, &webhook, delivered, &attempt)
        })
        .await
}

/// Signs and POSTs; the receiver's status, or why there was none.
async fn send(
    state: &AppState,
    client: &awc::Client,
    webhook: &WebhookRow,
    delivery: &DeliveryRow,
    change: Option<&ChangeRow>,
) -> (Option<i32>, Option<String>) {
    // Checked again now, and the name is resolved by the client's pinned resolver,
    // which refuses non-public addresses: the name may resolve elsewhere than when it
    // was saved.
    let allow_private = state.config.webhook_allow_private;
    let url = match address::check_form(&webhook.url, allow_private)
        .and_then(|url| address::check_literal(&url, allow_private).map(|()| url))
    {
        Ok(url) => url,
        Err(refusal) => return (None, Some(format!("refused: {refusal}"))),
    };
    let body = match payload(state, webhook, delivery, change).await {
        Ok(body) => body,
        Err(error) => {
            log::warn!("webhook delivery {}: rendering: {error:?}", delivery.id);
            return (
                None,
                Some("the object could not be read; tried again later".to_owned()),
            );
        }
    };
    let message_id = format!("msg_{}", delivery.id);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign::signature(&webhook.secret, &message_id, timestamp, &body);
    let sent = client
        .post(url.as_str())
        .insert_header(("content-type", "application/json"))
        .insert_header(("user-agent", "Razem-Webhooks/1"))
        .insert_header(("webhook-id", message_id))
        .insert_header(("webhook-timestamp", timestamp.to_string()))
        .insert_header(("webhook-signature", signature))
        .send_body(body)
        .await;
    match sent {
        Ok(response) => (Some(i32::from(response.status().as_u16())), None),
        Err(error) => (None, Some(error.to_string().chars().take(500).collect())),
    }
}

/// Tracks since when a subscription fails, and deactivates it after three days of
/// failures (through the write path: audited, in the feed for administrators).
fn health(
    conn: &mut crate::db::DbConnection,
    webhook: &WebhookRow,
    delivered: bool,
    attempt: &Attempt,
) -> ApiResult<()> {
    let Some(current) = repo::find(conn, webhook.id)? else {
        return Ok(());
    };
    let mut fields = WebhookFields::from(&current);
    match (delivered, current.failing_since) {
        (true, None) | (false, _) if !current.active => return Ok(()),
        (true, None) => return Ok(()),
        (true, Some(_)) => fields.failing_since = None,
        (false, None) => fields.failing_since = Some(attempt.at),
        (false, Some(since)) if failing_too_long(since, attempt.at) => {
            fields.active = false;
            fields.disabled_reason = Some(format!(
                "every delivery failed since {} (last: {})",
                crate::time::to_utc(since).to_rfc3339(),
                attempt
                    .status_code
                    .map(|code| format!("HTTP {code}"))
                    .or_else(|| attempt.error.clone())
                    .unwrap_or_default()
            ));
        }
        (false, Some(_)) => return Ok(()),
    }
    let changes = serde_json::json!({
        "active": fields.active, "failing_since": fields.failing_since,
        "disabled_reason": fields.disabled_reason,
    });
    let updated = write::update_as::<Webhooks>(
        conn,
        &Actor::default(),
        write::Action::Update,
        &current,
        Expected::current(current.version),
        &fields,
        changes,
    );
    match updated {
        Ok(_) => Ok(()),
        // Changed meanwhile (a PATCH): the next attempt looks again.
        Err(error) if error.code() == crate::error::Code::PreconditionFailed => Ok(()),
        Err(error) => Err(error),
    }
}

fn failing_too_long(since: NaiveDateTime, now: NaiveDateTime) -> bool {
    now - since >= chrono::Duration::days(DEACTIVATE_AFTER_DAYS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_wait_is_longer_than_the_one_before() {
        let mut previous = chrono::Duration::zero();
        for attempts in 1..=9 {
            let wait = super::backoff(attempts);
            assert!(
                wait > previous,
                "attempt {attempts}: {wait} after {previous}"
            );
            previous = wait;
        }
        assert!(super::backoff(30) <= chrono::Duration::hours(8));
    }
}
