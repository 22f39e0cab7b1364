//! Database faults: lost connections and a busy pool answer 503 problem+json with
//! `Retry-After`, never 500, and the service recovers by itself.

use std::time::Duration;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{spawn_app_with, spawn_instance_of};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Ends every session of the test database from outside, as a PostgreSQL restart
/// or an administrator's `pg_terminate_backend` would (SQLSTATE 57P01 to each).
fn terminate_sessions(database: &str) {
    let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let mut admin = PgConnection::establish(&admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT count(pg_terminate_backend(pid, 5000))::text AS name \
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind::<diesel::sql_types::Text, _>(database)
    .load::<Name>(&mut admin)
    .expect("terminate the sessions");
}

#[actix_web::test]
async fn lost_connections_are_503_and_replaced() {
    // One connection: none can still be on its way into the pool when the sessions end.
    let app = spawn_app_with(|config| config.pool.max_size = 1).await;
    if app.db.backend() != razem::db::Backend::Postgres {
        return; // SQLite has no server to lose.
    }
    // Signed in now: signing in inside the concurrent requests would wait for the one connection.
    app.admin().await;
    // The pooled connection has prepared statements.
    let (a, b, c) = futures_util::future::join3(
        app.anonymous().get("/api/v1/organizations").send(),
        app.as_admin().get("/api/v1/organizations").send(),
        app.anonymous().get("/health/ready").send(),
    )
    .await;
    for response in [a, b, c] {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
    }
    let database = app.with_conn(|conn| {
        diesel::sql_query("SELECT current_database()::text AS name")
            .get_result::<Name>(conn)
            .expect("current database")
            .name
    });

    // The pooled connection is dead now: the first request meets it.
    terminate_sessions(&database);
    let lost = app.anonymous().get("/api/v1/organizations").send().await;
    lost.assert_problem(503, "service_unavailable");
    assert!(lost.header("retry-after").is_some());
    // The dead connection left the pool: the database is up, so the next request works.
    app.anonymous()
        .get("/api/v1/organizations")
        .send()
        .await
        .assert_status(200);
    app.anonymous()
        .get("/health/ready")
        .send()
        .await
        .assert_status(200);

    // A write on a dead connection is 503 and leaves nothing behind.
    let (a, b) = futures_util::future::join(
        app.anonymous().get("/api/v1/organizations").send(),
        app.as_admin().get("/api/v1/organizations?q=x").send(),
    )
    .await;
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    terminate_sessions(&database);
    let write = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Fundacja Utraconego Połączenia", "kind": "ngo"}))
        .send()
        .await;
    write.assert_problem(503, "service_unavailable");
    let listed = app
        .as_admin()
        .get("/api/v1/organizations?q=utraconego")
        .send()
        .await
        .assert_status(200);
    assert_eq!(listed.json()["items"], json!([]), "{}", listed.text());
}

/// The wait for a connection, the queue for a pool slot included, is bounded by
/// `RAZEM_DB_TIMEOUT` as a whole. The delays below leave half a second either way:
/// the request queues behind two others for 2 s of its 2.5 s, and a connection frees
/// only at 3 s, so a bound restarted after the queue (2 + 2 s) would wait for it and
/// answer 200.
#[actix_web::test]
async fn the_timeout_covers_the_queue_and_the_pool() {
    let app = spawn_app_with(|config| {
        config.pool.max_size = 2;
        config.pool.acquire_timeout = Duration::from_secs(2);
    })
    .await;
    // Both connections are taken outside the request queue (as the CLI would).
    let db = app.db.clone();
    let (taken_tx, taken_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let first = db.connection().expect("a connection");
        let second = db.connection().expect("a second connection");
        taken_tx.send(()).expect("signal");
        std::thread::sleep(Duration::from_secs(3));
        drop((first, second));
    });
    taken_rx.recv().expect("the connections are taken");

    let queued = async {
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        app.anonymous().get("/api/v1/organizations").send().await
    };
    let (first, second, last) = futures_util::future::join3(
        app.anonymous().get("/api/v1/organizations").send(),
        app.anonymous().get("/health/ready").send(),
        queued,
    )
    .await;
    first.assert_problem(503, "service_unavailable");
    second.assert_problem(503, "service_unavailable");
    last.assert_problem(503, "service_unavailable");
    assert!(last.header("retry-after").is_some());
    holder.join().expect("the holder thread");
    app.anonymous()
        .get("/api/v1/organizations")
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn a_sqlite_file_locked_by_another_process_is_503_not_500() {
    let app = spawn_app_with(|_| {}).await;
    if app.db.backend() != razem::db::Backend::Sqlite {
        return; // PostgreSQL has row locks, not a file lock.
    }
    app.admin().await;
    // Another process (a backup, a second instance on the same file) holds the write lock.
    let mut other = diesel::SqliteConnection::establish(&app.database_url).expect("open the file");
    diesel::sql_query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .expect("take the write lock");

    // The write cannot take the lock: 503 with Retry-After, not 500.
    let locked = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Gmina Czekająca", "kind": "jst"}))
        .send()
        .await;
    locked.assert_problem(503, "service_unavailable");
    assert!(locked.header("retry-after").is_some());

    diesel::sql_query("ROLLBACK")
        .execute(&mut other)
        .expect("release the lock");
    app.as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Gmina Czekająca", "kind": "jst"}))
        .send()
        .await
        .assert_status(201);
}

#[actix_web::test]
async fn writers_of_two_instances_on_one_sqlite_file_wait_for_each_other() {
    // Two instances share the file but not the in-process writer lock, as two processes
    // would: each transaction must take the file's write lock before it reads.
    let first = spawn_app_with(|_| {}).await;
    let second = spawn_instance_of(&first, |_| {}).await;
    first.admin().await;
    let requests = (0..24).map(|n| {
        let app = if n % 2 == 0 { &first } else { &second };
        async move {
            app.as_admin()
                .post("/api/v1/organizations")
                .json(json!({"name": format!("Gmina Równoległa {n}"), "kind": "ngo"}))
                .send()
                .await
        }
    });
    let answers = futures_util::future::join_all(requests).await;
    for answer in &answers {
        assert_eq!(answer.status(), StatusCode::CREATED, "{}", answer.text());
    }
}
