//! The audit record of a write, appended in the write's own transaction (a rolled-back
//! write leaves no audit row).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::ApiResult;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_token_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub request_id: Option<String>,
    pub changes: Option<String>,
}

/// Who performed a write.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub token_id: Option<i64>,
}

/// The fields that differ between two serialized states: `{field: [before, after]}`.
pub fn diff<T: serde::Serialize>(before: &T, after: &T) -> serde_json::Value {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return serde_json::Value::Null;
    };
    let changed: serde_json::Map<String, serde_json::Value> = after
        .into_iter()
        .filter(|(field, value)| before.get(field) != Some(value))
        .map(|(field, value)| {
            let old = before
                .get(&field)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            (field, serde_json::json!([old, value]))
        })
        .collect();
    serde_json::Value::Object(changed)
}

/// Appends one audit record; call it inside the write's transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    changes: Option<serde_json::Value>,
) -> ApiResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            occurred_at: crate::time::now(),
            actor_user_id: actor.user_id,
            actor_token_id: actor.token_id,
            action,
            object_type,
            object_id: object_id.to_string(),
            request_id: crate::request_id::current(),
            changes: changes.map(|c| c.to_string()),
        })
        .execute(conn)?;
    Ok(())
}
