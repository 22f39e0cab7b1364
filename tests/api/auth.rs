use razem::domain::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[actix_web::test]
async fn login_and_me() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app
        .anonymous()
        .get("/api/v1/associations/opos")
        .send()
        .await
        .id();
    let (id, token) = app
        .user("Redakcja@Example.org", Role::Editor, &[opos])
        .await;
    let me = app
        .with_token(&token)
        .get("/api/v1/me")
        .send()
        .await
        .assert_status(200);
    assert_eq!(me.json()["id"], id);
    assert_eq!(
        me.json()["email"],
        "redakcja@example.org",
        "e-mail addresses are stored lower-case"
    );
    assert_eq!(me.json()["role"], "editor");
    assert_eq!(me.json()["associations"][0]["slug"], "opos");
    assert!(!me.text().contains("argon2"), "no password material");
    assert_eq!(me.header("cache-control"), Some("no-store"));

    let login = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "REDAKCJA@example.org", "password": PASSWORD}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(login.json()["token_type"], "Bearer");
    assert_eq!(login.json()["expires_in"], 900);
}

#[actix_web::test]
async fn wrong_credentials_answer_alike() {
    let app = spawn_app().await;
    app.user("someone@example.org", Role::Viewer, &[]).await;
    let wrong_password = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "someone@example.org", "password": "not the password"}))
        .send()
        .await;
    wrong_password.assert_problem(401, "invalid_credentials");
    let unknown = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "nobody@example.org", "password": "not the password"}))
        .send()
        .await;
    unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong_password.json()["detail"], unknown.json()["detail"]);
    let missing = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "x@example.org"}))
        .send()
        .await;
    missing.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn forged_expired_and_malformed_tokens_are_401() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let app = spawn_app().await;
    let (id, token) = app.user("someone@example.org", Role::Admin, &[]).await;
    let kid = jsonwebtoken::decode_header(&token).unwrap().kid.unwrap();
    let now = jsonwebtoken::get_current_timestamp();
    let sign = |secret: &str, claims: serde_json::Value, kid: Option<&str>, alg: Algorithm| {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        encode(
            &header,
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let secret = "test-secret-that-is-at-least-32-bytes-long";
    let good = json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "iat": now, "exp": now + 600});
    app.with_token(sign(secret, good.clone(), Some(&kid), Algorithm::HS256))
        .get("/api/v1/me")
        .send()
        .await
        .assert_status(200);

    let cases = [
        (
            "forged",
            sign(
                "another-secret-that-is-also-32-bytes-long",
                good.clone(),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "expired",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "iat": now - 7200, "exp": now - 3600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "token_expired",
        ),
        (
            "wrong audience",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "other", "iat": now, "exp": now + 600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "wrong issuer",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "evil", "aud": "razem-api", "iat": now, "exp": now + 600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "no iat",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "exp": now + 600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "unknown kid",
            sign(secret, good.clone(), Some("nope"), Algorithm::HS256),
            "invalid_token",
        ),
        (
            "no kid",
            sign(secret, good.clone(), None, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "other algorithm",
            sign(secret, good.clone(), Some(&kid), Algorithm::HS512),
            "invalid_token",
        ),
        (
            "no exp",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "iat": now}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "string exp",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "iat": now, "exp": (now + 600).to_string()}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "no aud",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "iat": now, "exp": now + 600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "no iss",
            sign(
                secret,
                json!({"sub": id.to_string(), "aud": "razem-api", "iat": now, "exp": now + 600}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "expired beyond leeway",
            sign(
                secret,
                json!({"sub": id.to_string(), "iss": "razem", "aud": "razem-api", "iat": now - 100, "exp": now - 10}),
                Some(&kid),
                Algorithm::HS256,
            ),
            "token_expired",
        ),
        ("alg none", alg_none(&kid, &good), "invalid_token"),
        ("garbage", "not.a.token".to_owned(), "invalid_token"),
    ];
    for (name, token, code) in cases {
        let response = app
            .with_token(&token)
            .get("/api/v1/me")
            .send()
            .await
            .assert_status(401);
        response.assert_problem(401, code);
        assert!(response.header("www-authenticate").is_some(), "{name}");
    }
    let unsigned = format!("{}.", token.rsplit_once('.').unwrap().0);
    app.with_token(&unsigned)
        .get("/api/v1/me")
        .send()
        .await
        .assert_problem(401, "invalid_token");
    let basic = app
        .anonymous()
        .get("/api/v1/me")
        .header("Authorization", "Basic YWxhZGRpbjpvcGVu")
        .send()
        .await;
    basic.assert_problem(401, "invalid_token");
    app.anonymous()
        .get("/api/v1/me")
        .send()
        .await
        .assert_problem(401, "authentication_required");
}

/// An unsigned token claiming `alg: none`.
fn alg_none(kid: &str, claims: &serde_json::Value) -> String {
    use base64::Engine;
    let encode = |value: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
        encode(claims)
    )
}

#[actix_web::test]
async fn deactivated_accounts_lose_access_at_once() {
    let app = spawn_app().await;
    let (id, token) = app.user("leaving@example.org", Role::Viewer, &[]).await;
    app.with_token(&token)
        .get("/api/v1/me")
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .patch(format!("/api/v1/users/{id}"))
        .json(json!({"active": false}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    app.with_token(&token)
        .get("/api/v1/me")
        .send()
        .await
        .assert_problem(401, "invalid_token");
    let login = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "leaving@example.org", "password": PASSWORD}))
        .send()
        .await;
    login.assert_problem(401, "invalid_credentials");
}
