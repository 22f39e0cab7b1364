//! The use cases of partner API tokens: the list, one token, issue and revoke.

use chrono::NaiveDateTime;
use rand::Rng;
use rand::distr::Alphanumeric;

use super::dto::{ApiToken, CreateToken, TokenListQuery};
use super::model::{TokenFields, TokenRow};
use super::repo::{self, TokenFilter, Tokens};
use crate::auth::credentials::{TOKEN_PREFIX, hash_secret};
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::edit::{Guard, Held};
use crate::error::{ApiError, ApiResult};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::dto::OrganizationSummary;
use crate::organizations::service::Summaries;
use crate::pagination::{ById, Cursor, PageRequest};
use crate::write::{self, Action, Actor};

/// A fresh secret from the operating system's CSPRNG-seeded generator: `rzm_` + 40 alphanumerics.
pub fn new_secret() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("{TOKEN_PREFIX}{random}")
}

fn to_dto(row: TokenRow, organization: OrganizationSummary) -> ApiResult<ApiToken> {
    Ok(ApiToken {
        scopes: Scope::parse_list(&row.scopes).map_err(ApiError::internal)?,
        id: row.id,
        name: row.name,
        organization_id: row.organization_id,
        organization,
        token_prefix: row.token_prefix,
        expires_at: row.expires_at.map(crate::time::to_utc),
        last_used_at: row.last_used_at.map(crate::time::to_utc),
        revoked_at: row.revoked_at.map(crate::time::to_utc),
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    })
}

/// Attaches the organization summaries of a set of tokens with one query.
fn with_organizations(conn: &mut DbConnection, rows: Vec<TokenRow>) -> ApiResult<Vec<ApiToken>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let organizations = Summaries::fetch(conn, ids)?;
    rows.into_iter()
        .map(|row| {
            let organization = organizations.get(row.organization_id)?;
            to_dto(row, organization)
        })
        .collect()
}

fn with_organization(conn: &mut DbConnection, row: TokenRow) -> ApiResult<ApiToken> {
    with_organizations(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("token vanished"))
}

/// `GET /tokens`.
pub(crate) struct TokenList(TokenFilter);

crate::listing! {
    TokenList: ById, TokenRow => ApiToken;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = with_organizations(conn, rows);
}

/// Administrators list every token, editors those of their associations.
pub(crate) fn list_request(
    principal: &Principal,
    query: TokenListQuery,
) -> ApiResult<(TokenList, PageRequest<ById>)> {
    let organizations = policy::token_organizations(principal)?;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    let filter = TokenFilter {
        organizations,
        organization_id: query.organization_id,
        include_inactive: query.include_inactive.unwrap_or(false),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((TokenList(filter), page))
}

pub struct NewTokenData {
    pub name: String,
    pub organization_id: i64,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<NaiveDateTime>,
}

/// Stores a new token and returns it with its secret (the only time it exists in
/// clear); call inside a transaction. The command line issues tokens through it too.
pub fn issue(
    conn: &mut DbConnection,
    actor: &Actor,
    data: NewTokenData,
) -> ApiResult<(TokenRow, String)> {
    if crate::organizations::repo::find(conn, data.organization_id)?.is_none() {
        return Err(ApiError::invalid_field(
            "organization_id",
            "unknown_organization",
            format!("organization {} does not exist", data.organization_id),
        ));
    }
    let mut scopes: Vec<&str> = data.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let secret = new_secret();
    let fields = TokenFields {
        name: data.name.trim().to_owned(),
        organization_id: data.organization_id,
        token_prefix: secret.chars().take(TOKEN_PREFIX.len() + 4).collect(),
        token_hash: hash_secret(&secret),
        scopes: scopes.join(" "),
        expires_at: data.expires_at,
        revoked_at: None,
        created_by_user_id: actor.user_id,
    };
    let snapshot = serde_json::json!({
        "name": fields.name, "organization_id": fields.organization_id,
        "scopes": scopes, "expires_at": fields.expires_at,
    });
    let row = write::create_as::<Tokens>(conn, actor, Action::Issue, &fields, &snapshot)?;
    Ok((row, secret))
}

/// Issues a token for an organization the principal manages tokens of; the expiry
/// lies in the future.
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    body: CreateToken,
) -> ApiResult<(ApiToken, String)> {
    policy::can_manage_tokens_of(principal, body.organization_id)?;
    if body.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
        return Err(ApiError::invalid_field(
            "expires_at",
            "in_the_past",
            "the expiry must lie in the future",
        ));
    }
    let data = NewTokenData {
        name: body.name,
        organization_id: body.organization_id,
        scopes: body.scopes,
        expires_at: body.expires_at.map(|t| t.naive_utc()),
    };
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            let (row, secret) = issue(conn, &actor, data)?;
            Ok((with_organization(conn, row)?, secret))
        })
        .await
}

/// One active token; a revoked one answers 404.
pub(crate) async fn get(state: &AppState, principal: Principal, id: i64) -> ApiResult<ApiToken> {
    state
        .run(move |conn| {
            let row = repo::find(conn, id)?;
            policy::can_manage_tokens_of(&principal, row.organization_id)?;
            if row.revoked_at.is_some() {
                return Err(ApiError::not_found(format!("API token {id} was revoked")));
            }
            with_organization(conn, row)
        })
        .await
}

/// Revokes a token at once; an already revoked token stays as it is.
pub(crate) async fn revoke(
    state: &AppState,
    principal: Principal,
    id: i64,
    if_match: IfMatch,
) -> ApiResult<()> {
    const MANAGED: Guard<Tokens> = Guard {
        load: |conn, _, id| repo::find(conn, id),
        may: |principal, row| policy::can_manage_tokens_of(principal, row.organization_id),
    };
    MANAGED
        .change(state, &principal, (id, if_match), move |conn, held| {
            let Held {
                principal,
                current,
                expected,
            } = held;
            if current.revoked_at.is_some() {
                return Ok(());
            }
            let before = TokenFields::from(&current);
            let after = TokenFields {
                revoked_at: Some(crate::time::now()),
                ..before.clone()
            };
            let changes = write::diff(&before, &after);
            let actor = principal.actor();
            write::update_as::<Tokens>(
                conn,
                &actor,
                Action::Revoke,
                &current,
                expected,
                &after,
                changes,
            )?;
            Ok(())
        })
        .await
}
