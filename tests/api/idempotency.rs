//! `Idempotency-Key` on POST: a replay answers the first response and writes nothing.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use razem::db::schema::{changes, idempotency_keys, organizations};
use razem::domain::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestResponse, spawn_app};

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> TestResponse {
    app.send(
        TestRequest::post()
            .uri("/api/v1/organizations")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .set_json(body),
    )
    .await
}

fn organizations_named(app: &TestApp, name: &str) -> i64 {
    app.with_conn(|conn| {
        organizations::table
            .filter(organizations::name.eq(name))
            .count()
            .get_result(conn)
            .expect("count")
    })
}

#[actix_web::test]
async fn a_repeat_answers_the_first_response_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let body = json!({"name": "Fundacja Raz", "kind": "ngo"});
    let first = post_with_key(&app, &admin, "3f1c-raz", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.header("idempotency-replayed"), None);
    let id = first.json()["id"].as_i64().unwrap();

    let again = post_with_key(&app, &admin, "3f1c-raz", &body).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.content_type(), first.content_type());
    // The quoted form of RFC 8941 is the same key.
    let quoted = post_with_key(&app, &admin, "\"3f1c-raz\"", &body).await;
    assert_eq!(quoted.header("idempotency-replayed"), Some("true"));

    assert_eq!(organizations_named(&app, "Fundacja Raz"), 1);
    assert_eq!(app.audit_count("organization", id), 1);
    app.with_conn(|conn| {
        let events: i64 = changes::table
            .filter(changes::object_type.eq("organization"))
            .filter(changes::object_id.eq(id))
            .count()
            .get_result(conn)
            .expect("count");
        assert_eq!(events, 1);
        let (status, body): (Option<i32>, Option<String>) = idempotency_keys::table
            .filter(idempotency_keys::idem_key.eq("3f1c-raz"))
            .select((idempotency_keys::status, idempotency_keys::body))
            .first(conn)
            .expect("the key is stored");
        assert_eq!(status, Some(201));
        assert_eq!(
            &serde_json::from_str::<Value>(&body.unwrap()).unwrap(),
            first.json()
        );
    });

    // Another request with the key is refused; another caller has keys of its own.
    let other = post_with_key(
        &app,
        &admin,
        "3f1c-raz",
        &json!({"name": "Fundacja Dwa", "kind": "ngo"}),
    )
    .await;
    other.assert_problem(422, "idempotency_key_reused");
    assert_eq!(organizations_named(&app, "Fundacja Dwa"), 0);
    let (_, editor) = app.user("drugi@example.org", Role::Admin, &[]).await;
    let theirs = post_with_key(&app, &editor, "3f1c-raz", &body).await;
    assert_eq!(theirs.status(), StatusCode::CREATED, "{}", theirs.text());
    assert_eq!(theirs.header("idempotency-replayed"), None);
    assert_eq!(organizations_named(&app, "Fundacja Raz"), 2);
}

#[actix_web::test]
async fn failures_are_not_kept_and_keys_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let invalid = post_with_key(&app, &admin, "k-1", &json!({"name": "  ", "kind": "ngo"})).await;
    invalid.assert_problem(422, "validation_failed");
    // The failed request wrote nothing and kept nothing: the corrected one runs.
    let fixed = post_with_key(
        &app,
        &admin,
        "k-1",
        &json!({"name": "Poprawna", "kind": "ngo"}),
    )
    .await;
    assert_eq!(fixed.status(), StatusCode::CREATED, "{}", fixed.text());

    for bad in ["", "\"\"", &"x".repeat(256), "zażółć"] {
        let response = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/organizations")
                    .insert_header(("Authorization", format!("Bearer {admin}")))
                    .insert_header(("Idempotency-Key", bad.as_bytes()))
                    .set_json(json!({"name": "Zła", "kind": "ngo"})),
            )
            .await;
        response.assert_problem(400, "invalid_header");
    }
    assert_eq!(organizations_named(&app, "Zła"), 0);

    // Anonymous requests (sign-in) are not covered: the key is ignored.
    let login = json!({"email": "admin@example.org", "password": crate::helpers::PASSWORD});
    for _ in 0..2 {
        let response = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/auth/login")
                    .insert_header(("Idempotency-Key", "login-1"))
                    .set_json(&login),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        assert_eq!(response.header("idempotency-replayed"), None);
    }
    app.with_conn(|conn| {
        let kept: i64 = idempotency_keys::table
            .filter(idempotency_keys::idem_key.eq("login-1"))
            .count()
            .get_result(conn)
            .expect("count");
        assert_eq!(kept, 0);
    });
}

/// The fingerprint the middleware keeps: method, path and the exact body bytes.
fn fingerprint(body: &Value) -> String {
    let mut hash = Sha256::new();
    hash.update(b"POST /api/v1/organizations\n");
    hash.update(serde_json::to_vec(body).unwrap());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[actix_web::test]
async fn a_duplicate_while_the_first_runs_is_409_and_expired_keys_are_gone() {
    let app = spawn_app().await;
    let (user_id, admin) = app.user("admin@example.org", Role::Admin, &[]).await;
    let body = json!({"name": "W toku", "kind": "ngo"});
    let now = chrono::Utc::now().naive_utc();
    // Another instance is running the first request with this key right now.
    app.with_conn(|conn| {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::caller.eq(format!("user:{user_id}")),
                idempotency_keys::idem_key.eq("running"),
                idempotency_keys::fingerprint.eq(fingerprint(&body)),
                idempotency_keys::created_at.eq(now),
                idempotency_keys::expires_at.eq(now + chrono::Duration::hours(24)),
            ))
            .execute(conn)
            .expect("insert");
        // One whose instance died a while ago, and one past its 24 hours.
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::caller.eq(format!("user:{user_id}")),
                idempotency_keys::idem_key.eq("abandoned"),
                idempotency_keys::fingerprint.eq(fingerprint(&body)),
                idempotency_keys::created_at.eq(now - chrono::Duration::minutes(10)),
                idempotency_keys::expires_at.eq(now + chrono::Duration::hours(23)),
            ))
            .execute(conn)
            .expect("insert");
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::caller.eq(format!("user:{user_id}")),
                idempotency_keys::idem_key.eq("expired"),
                idempotency_keys::fingerprint.eq("something else"),
                idempotency_keys::status.eq(Some(201)),
                idempotency_keys::body.eq(Some("{}")),
                idempotency_keys::headers.eq(Some("[]")),
                idempotency_keys::created_at.eq(now - chrono::Duration::hours(25)),
                idempotency_keys::expires_at.eq(now - chrono::Duration::hours(1)),
            ))
            .execute(conn)
            .expect("insert");
    });
    post_with_key(&app, &admin, "running", &body)
        .await
        .assert_problem(409, "idempotency_key_in_use");
    assert_eq!(organizations_named(&app, "W toku"), 0);
    let taken_over = post_with_key(&app, &admin, "abandoned", &body).await;
    assert_eq!(
        taken_over.status(),
        StatusCode::CREATED,
        "{}",
        taken_over.text()
    );
    let after_expiry = post_with_key(&app, &admin, "expired", &body).await;
    assert_eq!(
        after_expiry.status(),
        StatusCode::CREATED,
        "{}",
        after_expiry.text()
    );
    assert_eq!(after_expiry.header("idempotency-replayed"), None);
    assert_eq!(organizations_named(&app, "W toku"), 2);

    // Two at once: one runs, the other is 409 or (if the first was done) its replay.
    let twin = json!({"name": "Bliźniak", "kind": "ngo"});
    let (a, b) = futures_util::future::join(
        post_with_key(&app, &admin, "twins", &twin),
        post_with_key(&app, &admin, "twins", &twin),
    )
    .await;
    let mut outcomes = [
        (
            a.status().as_u16(),
            a.header("idempotency-replayed").is_some(),
        ),
        (
            b.status().as_u16(),
            b.header("idempotency-replayed").is_some(),
        ),
    ];
    outcomes.sort();
    assert!(
        outcomes == [(201, false), (409, false)] || outcomes == [(201, false), (201, true)],
        "{outcomes:?}"
    );
    assert_eq!(organizations_named(&app, "Bliźniak"), 1);
}

#[actix_web::test]
async fn answers_that_show_a_secret_ignore_the_key_and_the_contract_says_so() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ngo = app
        .organization(&admin, json!({"name": "Fundacja Sekretna", "kind": "ngo"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let body = json!({"name": "Portal", "organization_id": ngo, "scopes": ["positions:read"]});
    let mut secrets = Vec::new();
    for _ in 0..2 {
        let issued = app
            .as_admin()
            .post("/api/v1/tokens")
            .header("Idempotency-Key", "token-1")
            .json(&body)
            .send()
            .await
            .assert_status(201);
        assert_eq!(issued.header("idempotency-replayed"), None);
        secrets.push(issued.json()["token"].as_str().unwrap().to_owned());
    }
    assert_ne!(secrets[0], secrets[1], "a retry runs again");
    let kept: i64 = app.with_conn(|conn| {
        idempotency_keys::table
            .count()
            .get_result(conn)
            .expect("count")
    });
    assert_eq!(kept, 0, "no answer with a secret is stored");

    let document: Value = serde_json::from_str(&razem::server::document_json()).unwrap();
    for path in [
        "/api/v1/tokens",
        "/api/v1/webhooks",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
    ] {
        let operation = &document["paths"][path]["post"];
        let description = operation["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("`Idempotency-Key` is ignored here"),
            "{path}: {description}"
        );
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            parameters.iter().all(|p| p["name"] != "Idempotency-Key"),
            "{path} does not offer the header"
        );
    }
    let covered = &document["paths"]["/api/v1/organizations"]["post"];
    assert!(
        covered["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "Idempotency-Key"))
    );
}
