//! Reading the feed: what this caller may see, the page, the cursor that follows it.

use super::dto::{Change, ChangeAction, ChangePage};
use super::repo::{self, ChangeRow, Visible};
use super::types;
use crate::auth::Principal;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::AppState;
use crate::pagination::{Cursor, DEFAULT_LIMIT};

/// The sort name the feed's cursors carry.
const SORT: &str = "seq";

/// The types and organizations a caller's feed shows, read from its principal now (a
/// change of its role or scopes applies to the whole feed, old events included).
struct Reader {
    /// `None`: every type (administrators).
    types: Option<Vec<&'static str>>,
    /// `None`: every change as it happened (administrators).
    insiders: Option<Vec<i64>>,
}

impl Reader {
    fn of(principal: &Principal) -> Self {
        let readable = |may: &dyn Fn(types::Access) -> bool| {
            types::TYPES
                .iter()
                .filter(|t| may(t.access))
                .map(|t| t.name)
                .collect()
        };
        match principal {
            Principal::User(user) if user.role == Role::Admin => Reader {
                types: None,
                insiders: None,
            },
            Principal::User(user) => Reader {
                types: Some(readable(&|access| access != types::Access::Admins)),
                insiders: Some(if user.role == Role::Editor {
                    user.associations.clone()
                } else {
                    Vec::new()
                }),
            },
            Principal::Token(token) => Reader {
                types: Some(readable(&|access| access.lets_token(&token.scopes))),
                insiders: Some(vec![token.organization_id]),
            },
            Principal::Anonymous => Reader {
                types: Some(readable(&|access| access != types::Access::Admins)),
                insiders: Some(Vec::new()),
            },
        }
    }

    /// Narrows to the `types` the caller asked for: an unknown name is 400, a type it
    /// may not read is 403.
    fn only(mut self, principal: &Principal, requested: Option<&str>) -> ApiResult<Self> {
        let Some(requested) = requested else {
            return Ok(self);
        };
        let mut wanted = Vec::new();
        for name in requested.split(',').map(str::trim) {
            let Some(known) = types::find(name) else {
                return Err(ApiError::new(
                    Code::InvalidQuery,
                    format!(
                        "types: '{name}' is not a type of the feed (one of: {})",
                        types::names().join(", ")
                    ),
                ));
            };
            if self
                .types
                .as_ref()
                .is_some_and(|t| !t.contains(&known.name))
            {
                return Err(match (principal, known.access) {
                    (Principal::Token(_), types::Access::Scope(scope)) => ApiError::new(
                        Code::InsufficientScope,
                        format!("this API token lacks the scope '{scope}' to read '{name}'"),
                    ),
                    _ => ApiError::forbidden(format!(
                        "only administrators may follow the changes of '{name}'"
                    )),
                });
            }
            wanted.push(known.name);
        }
        self.types = Some(wanted);
        Ok(self)
    }

    /// The action this caller sees, `None` for an event it may not see.
    fn action(&self, row: &ChangeRow) -> Option<ChangeAction> {
        let insider = match &self.insiders {
            None => true,
            Some(ids) => row.owner_id.is_some_and(|owner| ids.contains(&owner)),
        };
        if insider {
            parse_action(&row.action)
        } else {
            parse_action(row.public_action.as_deref()?)
        }
    }
}

pub fn parse_action(stored: &str) -> Option<ChangeAction> {
    match stored {
        "created" => Some(ChangeAction::Created),
        "updated" => Some(ChangeAction::Updated),
        "deleted" => Some(ChangeAction::Deleted),
        _ => None,
    }
}

/// A numbered event as the feed (and a webhook) shows it with `action`.
pub fn render(row: &ChangeRow, action: ChangeAction) -> Option<Change> {
    Some(Change {
        seq: row.seq?,
        action,
        object_type: row.object_type.clone(),
        id: row.object_id,
        version: row.version,
        occurred_at: crate::time::to_utc(row.occurred_at),
        url: types::url(&row.object_type, row.object_id, row.parent_id),
    })
}

/// `GET /changes`: the page after `cursor` and the cursor after it.
pub async fn list(
    state: &AppState,
    principal: Principal,
    cursor: Option<String>,
    limit: Option<i64>,
    requested_types: Option<String>,
) -> ApiResult<ChangePage> {
    let after = match cursor.as_deref() {
        Some(raw) => Cursor::decode(raw, SORT)?.id,
        None => 0,
    };
    let reader = Reader::of(&principal).only(&principal, requested_types.as_deref())?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    state
        .run(move |conn| {
            repo::sequence(conn)?;
            // Read before the page: every event numbered up to here is in the page's
            // snapshot, so a short page may move the cursor this far.
            let high_water = repo::high_water(conn)?;
            let rows = repo::page(
                conn,
                after,
                &Visible {
                    types: reader.types.as_deref(),
                    insiders: reader.insiders.as_deref(),
                },
                limit,
            )?;
            let last = rows.last().and_then(|row| row.seq).unwrap_or(after);
            let next = if rows.len() as i64 == limit {
                last
            } else {
                last.max(high_water).max(after)
            };
            let items = rows
                .iter()
                .filter_map(|row| render(row, reader.action(row)?))
                .collect();
            Ok(ChangePage {
                items,
                next_cursor: Cursor {
                    sort: SORT.into(),
                    key: None,
                    id: next,
                }
                .encode(),
            })
        })
        .await
}
