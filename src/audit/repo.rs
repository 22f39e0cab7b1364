use diesel::prelude::*;

use super::Actor;
use super::model::{AuditRow, NewAuditEntry};
use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::ApiResult;

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

/// The records of one object, oldest first.
pub fn for_object(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: &str,
) -> ApiResult<Vec<AuditRow>> {
    Ok(audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::id.asc())
        .load(conn)?)
}
