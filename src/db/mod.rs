//! Database access: one `MultiConnection` over PostgreSQL and SQLite, an r2d2 pool,
//! and embedded migrations for both backends.

pub mod read_docs;
pub mod schema;
pub mod search_docs;
pub mod unavailable;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::web;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{ApiError, ApiResult};

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    // SQLite last, as diesel's MultiConnection expects.
    Sqlite(SqliteConnection),
}

/// Which backend a `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path, or `:memory:`.
    Sqlite(String),
}

impl DatabaseUrl {
    /// `postgres://…`/`postgresql://…`, `sqlite://path`, `sqlite::memory:` or a plain path.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("DATABASE_URL is empty".to_owned());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(rest) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err("DATABASE_URL 'sqlite://' names no file".to_owned());
            }
            return Ok(Self::Sqlite(rest.to_owned()));
        }
        if raw.contains("://") {
            return Err(format!(
                "DATABASE_URL scheme not supported (use postgres://… or a SQLite path): {}",
                raw.split("://").next().unwrap_or_default()
            ));
        }
        Ok(Self::Sqlite(raw.to_owned()))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    fn is_memory(&self) -> bool {
        matches!(self, Self::Sqlite(path) if path == ":memory:")
    }

    /// The URL without its password, for log lines.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{path}"),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let credentials = &url[scheme_end + 3..at];
                    match credentials.split_once(':') {
                        Some((user, _)) => {
                            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                        }
                        None => url.clone(),
                    }
                }
                _ => url.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn urls_pick_the_backend_and_hide_passwords() {
        assert_eq!(
            DatabaseUrl::parse("data/razem.db"),
            Ok(DatabaseUrl::Sqlite("data/razem.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://x.db"),
            Ok(DatabaseUrl::Sqlite("x.db".into()))
        );
        let pg = DatabaseUrl::parse("postgres://razem:secret@db:5432/razem").unwrap();
        assert_eq!(pg.redacted(), "postgres://razem:***@db:5432/razem");
        let no_password = DatabaseUrl::parse("postgres://razem@db/razem").unwrap();
        assert_eq!(no_password.redacted(), "postgres://razem@db/razem");
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// r2d2 manager that picks the backend from the URL scheme, so a wrong URL reports
/// the real error instead of MultiConnection's "tried every backend".
pub struct ConnectionManager {
    url: DatabaseUrl,
    /// How many lost connections the pool's connections have seen (see [`Health`]).
    losses: Arc<AtomicU64>,
}

/// Watches one PostgreSQL connection's queries for the signs of a lost connection.
/// diesel's own `is_broken` sees only a broken transaction state, so a connection
/// whose server went away (a restart, `pg_terminate_backend`, a network cut) would
/// otherwise go back to the pool and fail the next request too.
struct Health {
    lost: bool,
    /// The value of `losses` when this connection was last known to work.
    checked_at: u64,
    losses: Arc<AtomicU64>,
}

impl Instrumentation for Health {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = event
            && !self.lost
            && unavailable::is_unavailable(error)
        {
            self.lost = true;
            self.losses.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn health(conn: &mut DbConnection) -> Option<&mut Health> {
    conn.instrumentation().downcast_mut::<Health>()
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Every statement razem prepares is an index lookup whose best plan does
                // not depend on the values bound, so plan each once. Left to choose,
                // PostgreSQL keeps re-planning some of them per execution (an `= ANY($1)`
                // over a page's ids), which cost a fifth of its time on list pages
                // (bench/run). No parallel workers either: a generic plan does not know
                // its bound LIMIT, so it would start workers for every page of 50 (7.5 ms
                // instead of 0.2 ms for page 1 of 100 000 positions; 122 pages/s at 64
                // connections in bench/run), and an API's many small queries at once
                // already use every core.
                conn.batch_execute(
                    "SET plan_cache_mode = force_generic_plan; \
                     SET max_parallel_workers_per_gather = 0",
                )?;
                conn.set_instrumentation(Health {
                    lost: false,
                    checked_at: self.losses.load(Ordering::Relaxed),
                    losses: self.losses.clone(),
                });
                Ok(DbConnection::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        Ok(conn.ping()?)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken() || health(conn).is_some_and(|health| health.lost)
    }
}

/// Settings of the pool.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub url: DatabaseUrl,
    pub max_size: u32,
    /// How long a request waits for a free connection, its turn in the queue
    /// included, before it is answered 503.
    pub acquire_timeout: Duration,
}

/// The shared handle handlers use to run queries off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager>,
    /// One permit per pooled connection: requests wait for their turn here, on the
    /// async workers, in arrival order, and only then take a blocking thread. Without
    /// it every waiting request would park a blocking thread in the pool's queue
    /// (threads, stacks and context switches for nothing).
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    acquire_timeout: Duration,
    losses: Arc<AtomicU64>,
    backend: Backend,
    /// SQLite has one writer: write transactions queue here instead of failing with
    /// "database is locked" when a deferred transaction cannot upgrade to a write.
    sqlite_writer: std::sync::Arc<std::sync::Mutex<()>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Db {
    /// Builds the pool without connecting; the first `get` (migrations at start) connects.
    pub fn new(settings: &PoolSettings) -> Result<Self, String> {
        if let DatabaseUrl::Sqlite(path) = &settings.url
            && !settings.url.is_memory()
            && let Some(parent) = Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                format!("cannot create the directory of the SQLite database {path}: {e}")
            })?;
        }
        // An in-memory SQLite database lives and dies with its one connection.
        let max_size = if settings.url.is_memory() {
            1
        } else {
            settings.max_size.max(1)
        };
        let losses = Arc::new(AtomicU64::new(0));
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(if settings.url.is_memory() { 1 } else { 0 }))
            .connection_timeout(settings.acquire_timeout)
            .test_on_check_out(false)
            .build_unchecked(ConnectionManager {
                url: settings.url.clone(),
                losses: losses.clone(),
            });
        let backend = if settings.url.is_postgres() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        Ok(Self {
            pool,
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(max_size as usize)),
            acquire_timeout: settings.acquire_timeout,
            losses,
            backend,
            sqlite_writer: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for work outside a request (CLI, start-up).
    pub fn connection(&self) -> Result<diesel::r2d2::PooledConnection<ConnectionManager>, String> {
        self.pool
            .get()
            .map_err(|e| format!("cannot connect to the database: {e}"))
    }

    /// Runs blocking database work on actix's blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        // One deadline for the whole wait: the turn in the queue and the checkout.
        let deadline = Instant::now() + self.acquire_timeout;
        let permit = tokio::time::timeout_at(
            tokio::time::Instant::from_std(deadline),
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| {
            ApiError::unavailable(format!(
                "no database connection became free within {} s",
                self.acquire_timeout.as_secs()
            ))
        })?
        .map_err(ApiError::unavailable)?;
        let pool = self.pool.clone();
        let losses = self.losses.clone();
        let request_id = crate::request_id::current();
        web::block(move || {
            let _permit = permit;
            crate::request_id::with_thread_request_id(request_id, || {
                let mut conn = checkout(&pool, &losses, deadline)?;
                work(&mut conn)
            })
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Like [`Db::run`], inside one transaction: everything or nothing is written.
    pub async fn transaction<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let writer = (self.backend == Backend::Sqlite).then(|| self.sqlite_writer.clone());
        self.run(move |conn| {
            let _turn = writer
                .as_ref()
                .map(|lock| lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
            conn.transaction(|conn| {
                take_sqlite_write_lock(conn)?;
                let result = work(conn)?;
                before_commit(conn)?;
                Ok(result)
            })
        })
        .await
    }

    /// Is the database reachable now?
    pub async fn ping(&self) -> ApiResult<()> {
        self.run(|conn| conn.ping().map_err(ApiError::unavailable))
            .await
    }
}

/// On SQLite, takes the database's write lock as the transaction's first statement (a
/// no-op write; PostgreSQL needs nothing). The writer lock of [`Db`] orders this
/// process's transactions, but single-statement writes outside them (counters, the
/// webhook worker's claims) and other processes still write: a deferred transaction
/// that had read before one of them committed could not become a writer and would fail
/// at once with `SQLITE_BUSY` ("database is locked"), while a lock taken first waits
/// for them (`busy_timeout`) and reads what they wrote.
fn take_sqlite_write_lock(conn: &mut DbConnection) -> ApiResult<()> {
    if let DbConnection::Sqlite(sqlite) = conn {
        diesel::sql_query("UPDATE __diesel_schema_migrations SET version = version WHERE 0")
            .execute(sqlite)?;
    }
    Ok(())
}

/// What runs at the end of every transaction, before it commits: the read model renders
/// what the transaction's writes changed (`read_model::flush`, installed by the app's
/// assembly: the database layer cannot name the resources above it).
pub type BeforeCommit = fn(&mut DbConnection) -> ApiResult<()>;

static BEFORE_COMMIT: std::sync::OnceLock<BeforeCommit> = std::sync::OnceLock::new();

/// Installs the hook of [`Db::transaction`] (once per process; later calls keep the first).
pub fn set_before_commit(hook: BeforeCommit) {
    let _ = BEFORE_COMMIT.set(hook);
}

/// Runs the installed hook, for transactions opened without [`Db::transaction`] (seeds).
pub fn before_commit(conn: &mut DbConnection) -> ApiResult<()> {
    match BEFORE_COMMIT.get() {
        Some(hook) => hook(conn),
        None => Ok(()),
    }
}

/// A pooled connection, waiting for one until `deadline` at most. A connection made
/// before the latest lost connection is pinged first (once), so that those an outage
/// killed leave the pool here instead of failing a request after the database is back.
fn checkout(
    pool: &Pool<ConnectionManager>,
    losses: &AtomicU64,
    deadline: Instant,
) -> ApiResult<PooledConnection<ConnectionManager>> {
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let mut conn = pool.get_timeout(remaining).map_err(ApiError::unavailable)?;
        let seen = losses.load(Ordering::Relaxed);
        match health(&mut conn) {
            Some(health) if health.checked_at < seen => health.checked_at = seen,
            _ => return Ok(conn),
        }
        if conn.ping().is_ok() {
            return Ok(conn);
        }
        // The failed ping marked it lost: dropping it takes it out of the pool.
    }
}

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let applied = match conn {
        DbConnection::Pg(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| format!("migrations failed: {e}"))?;
    Ok(applied.len())
}

impl From<ConnectError> for ApiError {
    fn from(error: ConnectError) -> Self {
        ApiError::unavailable(error)
    }
}

/// A `LIKE` pattern for "contains `text`" in which `%` and `_` of the text match
/// themselves (use with `.escape('\\')`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Replaces the child rows of one parent: deletes all rows whose `$parent` column is
/// `$id`, then inserts one row per item. Used where a versioned resource stores a list
/// in its own table (topics, partners, attachments …); the parent's write path audits it.
#[macro_export]
macro_rules! replace_rows {
    ($conn:expr, $table:ident::$parent:ident == $id:expr, for $item:pat in $items:expr => $values:expr) => {{
        diesel::delete($table::table.filter($table::$parent.eq($id))).execute($conn)?;
        for $item in $items {
            diesel::insert_into($table::table)
                .values($values)
                .execute($conn)?;
        }
    }};
}

/// Declares a versioned resource's row and its fields from one column list: the row
/// (`Queryable` from `$table`) is `id`, the fields' columns in order, then `version`,
/// `created_at`, `updated_at` (the table's column order); the fields are the writable
/// columns, `Insertable` and `AsChangeset` into `$table` (a declaration adds its own
/// derives, e.g. `Serialize` for the audit record, and `treat_none_as_null`). Also
/// `Fields::from(row)`.
#[macro_export]
macro_rules! versioned_row {
    (
        $(#[$row_meta:meta])* row $row:ident in $table:ident,
        $(#[$fields_meta:meta])* fields $fields:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$row_meta])*
        #[derive(Debug, Clone, diesel::Queryable, diesel::Identifiable)]
        #[diesel(table_name = $table)]
        pub struct $row {
            pub id: i64,
            $(pub $field: $ty,)*
            pub version: i64,
            pub created_at: chrono::NaiveDateTime,
            pub updated_at: chrono::NaiveDateTime,
        }

        #[derive(Debug, Clone, diesel::Insertable, diesel::AsChangeset)]
        #[diesel(table_name = $table)]
        $(#[$fields_meta])*
        pub struct $fields {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl From<$row> for $fields {
            fn from(row: $row) -> Self {
                $fields { $($field: row.$field,)* }
            }
        }

        impl From<&$row> for $fields {
            fn from(row: &$row) -> Self {
                Self::from(row.clone())
            }
        }
    };
}

/// Declares a row that a versioned resource keeps under it (an adoption, a reply) and its
/// insert form from one column list: the row (`Queryable`) is `id`, then the columns in
/// order; the insert form is the columns (a declaration adds its own derives, and field
/// attributes such as `#[serde(skip)]` apply to it only).
#[macro_export]
macro_rules! child_row {
    (
        $(#[$row_meta:meta])* row $row:ident in $table:ident,
        $(#[$new_meta:meta])* new $new:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$row_meta])*
        #[derive(Debug, Clone, diesel::Queryable)]
        #[diesel(table_name = $table)]
        pub struct $row {
            pub id: i64,
            $(pub $field: $ty,)*
        }

        #[derive(Debug, diesel::Insertable)]
        #[diesel(table_name = $table)]
        $(#[$new_meta])*
        pub struct $new {
            $($(#[$field_meta])* pub $field: $ty,)*
        }
    };
}
