//! Partner API tokens: issue, use, scopes, per-object limits, revocation, rate limits.

use diesel::prelude::*;
use razem::db::schema::api_tokens;
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

#[actix_web::test]
async fn tokens_are_issued_once_stored_hashed_and_listed_without_secret() {
    let app = spawn_app().await;
    app.seed_demo();
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let editor = app
        .person("redakcja@example.org", Role::Editor, &[slaski])
        .await
        .token;
    let created = app.with_token(&editor).post("/api/v1/tokens").json(json!({"name": "Portal ŚZGiP", "organization_id": slaski, "scopes": ["associations:read", "associations:write", "associations:read"]})).send()
        .await.assert_status(201);
    let secret = created.json()["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("rzm_") && secret.len() >= 36, "{secret}");
    assert!(secret[4..].chars().all(|c| c.is_ascii_alphanumeric()));
    let id = created.json()["api_token"]["id"].as_i64().unwrap();
    assert_eq!(
        created.json()["api_token"]["scopes"],
        json!(["associations:read", "associations:write"])
    );
    assert_eq!(
        created.json()["api_token"]["organization"]["slug"],
        "slaski-zwiazek-gmin-i-powiatow"
    );
    assert_eq!(created.header("cache-control"), Some("no-store"));

    let (hash, prefix): (String, String) = app.with_conn(|conn| {
        api_tokens::table
            .find(id)
            .select((api_tokens::token_hash, api_tokens::token_prefix))
            .first(conn)
            .unwrap()
    });
    assert_eq!(hash, razem::auth::credentials::hash_secret(&secret));
    assert_ne!(hash, secret);
    assert!(secret.starts_with(&prefix));

    let list = app
        .with_token(&editor)
        .get("/api/v1/tokens")
        .send()
        .await
        .assert_status(200);
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
    assert!(
        !list.text().contains(&secret),
        "the secret is never shown again"
    );
    assert!(!list.text().contains(&hash), "nor its hash");
    let one = app
        .with_token(&editor)
        .get(format!("/api/v1/tokens/{id}"))
        .send()
        .await;
    assert_eq!(one.json()["last_used_at"], json!(null));

    app.with_token(&secret)
        .get("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .send()
        .await
        .assert_status(200);
    app.with_token(&secret)
        .patch("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .json(json!({"website": "https://www.silesia.org.pl"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    let audit = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "organization", &slaski.to_string()).unwrap()
    });
    let last = audit.last().unwrap();
    assert_eq!(
        (last.actor_user_id, last.actor_token_id),
        (None, Some(id)),
        "the audit names the token"
    );
    let used = app
        .with_token(&editor)
        .get(format!("/api/v1/tokens/{id}"))
        .send()
        .await;
    assert!(
        used.json()["last_used_at"].is_string(),
        "last_used_at is recorded"
    );
    assert_eq!(app.audit_count("api_token", id), 1, "issuing is audited");
}

#[actix_web::test]
async fn scopes_and_expiry_are_validated() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let opos = app.id_of("opos").await;
    let unknown_scope = app
        .as_admin()
        .post("/api/v1/tokens")
        .json(json!({"name": "t", "organization_id": opos, "scopes": ["everything"]}))
        .send()
        .await;
    unknown_scope.assert_problem(422, "validation_failed");
    assert_eq!(unknown_scope.error_fields(), vec!["scopes[0]"]);
    let no_scope = app
        .as_admin()
        .post("/api/v1/tokens")
        .json(json!({"name": "t", "organization_id": opos, "scopes": []}))
        .send()
        .await;
    no_scope.assert_problem(422, "validation_failed");
    let past = app.as_admin().post("/api/v1/tokens").json(json!({"name": "t", "organization_id": opos, "scopes": ["positions:read"], "expires_at": "2020-01-01T00:00:00Z"})).send()
        .await;
    past.assert_problem(422, "validation_failed");
    let nobody = app
        .as_admin()
        .post("/api/v1/tokens")
        .json(json!({"name": "t", "organization_id": 9999, "scopes": ["positions:read"]}))
        .send()
        .await;
    nobody.assert_problem(422, "validation_failed");
    let count: i64 = app.with_conn(|conn| api_tokens::table.count().get_result(conn).unwrap());
    assert_eq!(count, 0);

    // An expired token stops working (expiry set in the past directly in the store).
    let secret = app.api_token(&admin, opos, &["associations:read"]).await;
    app.with_token(&secret)
        .get("/api/v1/associations")
        .send()
        .await
        .assert_status(200);
    app.with_conn(|conn| {
        diesel::update(api_tokens::table)
            .set(api_tokens::expires_at.eq(razem::time::now() - chrono::Duration::seconds(1)))
            .execute(conn)
            .unwrap()
    });
    app.with_token(&secret)
        .get("/api/v1/associations")
        .send()
        .await
        .assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn revocation_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let opos = app.id_of("opos").await;
    let secret = app.api_token(&admin, opos, &["associations:read"]).await;
    let list = app.as_admin().get("/api/v1/tokens").send().await;
    let id = list.ids()[0];
    app.with_token(&secret)
        .get("/api/v1/associations")
        .send()
        .await
        .assert_status(200);

    app.as_admin()
        .delete(format!("/api/v1/tokens/{id}"))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_admin()
        .delete(format!("/api/v1/tokens/{id}"))
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    app.with_token(&secret)
        .get("/api/v1/associations")
        .send()
        .await
        .assert_problem(401, "invalid_token");
    let stored: Option<chrono::NaiveDateTime> = app.with_conn(|conn| {
        api_tokens::table
            .find(id)
            .select(api_tokens::revoked_at)
            .first(conn)
            .unwrap()
    });
    assert!(stored.is_some());
    assert_eq!(
        app.as_admin().get("/api/v1/tokens").send().await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let all = app
        .as_admin()
        .get("/api/v1/tokens?include_inactive=true")
        .send()
        .await;
    assert!(all.json()["items"][0]["revoked_at"].is_string());
    assert_eq!(
        app.audit_count("api_token", id),
        2,
        "issue and revoke are audited"
    );
}

#[actix_web::test]
async fn tokens_never_manage_tokens_or_people() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let opos = app.id_of("opos").await;
    let secret = app
        .api_token(
            &admin,
            opos,
            &[
                "associations:read",
                "associations:write",
                "positions:write",
                "projects:write",
            ],
        )
        .await;
    app.with_token(&secret)
        .get("/api/v1/tokens")
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    app.with_token(&secret)
        .post("/api/v1/tokens")
        .json(json!({"name": "t", "organization_id": opos, "scopes": ["positions:read"]}))
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    app.with_token(&secret)
        .delete("/api/v1/tokens/1")
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    app.with_token(&secret)
        .get("/api/v1/users")
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    app.with_token(&secret)
        .get("/api/v1/audit")
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    app.with_token(&secret)
        .get("/api/v1/me")
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    let count: i64 = app.with_conn(|conn| api_tokens::table.count().get_result(conn).unwrap());
    assert_eq!(count, 1);
}

#[actix_web::test]
async fn editors_manage_only_their_associations_tokens() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let lubelski = app.id_of("zwiazek-gmin-lubelszczyzny").await;
    let editor = app
        .person("e@example.org", Role::Editor, &[slaski])
        .await
        .token;
    let viewer = app.person("v@example.org", Role::Viewer, &[]).await.token;
    let other = app
        .api_token(&admin, lubelski, &["associations:read"])
        .await;
    let _ = other;
    app.with_token(&editor)
        .post("/api/v1/tokens")
        .json(json!({"name": "t", "organization_id": lubelski, "scopes": ["positions:read"]}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let listed = app.with_token(&editor).get("/api/v1/tokens").send().await;
    assert_eq!(
        listed.json()["items"].as_array().unwrap().len(),
        0,
        "the other association's token is not listed"
    );
    let other_id = app.as_admin().get("/api/v1/tokens").send().await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    app.with_token(&editor)
        .get(format!("/api/v1/tokens/{other_id}"))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .delete(format!("/api/v1/tokens/{other_id}"))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let revoked: Option<chrono::NaiveDateTime> = app.with_conn(|conn| {
        api_tokens::table
            .find(other_id)
            .select(api_tokens::revoked_at)
            .first(conn)
            .unwrap()
    });
    assert!(revoked.is_none(), "the refused revocation changed nothing");
    app.with_token(&viewer)
        .get("/api/v1/tokens")
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn per_token_request_limits_answer_429_with_retry_after() {
    let app = spawn_app_with(|config| config.token_rate_limit = 3).await;
    app.seed_demo();
    let admin = app.admin().await;
    let opos = app.id_of("opos").await;
    let secret = app.api_token(&admin, opos, &["associations:read"]).await;
    for _ in 0..3 {
        app.with_token(&secret)
            .get("/api/v1/associations/opos")
            .send()
            .await
            .assert_status(200);
    }
    let limited = app
        .with_token(&secret)
        .get("/api/v1/associations/opos")
        .send()
        .await;
    limited.assert_problem(429, "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    app.anonymous()
        .get("/api/v1/associations/opos")
        .send()
        .await
        .assert_status(200);
}
