use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// What happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// It appeared: created, or (for those who could not see it before) published.
    Created,
    Updated,
    /// It is gone: deleted, or (for those who may no longer see it) taken back from
    /// the public. A tombstone: fetch nothing, drop your copy.
    Deleted,
}

/// One committed change of an object.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "seq": 1042, "type": "position", "id": 17, "action": "updated", "version": 4,
    "occurred_at": "2026-11-22T10:15:00Z", "url": "/api/v1/positions/17"
}))]
pub struct Change {
    /// The feed position: increases with every change, in the order changes became
    /// visible.
    pub seq: i64,
    /// The object's type (`organization`, `membership`, `presidency`, `milestone`,
    /// `position`, `consultation`, `consultation_comment`, `project`,
    /// `project_indicator`, `project_event`; `user` and `api_token` for
    /// administrators).
    #[serde(rename = "type")]
    pub object_type: String,
    /// The object's id.
    pub id: i64,
    pub action: ChangeAction,
    /// The object's version after the change (the last version, for `deleted`).
    pub version: i64,
    pub occurred_at: DateTime<Utc>,
    /// Where to read the object now (`null` for a type without one).
    pub url: Option<String>,
}

/// A page of the feed. Unlike other lists, `next_cursor` is always given: poll with it
/// to get what changes next.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{"seq": 1042, "type": "position", "id": 17, "action": "updated", "version": 4,
               "occurred_at": "2026-11-22T10:15:00Z", "url": "/api/v1/positions/17"}],
    "next_cursor": "eyJzIjoic2VxIiwiaSI6MTA0Mn0"
}))]
pub struct ChangePage {
    /// The changes of this page, oldest first.
    pub items: Vec<Change>,
    /// Pass as `cursor` for the changes after this page, also on the last page.
    pub next_cursor: String,
}

/// Parameters of `GET /changes`.
#[derive(Debug, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous page; without it the feed starts at its
    /// beginning.
    #[param(min_length = 1, max_length = 512)]
    #[validate(length(min = 1, max = 512))]
    pub cursor: Option<String>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    #[validate(range(min = 1, max = 100))]
    pub limit: Option<i64>,
    /// Only these types, comma-separated (`position,consultation`).
    #[param(min_length = 1, max_length = 500, example = "position,consultation")]
    #[validate(length(min = 1, max = 500))]
    pub types: Option<String>,
}
