//! The use cases of organizations, shared with `/associations` (a view of the same
//! table): look-up within a kind scope, create, update, delete and the list.

use std::collections::HashMap;

use super::dto::{
    CreateOrganization, Organization, OrganizationListQuery, OrganizationSort, OrganizationSummary,
    UpdateOrganization, check_consistency,
};
use super::model::{OrganizationFields, OrganizationRow};
use super::repo::{self, ListFilter};
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::{OrganizationKind, fold_for_search};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::PageRequest;
use crate::write::Expected;

/// Which organizations an endpoint serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindScope {
    Any,
    Associations,
}

impl KindScope {
    fn admits(self, kind: OrganizationKind) -> bool {
        self == KindScope::Any || kind.is_association()
    }

    fn noun(self) -> &'static str {
        match self {
            KindScope::Any => "organization",
            KindScope::Associations => "association",
        }
    }

    fn kinds(self, requested: Option<OrganizationKind>) -> Result<Vec<&'static str>, ApiError> {
        match (self, requested) {
            (_, Some(kind)) if self.admits(kind) => Ok(vec![kind.as_str()]),
            (_, Some(kind)) => Err(ApiError::new(
                Code::InvalidQuery,
                format!(
                    "'{kind}' is not a kind of association (alliance, association, national_association)"
                ),
            )),
            (KindScope::Any, None) => Ok(Vec::new()),
            (KindScope::Associations, None) => Ok(OrganizationKind::ASSOCIATIONS
                .iter()
                .map(|k| k.as_str())
                .collect()),
        }
    }

    pub(crate) fn location(self, id: i64) -> String {
        match self {
            KindScope::Any => format!("/api/v1/organizations/{id}"),
            KindScope::Associations => format!("/api/v1/associations/{id}"),
        }
    }
}

/// The summaries of the organizations stored rows point at, fetched in one query.
pub struct Summaries(HashMap<i64, OrganizationSummary>);

impl Summaries {
    pub fn fetch(conn: &mut DbConnection, mut ids: Vec<i64>) -> ApiResult<Self> {
        ids.sort_unstable();
        ids.dedup();
        let rows = repo::find_many(conn, &ids)?;
        Ok(Summaries(
            rows.iter()
                .map(|o| (o.id, OrganizationSummary::from(o)))
                .collect(),
        ))
    }

    /// The foreign key guarantees the organization, so its absence is a 500.
    pub fn get(&self, id: i64) -> ApiResult<OrganizationSummary> {
        self.0
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("organization {id} vanished")))
    }
}

/// The organization named in the path, or 404 (also for one outside the scope).
pub(crate) fn find_in_scope(
    conn: &mut crate::db::DbConnection,
    scope: KindScope,
    id_or_slug: &str,
) -> ApiResult<OrganizationRow> {
    repo::find_by_id_or_slug(conn, id_or_slug)?
        .filter(|row| scope.admits(row.kind))
        .ok_or_else(|| {
            ApiError::not_found(format!("{} '{id_or_slug}' does not exist", scope.noun()))
        })
}

/// A list of organizations, as `/organizations` and `/associations` page through it.
pub(crate) fn list_request(
    scope: KindScope,
    query: OrganizationListQuery,
) -> ApiResult<(ListFilter, PageRequest<OrganizationSort>)> {
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let filter = ListFilter {
        kinds: scope.kinds(query.kind)?,
        voivodeship: query.voivodeship.map(|v| v.as_str()),
        teryt: query.teryt.map(String::from),
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((filter, page))
}

/// `/organizations`: every kind, each item as stored.
pub(crate) struct OrganizationList(pub ListFilter);

crate::listing! {
    OrganizationList: OrganizationSort, OrganizationRow => Organization;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = repo::cursor_after(row, sort);
    render(_, rows) = Ok(rows.into_iter().map(Organization::from).collect());
}

pub(crate) async fn load(
    state: &AppState,
    scope: KindScope,
    id_or_slug: String,
) -> ApiResult<OrganizationRow> {
    state
        .run(move |conn| find_in_scope(conn, scope, &id_or_slug))
        .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    body: CreateOrganization,
) -> ApiResult<OrganizationRow> {
    if !scope.admits(body.kind) {
        return Err(ApiError::invalid_field(
            "kind",
            "invalid_enum_value",
            "an association is of kind alliance, association or national_association",
        ));
    }
    policy::can_create_organization(principal, body.kind)?;
    let mut fields = body.into_fields();
    check_consistency(&mut fields)?;
    let actor = principal.actor();
    state
        .transaction(move |conn| repo::insert(conn, &actor, fields))
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    id_or_slug: String,
    if_match: IfMatch,
    patch: UpdateOrganization,
) -> ApiResult<OrganizationRow> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let current = find_in_scope(conn, scope, &id_or_slug)?;
            policy::can_write_organization(&principal, current.id)?;
            let expected = Expected::from_header(&if_match, current.version)?;
            if let Some(kind) = patch.kind {
                if !scope.admits(kind) {
                    return Err(ApiError::invalid_field(
                        "kind",
                        "invalid_enum_value",
                        "an association stays an alliance, association or national_association",
                    ));
                }
                if kind != current.kind {
                    policy::require_admin(&principal)?;
                }
            }
            let mut fields = OrganizationFields::from(current.clone());
            patch.apply(&mut fields);
            check_consistency(&mut fields)?;
            repo::update(conn, &principal.actor(), &current, expected, fields)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    scope: KindScope,
    id_or_slug: String,
    if_match: IfMatch,
) -> ApiResult<()> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let current = find_in_scope(conn, scope, &id_or_slug)?;
            policy::can_delete_organization(&principal)?;
            let expected = Expected::from_header(&if_match, current.version)?;
            repo::delete(conn, &principal.actor(), &current, expected)
        })
        .await
}
