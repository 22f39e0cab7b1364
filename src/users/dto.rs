use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::{Email, Role};
use crate::organizations::dto::OrganizationSummary;
use crate::validation::not_blank;

/// A person who may sign in. Password material is never returned.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "email": "redakcja@silesia.org.pl", "name": "Biuro ŚZGiP", "role": "editor", "active": true,
    "associations": [{"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": "ŚZGiP", "kind": "association"}],
    "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
}))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Deactivated accounts cannot sign in and their tokens stop working.
    pub active: bool,
    /// The organizations an editor writes for. Despite the name (kept for
    /// compatibility), any kind may be listed: an association or alliance, a local
    /// government (`jst`) submitting its own good practices, an NGO office answering
    /// for itself. Every authorization decision is made per object from this list.
    pub associations: Vec<OrganizationSummary>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new person.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "redakcja@silesia.org.pl", "name": "Biuro ŚZGiP", "role": "editor", "password": "correct horse battery staple", "associations": [2]}))]
pub struct CreateUser {
    pub email: Email,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub role: Role,
    #[validate(length(min = 12, max = 256))]
    #[schema(min_length = 12, max_length = 256, format = Password)]
    pub password: String,
    /// Ids of the organizations an editor writes for (editors only). Any kind of
    /// organization may be named (an association, a `jst`, an NGO…); the name
    /// `associations` is kept for compatibility. An unknown id is 422
    /// (`unknown_organization`).
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub associations: Vec<i64>,
}

/// Changes to a person; absent fields stay.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "editor", "associations": [2, 3, 120]}))]
pub struct UpdateUser {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub role: Option<Role>,
    #[validate(length(min = 12, max = 256))]
    #[schema(min_length = 12, max_length = 256, format = Password)]
    pub password: Option<String>,
    pub active: Option<bool>,
    /// Replaces the list of organizations (of any kind) an editor writes for.
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub associations: Option<Vec<i64>>,
}

crate::list_query!(
    /// Filters of `GET /users`.
    UserListQuery {
        /// Only people with this role.
        role: Option<Role>,
    }
);

crate::page_of!(
    UserPage,
    User,
    json!({"items": [{"id": 1, "email": "admin@example.org", "name": "Administrator", "role": "admin", "active": true, "associations": [], "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"}], "next_cursor": null})
);

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "email": "admin@example.org", "name": "Administrator", "role": "admin", "associations": []}))]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The organizations (of any kind, despite the name) this person writes for
    /// (editors).
    pub associations: Vec<OrganizationSummary>,
}
