//! Subscriptions and the outbox: the queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::changes::repo::ChangeRow;
use crate::db::DbConnection;
use crate::db::schema::{changes, webhook_deliveries as d, webhooks};
use crate::error::ApiResult;
use crate::pagination::{ById, ByIdDesc, PageRequest};

crate::versioned_row! {
    /// A stored subscription.
    row WebhookRow in webhooks,
    /// Every writable column of a subscription.
    #[diesel(treat_none_as_null = true)]
    fields WebhookFields {
        pub organization_id: i64,
        pub url: String,
        pub types: String,
        pub actions: String,
        pub secret: String,
        pub active: bool,
        pub disabled_reason: Option<String>,
        pub failing_since: Option<NaiveDateTime>,
    }
}

crate::versioned_table!(
    /// The subscriptions on the write path.
    Webhooks,
    webhooks,
    WebhookRow,
    WebhookFields,
    "webhook"
);

#[derive(Debug, Clone, Queryable)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub change_id: Option<i64>,
    pub event: String,
    pub action: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<WebhookRow>> {
    Ok(webhooks::table.find(id).first(conn).optional()?)
}

/// Subscriptions of these organizations (`None`: all), by id.
pub fn list(
    conn: &mut DbConnection,
    organizations: Option<&[i64]>,
    organization_id: Option<i64>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<WebhookRow>> {
    let mut query = webhooks::table.into_boxed();
    if let Some(organizations) = organizations {
        query = query.filter(webhooks::organization_id.eq_any(organizations.to_vec()));
    }
    if let Some(organization_id) = organization_id {
        query = query.filter(webhooks::organization_id.eq(organization_id));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(webhooks::id.gt(cursor.id));
    }
    Ok(query
        .order(webhooks::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// A subscription's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook_id: i64,
    page: &PageRequest<ByIdDesc>,
) -> ApiResult<Vec<DeliveryRow>> {
    let mut query = d::table.filter(d::webhook_id.eq(webhook_id)).into_boxed();
    if let Some(cursor) = &page.after {
        query = query.filter(d::id.lt(cursor.id));
    }
    Ok(query.order(d::id.desc()).limit(page.fetch()).load(conn)?)
}

pub fn find_delivery(
    conn: &mut DbConnection,
    webhook_id: i64,
    id: i64,
) -> ApiResult<Option<DeliveryRow>> {
    Ok(d::table
        .filter(d::webhook_id.eq(webhook_id))
        .filter(d::id.eq(id))
        .first(conn)
        .optional()?)
}

/// The seq of each change of these deliveries.
pub fn seqs(conn: &mut DbConnection, change_ids: &[i64]) -> ApiResult<Vec<(i64, Option<i64>)>> {
    Ok(changes::table
        .filter(changes::id.eq_any(change_ids.to_vec()))
        .select((changes::id, changes::seq))
        .load(conn)?)
}

/// A ping, due now.
pub fn insert_ping(
    conn: &mut DbConnection,
    webhook_id: i64,
    now: NaiveDateTime,
) -> ApiResult<DeliveryRow> {
    Ok(diesel::insert_into(d::table)
        .values((
            d::webhook_id.eq(webhook_id),
            d::event.eq("ping"),
            d::status.eq("pending"),
            d::attempts.eq(0),
            d::next_attempt_at.eq(now),
            d::created_at.eq(now),
        ))
        .returning(d::all_columns)
        .get_result(conn)?)
}

/// Sends a delivery again, now (its attempts are kept).
pub fn retry(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> ApiResult<DeliveryRow> {
    Ok(diesel::update(d::table.find(id))
        .set((
            d::status.eq("pending"),
            d::next_attempt_at.eq(now),
            d::locked_until.eq(None::<NaiveDateTime>),
        ))
        .returning(d::all_columns)
        .get_result(conn)?)
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due deliveries for this instance until `until`. A delivery of
/// a change waits until the change has its feed number (its transaction and every
/// older one have ended), so subscribers get changes in feed order. PostgreSQL skips
/// the rows another instance is claiming (`FOR UPDATE SKIP LOCKED`); the lease makes
/// a claim expire if its instance dies, on both backends.
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<i64>> {
    const DUE: &str = "SELECT d.id FROM webhook_deliveries d \
         LEFT JOIN changes c ON c.id = d.change_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
           AND (d.locked_until IS NULL OR d.locked_until < $1) \
           AND (d.change_id IS NULL OR c.seq IS NOT NULL) \
         ORDER BY d.next_attempt_at, d.id LIMIT $3";
    let claimed: Vec<Claimed> = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET locked_until = $2 WHERE id IN \
             ({DUE} FOR UPDATE OF d SKIP LOCKED) RETURNING id"
        ))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(until)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET locked_until = ?2 WHERE id IN ({}) RETURNING id",
            DUE.replace('$', "?")
        ))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(until)
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
    };
    Ok(claimed.into_iter().map(|c| c.id).collect())
}

/// A claimed delivery with its subscription and change.
pub fn load_claimed(
    conn: &mut DbConnection,
    id: i64,
) -> ApiResult<Option<(DeliveryRow, WebhookRow, Option<ChangeRow>)>> {
    let Some(delivery) = d::table.find(id).first::<DeliveryRow>(conn).optional()? else {
        return Ok(None);
    };
    let Some(webhook) = find(conn, delivery.webhook_id)? else {
        return Ok(None);
    };
    let change = match delivery.change_id {
        Some(change_id) => changes::table
            .find(change_id)
            .first::<ChangeRow>(conn)
            .optional()?,
        None => None,
    };
    Ok(Some((delivery, webhook, change)))
}

/// What an attempt did.
pub struct Attempt {
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    /// `delivered`, `pending` (with the next attempt) or `failed`.
    pub status: &'static str,
    pub next_attempt_at: NaiveDateTime,
}

pub fn record_attempt(conn: &mut DbConnection, id: i64, attempt: &Attempt) -> ApiResult<()> {
    diesel::update(d::table.find(id))
        .set((
            d::attempts.eq(d::attempts + 1),
            d::status.eq(attempt.status),
            d::last_attempt_at.eq(Some(attempt.at)),
            d::last_status_code.eq(attempt.status_code),
            d::last_error.eq(attempt.error.clone()),
            d::next_attempt_at.eq(attempt.next_attempt_at),
            d::locked_until.eq(None::<NaiveDateTime>),
            d::delivered_at.eq((attempt.status == "delivered").then_some(attempt.at)),
        ))
        .execute(conn)?;
    Ok(())
}
