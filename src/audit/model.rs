use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_log;

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
