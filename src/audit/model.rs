use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Queryable, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_token_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: Option<String>,
    pub changes: Option<String>,
}
