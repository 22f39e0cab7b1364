//! The audit log: every write appends who did what to which object, in the write's
//! own transaction (a rolled-back write leaves no audit row).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;

pub use repo::record;

pub fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(handlers::list_audit);
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
