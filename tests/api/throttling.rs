//! Sign-in limits under concurrency and across instances, the hash work every sign-in
//! path does, and the per-instance bound of API-token limits (issue 13).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use futures_util::future::join_all;
use razem::db::schema::{audit_log, throttle_counters, users};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, TestResponse, spawn_app_with, spawn_instance_of};

/// A sign-in request from its own client address (so the account's limit is what stops it).
fn sign_in(email: &str, password: &str, client: u32) -> TestRequest {
    let [_, _, high, low] = client.to_be_bytes();
    TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr(std::net::SocketAddr::from(([10, 9, high, low], 40_000)))
        .set_json(json!({"email": email, "password": password}))
}

fn failed_sign_ins(db: &razem::db::Db) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("login_failed"))
        .count()
        .get_result(&mut db.connection().unwrap())
        .unwrap()
}

/// The 401s and 429s among `responses`; anything else fails the test.
fn tally(responses: &[TestResponse]) -> (usize, usize) {
    let (mut unauthorized, mut limited) = (0, 0);
    for response in responses {
        match response.status().as_u16() {
            401 => {
                response.assert_problem(401, "invalid_credentials");
                unauthorized += 1;
            }
            429 => {
                response.assert_problem(429, "rate_limited");
                let wait: u64 = response
                    .header("retry-after")
                    .expect("Retry-After on a 429")
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&wait), "Retry-After {wait}");
                limited += 1;
            }
            other => panic!("unexpected {other}: {}", response.text()),
        }
    }
    (unauthorized, limited)
}

#[actix_web::test]
async fn concurrent_bad_passwords_get_at_most_the_limit_of_401s() {
    let app = spawn_app_with(|config| config.login_max_failures = 10).await;
    app.user("target@example.org", Role::Viewer, &[]).await;
    // Sixty guesses in flight at once, each from another address: before, every one was
    // checked against the limit before any had been counted, and 40 got a real 401.
    let responses =
        join_all((0..60).map(|n| app.send(sign_in("target@example.org", "a wrong password!", n))))
            .await;
    let (unauthorized, limited) = tally(&responses);
    assert_eq!(unauthorized, 10, "exactly the limit was verified");
    assert_eq!(limited, 50);
    assert_eq!(
        failed_sign_ins(&app.db),
        10,
        "one audit row per verified guess"
    );
    // The right password is refused too until the window ends.
    app.send(sign_in("target@example.org", PASSWORD, 99))
        .await
        .assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn a_successful_sign_in_refunds_its_attempt() {
    let app = spawn_app_with(|config| config.login_max_failures = 3).await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    for n in 0..2 {
        app.send(sign_in("someone@example.org", "a wrong password!", n))
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let success = app.send(sign_in("someone@example.org", PASSWORD, 2)).await;
    assert_eq!(success.status(), StatusCode::OK, "{}", success.text());
    // Two failures are counted, not three: one more may be verified.
    app.send(sign_in("someone@example.org", "a wrong password!", 3))
        .await
        .assert_problem(401, "invalid_credentials");
    app.send(sign_in("someone@example.org", "a wrong password!", 4))
        .await
        .assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn every_sign_in_path_does_the_hash_work() {
    let app = spawn_app_with(|_| {}).await;
    let (leaving, _) = app.user("leaving@example.org", Role::Viewer, &[]).await;
    let (broken, _) = app.user("broken@example.org", Role::Viewer, &[]).await;
    app.as_admin()
        .patch(format!("/api/v1/users/{leaving}"))
        .json(json!({"active": false}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    app.with_conn(|conn| {
        diesel::update(users::table.find(broken))
            .set(users::password_hash.eq("not an argon2 hash"))
            .execute(conn)
            .unwrap()
    });
    // A deactivated account answered in 0.9 ms against 19 ms: it skipped argon2. Each
    // failing path must now run one verification (against a fixed dummy hash when there
    // is no usable one). The counter is per process: other tests can only add to it.
    for (email, password, case) in [
        (
            "admin@example.org",
            "a wrong password!",
            "active, wrong password",
        ),
        ("nobody@example.org", PASSWORD, "unknown account"),
        (
            "leaving@example.org",
            PASSWORD,
            "deactivated, right password",
        ),
        (
            "leaving@example.org",
            "a wrong password!",
            "deactivated, wrong password",
        ),
        ("broken@example.org", PASSWORD, "unusable stored hash"),
    ] {
        let before = razem::auth::password::verifications();
        app.send(sign_in(email, password, 1))
            .await
            .assert_problem(401, "invalid_credentials");
        assert!(
            razem::auth::password::verifications() > before,
            "{case}: no argon2 verification ran"
        );
    }
}

#[actix_web::test]
async fn the_login_limit_holds_across_two_instances() {
    let limit = |config: &mut razem::config::Config| config.login_max_failures = 4;
    let first = spawn_app_with(limit).await;
    let second = spawn_instance_of(&first, limit).await;
    first.user("shared@example.org", Role::Viewer, &[]).await;
    for n in 0..4 {
        let response = if n % 2 == 0 {
            first.send(sign_in("shared@example.org", "wrong!", n)).await
        } else {
            second
                .send(sign_in("shared@example.org", "wrong!", n))
                .await
        };
        response.assert_problem(401, "invalid_credentials");
    }
    // Each instance has seen two failures only; in memory, each would let two more through.
    first
        .send(sign_in("shared@example.org", "wrong!", 10))
        .await
        .assert_problem(429, "rate_limited");
    second
        .send(sign_in("shared@example.org", "wrong!", 11))
        .await
        .assert_problem(429, "rate_limited");

    // Concurrent guesses spread over both instances: the limit once, not once per instance.
    first.user("other@example.org", Role::Viewer, &[]).await;
    let (first, second) = (&first, &second);
    let guesses = (0..40).map(|n| async move {
        let request = sign_in("other@example.org", "wrong!", 100 + n);
        if n % 2 == 0 {
            first.send(request).await
        } else {
            second.send(request).await
        }
    });
    let responses = join_all(guesses).await;
    let (unauthorized, limited) = tally(&responses);
    assert_eq!((unauthorized, limited), (4, 36));
    assert_eq!(failed_sign_ins(&first.db), 8);
}

#[actix_web::test]
async fn ended_windows_are_pruned_and_no_address_is_stored() {
    let app = spawn_app_with(|_| {}).await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    let now = chrono::Utc::now().timestamp_millis();
    for (key, started, attempts) in [
        ("ended long ago", now - 3_600_000, 7),
        ("ended a minute ago", now - 61_000, 1),
        ("current", now - 1_000, 2),
    ] {
        app.with_conn(|conn| {
            diesel::insert_into(throttle_counters::table)
                .values((
                    throttle_counters::key.eq(key),
                    throttle_counters::window_start_ms.eq(started),
                    throttle_counters::attempts.eq(attempts),
                ))
                .execute(conn)
                .unwrap()
        });
    }
    // The first instance pruned on its first attempt and waits a window before the next;
    // a newly started instance prunes on its first.
    let other = spawn_instance_of(&app, |_| {}).await;
    other
        .send(sign_in("sprayed@example.org", "wrong!", 1))
        .await
        .assert_problem(401, "invalid_credentials");
    let keys: Vec<String> = app.with_conn(|conn| {
        throttle_counters::table
            .select(throttle_counters::key)
            .order(throttle_counters::key)
            .load(conn)
            .unwrap()
    });
    assert!(keys.contains(&"current".to_owned()), "{keys:?}");
    assert!(
        !keys.iter().any(|k| k.starts_with("ended")),
        "ended windows are deleted: {keys:?}"
    );
    assert!(
        keys.iter()
            .filter(|k| *k != "current")
            .all(|k| k.len() == 64 && k.chars().all(|c| c.is_ascii_hexdigit())),
        "counters are keyed by a hash, not an e-mail or address: {keys:?}"
    );
}

#[actix_web::test]
async fn token_request_limits_are_per_instance() {
    let limit = |config: &mut razem::config::Config| config.token_rate_limit = 3;
    let first = spawn_app_with(limit).await;
    let second = spawn_instance_of(&first, limit).await;
    first.seed_demo();
    let admin = first.admin().await;
    let opos = first.id_of("opos").await;
    let secret = first.api_token(&admin, opos, &["associations:read"]).await;
    // Documented bound (README, src/throttle.rs): each instance counts its own, so N
    // instances let a token make at most N × RAZEM_TOKEN_RATE_LIMIT requests a minute.
    for app_served in [
        first
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
        first
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
        first
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
        second
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
        second
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
        second
            .with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await,
    ] {
        assert_eq!(app_served.status(), StatusCode::OK, "{}", app_served.text());
    }
    first
        .with_token(&secret)
        .get("/api/v1/associations/opos")
        .send()
        .await
        .assert_problem(429, "rate_limited");
    second
        .with_token(&secret)
        .get("/api/v1/associations/opos")
        .send()
        .await
        .assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let proxy = std::net::IpAddr::from([10, 0, 0, 1]);
    let app = spawn_app_with(|config| {
        config.login_max_failures = 2;
        config.trusted_proxies = vec![proxy];
    })
    .await;
    let attempt = |peer: [u8; 4], forwarded: &str, n: u32| {
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .peer_addr(std::net::SocketAddr::from((peer, 40_000)))
            .insert_header(("X-Forwarded-For", forwarded.to_owned()))
            .set_json(json!({"email": format!("nobody{n}@example.org"), "password": "wrong!"}))
    };
    // An untrusted peer cannot spread its guesses over invented addresses.
    for n in 0..2 {
        app.send(attempt([192, 0, 2, 50], &format!("198.51.100.{n}"), n))
            .await
            .assert_problem(401, "invalid_credentials");
    }
    app.send(attempt([192, 0, 2, 50], "198.51.100.9", 2))
        .await
        .assert_problem(429, "rate_limited");
    // Behind the proxy, each client has its own budget, and the nearest untrusted
    // address counts: what a client prepends to the header is ignored.
    for n in 10..12 {
        app.send(attempt(
            [10, 0, 0, 1],
            &format!("1.2.3.{n}, 203.0.113.7"),
            n,
        ))
        .await
        .assert_problem(401, "invalid_credentials");
    }
    app.send(attempt([10, 0, 0, 1], "203.0.113.7", 12))
        .await
        .assert_problem(429, "rate_limited");
    app.send(attempt([10, 0, 0, 1], "203.0.113.8", 13))
        .await
        .assert_problem(401, "invalid_credentials");
}
