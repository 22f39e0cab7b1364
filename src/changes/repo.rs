//! The feed's queries: numbering (PostgreSQL) and reading.

use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::DbConnection;
use crate::db::schema::changes;
use crate::error::ApiResult;

#[derive(Debug, Clone, Queryable)]
pub struct ChangeRow {
    pub id: i64,
    pub seq: Option<i64>,
    pub txid: i64,
    pub object_type: String,
    pub object_id: i64,
    pub parent_id: Option<i64>,
    pub action: String,
    pub public_action: Option<String>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub occurred_at: chrono::NaiveDateTime,
}

/// The advisory lock that makes one sequencer run at a time across all instances.
const SEQUENCER_LOCK: i64 = 0x7A65_6D5F_6665_6564; // "zem_feed"

/// Numbers the events whose transactions have ended (PostgreSQL; SQLite numbers them at
/// insert, see its migration).
///
/// Why this cannot skip: a row is numbered only when its transaction id is below
/// `pg_snapshot_xmin` of the numbering statement's snapshot, i.e. older than every
/// transaction still running. Such a transaction has committed (its row is visible) or
/// rolled back (its row never existed), and every transaction still to write gets a
/// newer id, so the set of rows below the horizon is final. Numbering runs under one
/// transaction-level advisory lock and continues from the highest committed number,
/// so numbers are handed out in the order they become visible: once a reader has seen
/// `seq = n`, every row it has not seen gets a number above `n`. A caller that finds
/// the lock taken leaves the numbering to its holder (reads never wait for it).
pub fn sequence(conn: &mut DbConnection) -> ApiResult<()> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(());
    };
    pg.transaction(|pg| {
        let locked: bool = diesel::select(diesel::dsl::sql::<Bool>(&format!(
            "pg_try_advisory_xact_lock({SEQUENCER_LOCK})"
        )))
        .get_result(pg)?;
        if locked {
            diesel::sql_query(
                "WITH ready AS ( \
                     SELECT id, row_number() OVER (ORDER BY id) AS n FROM changes \
                     WHERE seq IS NULL \
                       AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint), \
                 base AS (SELECT COALESCE(MAX(seq), 0) AS m FROM changes) \
                 UPDATE changes SET seq = base.m + ready.n FROM ready, base \
                 WHERE changes.id = ready.id",
            )
            .execute(pg)?;
        }
        diesel::QueryResult::Ok(())
    })?;
    Ok(())
}

/// The highest number handed out so far (0 when none).
pub fn high_water(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(changes::table
        .select(diesel::dsl::max(changes::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// What a caller's page may hold.
pub struct Visible<'a> {
    /// Only these types (`None`: every type).
    pub types: Option<&'a [&'static str]>,
    /// Besides what is public, what these organizations see unpublished (`None`:
    /// everything, for administrators).
    pub insiders: Option<&'a [i64]>,
}

/// The numbered events after `after` that `visible` lets through, oldest first.
pub fn page(
    conn: &mut DbConnection,
    after: i64,
    visible: &Visible<'_>,
    limit: i64,
) -> ApiResult<Vec<ChangeRow>> {
    let mut query = changes::table
        .filter(changes::seq.gt(after))
        .order(changes::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(types) = visible.types {
        query = query.filter(changes::object_type.eq_any(types.to_vec()));
    }
    if let Some(insiders) = visible.insiders {
        query = query.filter(
            changes::public_action
                .is_not_null()
                .or(changes::owner_id.eq_any(insiders.to_vec())),
        );
    }
    Ok(query.load(conn)?)
}
