//! The use cases of subscriptions: who may, what must hold, the write.

use actix_web::{HttpRequest, HttpResponse, web};

use super::dto::{CreateWebhook, CreatedWebhook, Delivery, UpdateWebhook, Webhook};
use super::repo::{self, DeliveryRow, WebhookFields, WebhookRow, Webhooks};
use super::{address, sign};
use crate::auth::{Principal, policy};
use crate::changes::types;
use crate::db::DbConnection;
use crate::domain::Role;
use crate::edit::{Guard, Held};
use crate::error::{ApiError, ApiResult};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::{ById, ByIdDesc, Cursor, PageRequest, respond_page};
use crate::write;

const ACTIONS: [&str; 3] = ["created", "updated", "deleted"];

/// `",a,b,"` ↔ `["a", "b"]`: the stored form lets the write path match with one LIKE.
fn join(items: &[String]) -> String {
    format!(",{},", items.join(","))
}

fn split(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn to_dto(row: WebhookRow) -> Webhook {
    Webhook {
        id: row.id,
        organization_id: row.organization_id,
        url: row.url,
        types: split(&row.types),
        actions: split(&row.actions),
        active: row.active,
        disabled_reason: row.disabled_reason,
        failing_since: row.failing_since.map(crate::time::to_utc),
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    }
}

fn delivery_dto(row: DeliveryRow, seq: Option<i64>) -> Delivery {
    Delivery {
        id: row.id,
        webhook_id: row.webhook_id,
        event: row.event,
        seq,
        action: row.action,
        status: row.status,
        attempts: row.attempts,
        last_status_code: row.last_status_code,
        last_error: row.last_error,
        next_attempt_at: crate::time::to_utc(row.next_attempt_at),
        created_at: crate::time::to_utc(row.created_at),
        last_attempt_at: row.last_attempt_at.map(crate::time::to_utc),
        delivered_at: row.delivered_at.map(crate::time::to_utc),
    }
}

/// The feed types a subscription may name: those with a read scope (not people or
/// tokens), and for a partner token only those its scopes read.
fn check_types(principal: &Principal, requested: &[String]) -> ApiResult<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in requested {
        let access = types::find(name).map(|t| t.access);
        let Some(access) = access.filter(|a| *a != types::Access::Admins) else {
            let known: Vec<&str> = types::TYPES
                .iter()
                .filter(|t| t.access != types::Access::Admins)
                .map(|t| t.name)
                .collect();
            return Err(ApiError::invalid_field(
                "types",
                "unknown_type",
                format!(
                    "'{name}' is not a type a webhook can receive (one of: {})",
                    known.join(", ")
                ),
            ));
        };
        if let types::Access::Scope(scope) = access {
            policy::can_read(principal, scope)?;
        }
        if !kept.contains(name) {
            kept.push(name.clone());
        }
    }
    Ok(join(&kept))
}

fn check_actions(requested: Option<&[String]>) -> ApiResult<String> {
    let Some(requested) = requested else {
        return Ok(join(&ACTIONS.map(String::from)));
    };
    if let Some(bad) = requested.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
        return Err(ApiError::invalid_field(
            "actions",
            "unknown_action",
            format!("'{bad}' is not one of created, updated, deleted"),
        ));
    }
    let mut kept: Vec<String> = ACTIONS
        .iter()
        .filter(|a| requested.iter().any(|r| r == *a))
        .map(|a| (*a).to_owned())
        .collect();
    kept.dedup();
    Ok(join(&kept))
}

/// Checks a URL's form and (off the async workers) where it resolves.
pub async fn check_url(state: &AppState, raw: String) -> ApiResult<String> {
    let allow_private = state.config.webhook_allow_private;
    let refused = |message: String| ApiError::invalid_field("url", "url_not_allowed", message);
    let url = address::check_form(&raw, allow_private).map_err(refused)?;
    web::block(move || address::check_resolved(&url, allow_private))
        .await
        .map_err(ApiError::internal)?
        .map_err(refused)?;
    Ok(raw)
}

/// A subscription as its managers see it: 404, then 403.
const MANAGED: Guard<Webhooks> = Guard {
    load: |conn, _, id| {
        repo::find(conn, id)?
            .ok_or_else(|| ApiError::not_found(format!("webhook {id} does not exist")))
    },
    may: |principal, row| policy::can_manage_webhooks_of(principal, row.organization_id),
};

fn load(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<WebhookRow> {
    MANAGED.find(conn, principal, id)
}

pub async fn create(
    state: &AppState,
    principal: Principal,
    body: CreateWebhook,
) -> ApiResult<CreatedWebhook> {
    policy::can_manage_webhooks_of(&principal, body.organization_id)?;
    let types = check_types(&principal, &body.types)?;
    let actions = check_actions(body.actions.as_deref())?;
    let url = check_url(state, body.url).await?;
    let secret = sign::new_secret();
    let fields = WebhookFields {
        organization_id: body.organization_id,
        url,
        types,
        actions,
        secret: secret.clone(),
        active: true,
        disabled_reason: None,
        failing_since: None,
    };
    let row = state
        .transaction(move |conn| {
            if crate::organizations::repo::find(conn, fields.organization_id)?.is_none() {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "not_found",
                    format!("organization {} does not exist", fields.organization_id),
                ));
            }
            // The audit record keeps no secret.
            let snapshot = serde_json::json!({
                "organization_id": fields.organization_id, "url": fields.url,
                "types": fields.types, "actions": fields.actions,
            });
            write::create::<Webhooks>(conn, &principal.actor(), &fields, &snapshot)
        })
        .await?;
    Ok(CreatedWebhook {
        secret,
        webhook: to_dto(row),
    })
}

pub async fn get(state: &AppState, principal: Principal, id: i64) -> ApiResult<Webhook> {
    let row = state.run(move |conn| load(conn, &principal, id)).await?;
    Ok(to_dto(row))
}

pub async fn update(
    state: &AppState,
    principal: Principal,
    id: i64,
    if_match: IfMatch,
    patch: UpdateWebhook,
) -> ApiResult<Webhook> {
    let types = patch
        .types
        .as_deref()
        .map(|t| check_types(&principal, t))
        .transpose()?;
    let actions = patch
        .actions
        .as_deref()
        .map(|a| check_actions(Some(a)))
        .transpose()?;
    let url = match patch.url {
        Some(url) => Some(check_url(state, url).await?),
        None => None,
    };
    let row = MANAGED
        .change(state, &principal, (id, if_match), move |conn, held| {
            let current = &held.current;
            let mut fields = WebhookFields::from(current);
            fields.url = url.unwrap_or(fields.url);
            fields.types = types.unwrap_or(fields.types);
            fields.actions = actions.unwrap_or(fields.actions);
            if let Some(active) = patch.active {
                fields.active = active;
                if active {
                    fields.disabled_reason = None;
                    fields.failing_since = None;
                }
            }
            let state_of = |f: &WebhookFields| {
                serde_json::json!({"url": f.url, "types": f.types, "actions": f.actions, "active": f.active})
            };
            let before = state_of(&WebhookFields::from(current));
            write::update::<Webhooks, _>(
                conn,
                &held.principal.actor(),
                current,
                held.expected,
                &fields,
                (&before, &state_of(&fields)),
            )
        })
        .await?;
    Ok(to_dto(row))
}

pub async fn delete(
    state: &AppState,
    principal: Principal,
    id: i64,
    if_match: IfMatch,
) -> ApiResult<()> {
    MANAGED
        .change(state, &principal, (id, if_match), move |conn, held| {
            let Held { current, .. } = &held;
            let snapshot =
                serde_json::json!({"organization_id": current.organization_id, "url": current.url});
            let actor = held.principal.actor();
            write::delete::<Webhooks>(conn, &actor, current, held.expected, &snapshot)
        })
        .await
}

/// `GET /webhooks`: admins all; editors those of their associations; a token those of
/// its organization (with `webhooks:manage`).
struct WebhookList {
    organizations: Option<Vec<i64>>,
    organization_id: Option<i64>,
}

crate::listing! {
    WebhookList: ById, WebhookRow => Webhook;
    rows(list, conn, page) =
        repo::list(conn, list.organizations.as_deref(), list.organization_id, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(_conn, rows) = Ok(rows.into_iter().map(to_dto).collect());
}

pub async fn list(
    state: &AppState,
    req: &HttpRequest,
    principal: Principal,
    organization_id: Option<i64>,
    page: PageRequest<ById>,
) -> ApiResult<HttpResponse> {
    let organizations = match &principal {
        Principal::User(user) if user.role == Role::Admin => None,
        Principal::User(user) if user.role == Role::Editor => Some(user.associations.clone()),
        Principal::Token(token) => {
            policy::can_manage_webhooks_of(&principal, token.organization_id)?;
            Some(vec![token.organization_id])
        }
        _ => {
            return Err(ApiError::forbidden(
                "only administrators, editors and partner tokens with webhooks:manage see webhooks",
            ));
        }
    };
    let listing = WebhookList {
        organizations,
        organization_id,
    };
    respond_page(state, req, listing, page).await
}

/// `GET /webhooks/{id}/deliveries`, newest first.
struct DeliveryList(i64);

crate::listing! {
    DeliveryList: ByIdDesc, DeliveryRow => Delivery;
    rows(list, conn, page) = repo::deliveries(conn, list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = {
        let change_ids: Vec<i64> = rows.iter().filter_map(|r| r.change_id).collect();
        let seqs = repo::seqs(conn, &change_ids)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let seq = row
                    .change_id
                    .and_then(|c| seqs.iter().find(|(id, _)| *id == c).and_then(|(_, s)| *s));
                delivery_dto(row, seq)
            })
            .collect())
    };
}

pub async fn deliveries(
    state: &AppState,
    req: &HttpRequest,
    principal: Principal,
    id: i64,
    page: PageRequest<ByIdDesc>,
) -> ApiResult<HttpResponse> {
    state.run(move |conn| load(conn, &principal, id)).await?;
    respond_page(state, req, DeliveryList(id), page).await
}

pub async fn retry(
    state: &AppState,
    principal: Principal,
    id: i64,
    delivery_id: i64,
) -> ApiResult<Delivery> {
    state
        .transaction(move |conn| {
            load(conn, &principal, id)?;
            let current = repo::find_delivery(conn, id, delivery_id)?.ok_or_else(|| {
                ApiError::not_found(format!("webhook {id} has no delivery {delivery_id}"))
            })?;
            let row = repo::retry(conn, current.id, crate::time::now())?;
            let seq = match row.change_id {
                Some(change) => repo::seqs(conn, &[change])?.first().and_then(|(_, s)| *s),
                None => None,
            };
            Ok(delivery_dto(row, seq))
        })
        .await
}

pub async fn ping(state: &AppState, principal: Principal, id: i64) -> ApiResult<Delivery> {
    state
        .transaction(move |conn| {
            load(conn, &principal, id)?;
            let row = repo::insert_ping(conn, id, crate::time::now())?;
            Ok(delivery_dto(row, None))
        })
        .await
}
