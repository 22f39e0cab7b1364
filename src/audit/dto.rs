use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::AuditRow;

/// One recorded write: who did what to which object, and when.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 42, "occurred_at": "2026-11-22T10:15:00Z", "actor_user_id": 2, "actor_token_id": null,
    "action": "update", "object_type": "organization", "object_id": "5",
    "request_id": "6f1c2a0e-8d7b-4c52-9b8e-2f1d3c4b5a69",
    "changes": {"website": [null, "https://www.silesia.org.pl"]}
}))]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// The person who acted, if a person did.
    pub actor_user_id: Option<i64>,
    /// The partner API token that acted, if a token did.
    pub actor_token_id: Option<i64>,
    /// `create`, `update`, `delete`, `issue`, `revoke`, `login_failed`, a transition …
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The `X-Request-Id` of the request that wrote it.
    pub request_id: Option<String>,
    /// The changed fields as `{field: [before, after]}`, or the created state.
    #[schema(value_type = Option<Object>)]
    pub changes: Option<serde_json::Value>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            id: row.id,
            occurred_at: crate::time::to_utc(row.occurred_at),
            actor_user_id: row.actor_user_id,
            actor_token_id: row.actor_token_id,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            request_id: row.request_id,
            changes: row.changes.and_then(|c| serde_json::from_str(&c).ok()),
        }
    }
}

crate::paged_query!(
    /// Filters of `GET /audit` (newest first).
    AuditQuery {
        /// Only what this person did (user id).
        #[param(minimum = 1)]
        #[validate(range(min = 1))]
        actor: Option<i64>,
        /// Only records about this kind of object (`organization`, `user`, `api_token` …).
        #[param(min_length = 1, max_length = 50, example = "organization")]
        #[validate(length(min = 1, max = 50))]
        object_type: Option<String>,
        /// Only records about this object id.
        #[param(min_length = 1, max_length = 50, example = "5")]
        #[validate(length(min = 1, max = 50))]
        object_id: Option<String>,
        /// Only records at or after this instant (RFC 3339).
        #[param(value_type = Option<String>, format = DateTime, example = "2026-01-01T00:00:00Z")]
        since: Option<DateTime<Utc>>,
    }
);

crate::page_of!(
    AuditPage,
    AuditEntry,
    json!({"items": [{"id": 42, "occurred_at": "2026-11-22T10:15:00Z", "actor_user_id": 2, "actor_token_id": null, "action": "update", "object_type": "organization", "object_id": "5", "request_id": null, "changes": {"website": [null, "https://www.silesia.org.pl"]}}], "next_cursor": null})
);
