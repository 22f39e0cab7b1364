use diesel::prelude::*;

use super::model::AuditRow;
use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::ApiResult;
use crate::pagination::{ByIdDesc, PageRequest};

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

pub struct AuditFilter {
    pub actor: Option<i64>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub since: Option<chrono::NaiveDateTime>,
}

/// Audit records, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    page: &PageRequest<ByIdDesc>,
) -> ApiResult<Vec<AuditRow>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(audit_log::actor_user_id.eq(actor));
    }
    if let Some(object_type) = &filter.object_type {
        query = query.filter(audit_log::object_type.eq(object_type.clone()));
    }
    if let Some(object_id) = &filter.object_id {
        query = query.filter(audit_log::object_id.eq(object_id.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::occurred_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(audit_log::id.lt(cursor.id));
    }
    Ok(query
        .order(audit_log::id.desc())
        .limit(page.fetch())
        .load(conn)?)
}
