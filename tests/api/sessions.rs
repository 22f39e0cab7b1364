//! Refresh-token rotation, reuse detection, logout, sessions ended by account changes,
//! key rotation and sign-in throttling.

use diesel::prelude::*;
use razem::db::schema::{audit_log, refresh_tokens};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};

async fn login(app: &crate::helpers::TestApp, email: &str) -> serde_json::Value {
    let response = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .assert_status(200);
    response.into_json()
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    let first = login(&app, "someone@example.org").await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    assert!(refresh.starts_with("rzr_"));
    assert_eq!(first["refresh_expires_in"], 30 * 86_400);
    let stored: Vec<String> = app.with_conn(|conn| {
        refresh_tokens::table
            .select(refresh_tokens::token_hash)
            .load(conn)
            .unwrap()
    });
    assert!(
        !stored.contains(&refresh),
        "refresh tokens are stored hashed"
    );

    let second = app
        .anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": refresh}))
        .send()
        .await
        .assert_status(200);
    let next = second.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(next, refresh);
    app.with_token(second.json()["access_token"].as_str().unwrap())
        .get("/api/v1/me")
        .send()
        .await
        .assert_status(200);

    // The old one again: stolen. Every token of the sign-in is revoked, the new one too.
    let reused = app
        .anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": refresh}))
        .send()
        .await;
    reused.assert_problem(401, "refresh_token_reused");
    let after = app
        .anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": next}))
        .send()
        .await;
    after.assert_problem(401, "invalid_refresh_token");
    let family: String = app.with_conn(|conn| {
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(razem::auth::credentials::hash_secret(&refresh)))
            .select(refresh_tokens::family)
            .first(conn)
            .unwrap()
    });
    let live: i64 = app.with_conn(|conn| {
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(&family))
            .filter(refresh_tokens::revoked_at.is_null())
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(live, 0, "the whole family is revoked");
    let recorded: i64 = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::action.eq("refresh_token_reused"))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(recorded, 1);
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": "rzr_unknown"}))
        .send()
        .await
        .assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn logout_revokes_the_session_and_other_sessions_live_on() {
    let app = spawn_app().await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    let laptop = login(&app, "someone@example.org").await;
    let phone = login(&app, "someone@example.org").await;
    app.anonymous()
        .post("/api/v1/auth/logout")
        .json(json!({"refresh_token": laptop["refresh_token"]}))
        .send()
        .await
        .assert_status(204);
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": laptop["refresh_token"]}))
        .send()
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": phone["refresh_token"]}))
        .send()
        .await
        .assert_status(200);
    app.anonymous()
        .post("/api/v1/auth/logout")
        .json(json!({"refresh_token": "rzr_nothing"}))
        .send()
        .await
        .assert_status(204);
}

fn keys(current: &str, old: Option<&str>) -> Vec<razem::config::JwtKey> {
    razem::config::Config::from_lookup(|name| match name {
        "RAZEM_JWT_SECRET" => Some(current.to_owned()),
        "RAZEM_JWT_OLD_SECRETS" => old.map(str::to_owned),
        _ => None,
    })
    .unwrap()
    .jwt_keys
}

#[actix_web::test]
async fn rotated_signing_keys_still_verify_and_unknown_keys_do_not() {
    let old_secret = "an-older-secret-that-is-also-32-bytes-long";
    let new_secret = "the-newest-secret-which-is-32-bytes-long";
    let app = spawn_app_with(|config| config.jwt_keys = keys(new_secret, Some(old_secret))).await;
    let (id, new_token) = app.user("someone@example.org", Role::Viewer, &[]).await;
    let ttl = std::time::Duration::from_secs(600);
    let signed_with_old = razem::jwt::TokenKeys::new(keys(old_secret, None), ttl)
        .issue(id)
        .unwrap();
    let new_kid = jsonwebtoken::decode_header(&new_token).unwrap().kid;
    let old_kid = jsonwebtoken::decode_header(&signed_with_old).unwrap().kid;
    assert_ne!(new_kid, old_kid, "the newest key signs");
    app.with_token(&signed_with_old)
        .get("/api/v1/me")
        .send()
        .await
        .assert_status(200);

    let retired = spawn_app_with(|config| config.jwt_keys = keys(new_secret, None)).await;
    retired.user("someone@example.org", Role::Viewer, &[]).await;
    retired
        .with_token(&signed_with_old)
        .get("/api/v1/me")
        .send()
        .await
        .assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn failed_sign_ins_are_throttled_per_account_and_audited() {
    let app = spawn_app_with(|config| config.login_max_failures = 3).await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    for _ in 0..3 {
        app.anonymous()
            .post("/api/v1/auth/login")
            .json(json!({"email": "someone@example.org", "password": "wrong password"}))
            .send()
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let limited = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "someone@example.org", "password": PASSWORD}))
        .send()
        .await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    let failures: i64 = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::action.eq("login_failed"))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(failures, 3);
    let logged: Vec<Option<String>> = app.with_conn(|conn| {
        audit_log::table
            .select(audit_log::changes)
            .load(conn)
            .unwrap()
    });
    assert!(
        logged
            .iter()
            .flatten()
            .all(|c| !c.contains("wrong password")),
        "no password material in the audit log"
    );
}

#[actix_web::test]
async fn failed_sign_ins_are_throttled_per_client_address() {
    let app = spawn_app_with(|config| config.login_max_failures = 2).await;
    for n in 0..2 {
        app.anonymous()
            .post("/api/v1/auth/login")
            .json(json!({"email": format!("nobody{n}@example.org"), "password": "x"}))
            .send()
            .await
            .assert_problem(401, "invalid_credentials");
    }
    app.anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "third@example.org", "password": "x"}))
        .send()
        .await
        .assert_problem(429, "rate_limited");
}

/// Signs `email` in twice (two sessions), changes the account with `change` as an admin,
/// and checks both refresh tokens from before answer 401 while the admin's session lives on.
async fn change_ends_sessions(change: serde_json::Value, then_also: Option<serde_json::Value>) {
    let app = spawn_app().await;
    let admin_tokens = {
        app.admin().await;
        login(&app, "admin@example.org").await
    };
    let (id, _) = app.user("someone@example.org", Role::Viewer, &[]).await;
    let laptop = login(&app, "someone@example.org").await;
    let phone = login(&app, "someone@example.org").await;
    let admin = admin_tokens["access_token"].as_str().unwrap();
    app.with_token(admin)
        .patch(format!("/api/v1/users/{id}"))
        .json(&change)
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    if let Some(next) = then_also {
        // E.g. reactivated: the sessions from before the change stay ended.
        app.with_token(admin)
            .patch(format!("/api/v1/users/{id}"))
            .json(&next)
            .if_match(2)
            .send()
            .await
            .assert_status(200);
    }
    for session in [&laptop, &phone] {
        app.anonymous()
            .post("/api/v1/auth/refresh")
            .json(json!({"refresh_token": session["refresh_token"]}))
            .send()
            .await
            .assert_problem(401, "invalid_refresh_token");
    }
    let live: i64 = app.with_conn(|conn| {
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(id))
            .filter(refresh_tokens::revoked_at.is_null())
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(live, 0, "every refresh token of the account is revoked");
    let audited: Vec<Option<String>> = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::object_type.eq("user"))
            .filter(audit_log::object_id.eq(id.to_string()))
            .filter(audit_log::action.eq("update"))
            .order(audit_log::id.asc())
            .select(audit_log::changes)
            .load(conn)
            .unwrap()
    });
    let first: serde_json::Value = serde_json::from_str(audited[0].as_deref().unwrap()).unwrap();
    assert_eq!(
        first["sessions_revoked"], 3,
        "the helper's sign-in and two more"
    );
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": admin_tokens["refresh_token"]}))
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn a_password_change_ends_the_persons_sessions() {
    change_ends_sessions(json!({"password": "a brand new password!"}), None).await;
}

#[actix_web::test]
async fn a_role_change_ends_the_persons_sessions() {
    change_ends_sessions(json!({"role": "admin"}), None).await;
}

#[actix_web::test]
async fn deactivation_ends_the_persons_sessions_for_good() {
    change_ends_sessions(json!({"active": false}), Some(json!({"active": true}))).await;
}

#[actix_web::test]
async fn other_changes_keep_sessions_and_new_sign_ins_work() {
    let app = spawn_app().await;
    let (id, _) = app.user("someone@example.org", Role::Viewer, &[]).await;
    let before = login(&app, "someone@example.org").await;
    app.as_admin()
        .patch(format!("/api/v1/users/{id}"))
        .json(json!({"name": "A new name", "role": "viewer"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": before["refresh_token"]}))
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .patch(format!("/api/v1/users/{id}"))
        .json(json!({"password": "a brand new password!"}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    let signed_in = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "someone@example.org", "password": "a brand new password!"}))
        .send()
        .await
        .assert_status(200);
    app.anonymous()
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": signed_in.json()["refresh_token"]}))
        .send()
        .await
        .assert_status(200);
}
