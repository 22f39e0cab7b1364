//! The change feed's event of a versioned write, appended in the write's own
//! transaction (a rolled-back write leaves no event). Readers are in `crate::changes`.
//!
//! Who may see the event is decided here, once, from the row before and after the
//! write, and stored with it: `action` for those who may see the object unpublished
//! (administrators, the owner organization's editors and tokens), `public_action` for
//! everyone else. A draft's changes have no `public_action`; the write that publishes
//! it is `created` for the public; one that takes it back from the public is
//! `deleted`. Deciding at write time keeps the feed one index range scan per page and
//! keeps tombstones and draft history right after the object has changed or gone;
//! only the caller's side (its role, associations, scopes) is looked at when reading.

use diesel::prelude::*;

use super::versioned::Versioned;
use crate::db::DbConnection;
use crate::db::schema::changes;
use crate::error::ApiResult;

/// Who may see an object: decided per row by its resource (`versioned_table!`'s
/// `audience = …`); public by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    /// Does everyone who may read the type see it?
    pub public: bool,
    /// The organization whose editors and tokens see it even when it is not public.
    pub owner: Option<i64>,
}

impl Audience {
    pub const PUBLIC: Audience = Audience {
        public: true,
        owner: None,
    };

    /// An object of `owner` that others see only once `published`.
    pub fn draft_of(owner: i64, published: bool) -> Self {
        Audience {
            public: published,
            owner: Some(owner),
        }
    }
}

/// What happened to the object, as the feed names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedAction {
    Created,
    Updated,
    Deleted,
}

impl FeedAction {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedAction::Created => "created",
            FeedAction::Updated => "updated",
            FeedAction::Deleted => "deleted",
        }
    }

    /// What the public sees of a change that took the object from `was` to `is`
    /// public: nothing while it stays hidden.
    fn public(self, was: bool, is: bool) -> Option<FeedAction> {
        match (was, is) {
            (false, true) => Some(FeedAction::Created),
            (true, true) => Some(self),
            (true, false) => Some(FeedAction::Deleted),
            (false, false) => None,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = changes)]
struct NewChange<'a> {
    object_type: &'a str,
    object_id: i64,
    parent_id: Option<i64>,
    action: &'a str,
    public_action: Option<&'a str>,
    owner_id: Option<i64>,
    version: i64,
    occurred_at: chrono::NaiveDateTime,
}

/// Appends the event of a write that took the object from `before` to `after` (`None`:
/// it did not exist, or no longer does). `txid` (PostgreSQL) is the column's default;
/// `seq` is given later by the sequencer (PostgreSQL) or the insert trigger (SQLite).
pub(super) fn emit<T: Versioned>(
    conn: &mut DbConnection,
    action: FeedAction,
    before: Option<&T::Row>,
    after: Option<&T::Row>,
) -> ApiResult<()> {
    let Some(row) = after.or(before) else {
        return Ok(());
    };
    let was = before.is_some_and(|row| T::audience(row).public);
    let is = after.is_some_and(|row| T::audience(row).public);
    let public_action = action.public(was, is);
    let owner = T::audience(row).owner;
    let now = crate::time::now();
    let change_id = diesel::insert_into(changes::table)
        .values(NewChange {
            object_type: T::OBJECT,
            object_id: T::id(row),
            parent_id: T::parent(row),
            action: action.as_str(),
            public_action: public_action.map(FeedAction::as_str),
            owner_id: owner,
            version: T::version(row),
            occurred_at: now,
        })
        .returning(changes::id)
        .get_result::<i64>(conn)?;
    fan_out(
        conn,
        change_id,
        T::OBJECT,
        action,
        public_action,
        owner,
        now,
    )
}

/// Writes the webhook deliveries of a change, in its transaction (the outbox): to the
/// owner's subscriptions what insiders see, to every other subscription what the
/// public sees, each only if the subscription wants the type and that action.
fn fan_out(
    conn: &mut DbConnection,
    change_id: i64,
    object_type: &str,
    action: FeedAction,
    public_action: Option<FeedAction>,
    owner: Option<i64>,
    now: chrono::NaiveDateTime,
) -> ApiResult<()> {
    use crate::db::schema::webhook_deliveries as d;
    use crate::db::schema::webhooks as w;
    use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
    let wants_type = format!("%,{},%", object_type.replace('_', "\\_"));
    let columns = (
        d::webhook_id,
        d::change_id,
        d::event,
        d::action,
        d::status,
        d::attempts,
        d::next_attempt_at,
        d::created_at,
    );
    let values = |action: FeedAction| {
        (
            w::id,
            Some(change_id).into_sql::<Nullable<BigInt>>(),
            "change".into_sql::<Text>(),
            Some(action.as_str()).into_sql::<Nullable<Text>>(),
            "pending".into_sql::<Text>(),
            0.into_sql::<Integer>(),
            now.into_sql::<Timestamp>(),
            now.into_sql::<Timestamp>(),
        )
    };
    let wants_action = |action: FeedAction| format!("%,{},%", action.as_str());
    if let Some(owner) = owner {
        let targets = w::table
            .filter(w::active)
            .filter(w::organization_id.eq(owner))
            .filter(w::types.like(wants_type.clone()).escape('\\'))
            .filter(w::actions.like(wants_action(action)))
            .select(values(action));
        diesel::insert_into(d::table)
            .values(targets)
            .into_columns(columns)
            .execute(conn)?;
    }
    if let Some(public_action) = public_action {
        // Ids start at 1: `<> 0` is every organization.
        let targets = w::table
            .filter(w::active)
            .filter(w::organization_id.ne(owner.unwrap_or(0)))
            .filter(w::types.like(wants_type).escape('\\'))
            .filter(w::actions.like(wants_action(public_action)))
            .select(values(public_action));
        diesel::insert_into(d::table)
            .values(targets)
            .into_columns(columns)
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FeedAction::*;

    #[test]
    fn the_public_sees_a_draft_appear_when_it_is_published() {
        assert_eq!(Created.public(false, false), None);
        assert_eq!(Updated.public(false, false), None);
        assert_eq!(Updated.public(false, true), Some(Created));
        assert_eq!(Updated.public(true, true), Some(Updated));
        assert_eq!(Updated.public(true, false), Some(Deleted));
        assert_eq!(Deleted.public(true, false), Some(Deleted));
        assert_eq!(Deleted.public(false, false), None);
        assert_eq!(Created.public(false, true), Some(Created));
    }
}
