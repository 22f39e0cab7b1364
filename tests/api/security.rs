//! The OWASP API Top 10 (2023) items that apply, as a matrix of principals × endpoints:
//! every refused write must leave the stored rows unchanged.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use razem::db::schema::{api_tokens, organizations, users};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::spawn_app;

const ANONYMOUS: &str = "anonymous";

/// Method, path, table that grows on success, body, expected status per principal.
type Case<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<serde_json::Value>,
    [u16; 10],
);

#[actix_web::test]
async fn principal_by_endpoint_matrix() {
    let app = spawn_app().await;
    app.seed_demo();
    let a = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let b = app.id_of("zwiazek-gmin-lubelszczyzny").await;
    let admin = app.admin().await;
    let editor_a = app
        .person("editor-a@example.org", Role::Editor, &[a])
        .await
        .token;
    let editor_b = app
        .person("editor-b@example.org", Role::Editor, &[b])
        .await
        .token;
    let viewer = app
        .person("viewer@example.org", Role::Viewer, &[])
        .await
        .token;
    let token_a = app
        .api_token(&admin, a, &["associations:read", "associations:write"])
        .await;
    let token_a_read = app.api_token(&admin, a, &["associations:read"]).await;
    let token_a_other_scope = app
        .api_token(&admin, a, &["positions:read", "positions:write"])
        .await;
    let token_b = app
        .api_token(&admin, b, &["associations:read", "associations:write"])
        .await;
    let revoked = app
        .api_token(&admin, a, &["associations:read", "associations:write"])
        .await;
    app.with_conn(|conn| {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::token_hash.eq(razem::auth::credentials::hash_secret(&revoked))),
        )
        .set(api_tokens::revoked_at.eq(razem::time::now()))
        .execute(conn)
        .unwrap()
    });

    let principals: Vec<(&str, Option<&str>)> = vec![
        (ANONYMOUS, None),
        ("admin", Some(&admin)),
        ("editor of A", Some(&editor_a)),
        ("editor of B", Some(&editor_b)),
        ("viewer", Some(&viewer)),
        ("token of A (read+write)", Some(&token_a)),
        ("token of A (read)", Some(&token_a_read)),
        ("token of A (positions scopes)", Some(&token_a_other_scope)),
        ("token of B (read+write)", Some(&token_b)),
        ("revoked token of A", Some(&revoked)),
    ];
    let version_of = |id: i64| -> i64 {
        app.with_conn(|conn| {
            organizations::table
                .find(id)
                .select(organizations::version)
                .first(conn)
                .unwrap()
        })
    };

    // API1 (object level): change association A.
    let expected_patch = [401, 200, 200, 403, 403, 200, 403, 403, 403, 401];
    for ((name, token), expected) in principals.iter().zip(expected_patch) {
        let before = version_of(a);
        let response = app
            .caller(*token)
            .patch(format!("/api/v1/associations/{a}"))
            .json(json!({"description": format!("zmienione przez: {name}")}))
            .if_match(before)
            .send()
            .await;
        assert_eq!(
            response.status().as_u16(),
            expected,
            "PATCH A as {name}: {}",
            response.text()
        );
        let after = version_of(a);
        if expected == 200 {
            assert_eq!(after, before + 1, "{name}");
        } else {
            assert_eq!(after, before, "refused PATCH as {name} changed nothing");
            assert_eq!(response.content_type(), "application/problem+json");
        }
    }

    // API5 (function level): delete an organization (admins only; admin last).
    // An organization nothing refers to (the demo ones are members, partners, addressees).
    let c = app
        .organization(
            &admin,
            json!({"name": "Fundacja do usunięcia", "kind": "ngo"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let expected_delete = [401, 204, 403, 403, 403, 403, 403, 403, 403, 401];
    let mut order: Vec<usize> = (0..principals.len()).filter(|i| *i != 1).collect();
    order.push(1);
    for index in order {
        let (name, token) = principals[index];
        let before = version_of(c);
        let response = app
            .caller(token)
            .delete(format!("/api/v1/organizations/{c}"))
            .if_match(before)
            .send()
            .await;
        assert_eq!(
            response.status().as_u16(),
            expected_delete[index],
            "DELETE C as {name}: {}",
            response.text()
        );
        let still_there: i64 = app.with_conn(|conn| {
            organizations::table
                .filter(organizations::id.eq(c))
                .count()
                .get_result(conn)
                .unwrap()
        });
        assert_eq!(
            still_there,
            if expected_delete[index] == 204 { 0 } else { 1 },
            "{name}"
        );
    }

    // Creating organizations, people, tokens; reading people and the audit log.
    let count = |table: &str| -> i64 {
        app.with_conn(|conn| match table {
            "organizations" => organizations::table.count().get_result(conn).unwrap(),
            "users" => users::table.count().get_result(conn).unwrap(),
            _ => api_tokens::table.count().get_result(conn).unwrap(),
        })
    };
    let association_a = format!("/api/v1/associations/{a}");
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/api/v1/organizations",
            "organizations",
            Some(json!({"name": "Fundacja", "kind": "ngo"})),
            [401, 201, 201, 201, 403, 403, 403, 403, 403, 401],
        ),
        (
            "POST",
            "/api/v1/tokens",
            "tokens",
            Some(json!({"name": "t", "organization_id": a, "scopes": ["positions:read"]})),
            [401, 201, 201, 403, 403, 403, 403, 403, 403, 401],
        ),
        (
            "GET",
            "/api/v1/users",
            "",
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403, 401],
        ),
        (
            "GET",
            "/api/v1/audit",
            "",
            None,
            [401, 200, 403, 403, 403, 403, 403, 403, 403, 401],
        ),
        (
            "GET",
            "/api/v1/tokens",
            "",
            None,
            [401, 200, 200, 200, 403, 403, 403, 403, 403, 401],
        ),
        (
            "GET",
            "/api/v1/me",
            "",
            None,
            [401, 200, 200, 200, 200, 403, 403, 403, 403, 401],
        ),
        (
            "GET",
            &association_a,
            "",
            None,
            [200, 200, 200, 200, 200, 200, 200, 403, 200, 401],
        ),
        (
            "GET",
            "/api/v1/organizations",
            "",
            None,
            [200, 200, 200, 200, 200, 200, 200, 403, 200, 401],
        ),
    ];
    for (method, path, table, body, expected) in &cases {
        for ((name, token), expected) in principals.iter().zip(expected) {
            let before = if table.is_empty() { 0 } else { count(table) };
            let mut request = TestRequest::default()
                .method(method.parse().unwrap())
                .uri(path);
            if let Some(body) = body {
                request = request.set_json(body);
            }
            if let Some(token) = token {
                request = request.insert_header(("Authorization", format!("Bearer {token}")));
            }
            let response = app.send(request).await;
            assert_eq!(
                response.status().as_u16(),
                *expected,
                "{method} {path} as {name}: {}",
                response.text()
            );
            if !table.is_empty() {
                let grew = if response.status() == StatusCode::CREATED {
                    1
                } else {
                    0
                };
                assert_eq!(count(table), before + grew, "{method} {path} as {name}");
            }
            if response.status().is_client_error() {
                assert_eq!(
                    response.content_type(),
                    "application/problem+json",
                    "{method} {path} as {name}"
                );
            }
        }
    }
}

/// API3 (object property level): read-only and unknown properties are refused, not ignored.
#[actix_web::test]
async fn mass_assignment_is_refused() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    for field in ["id", "version", "created_at", "updated_at", "search_text"] {
        let response = app
            .as_admin()
            .patch(format!("/api/v1/associations/{opos}"))
            .json(json!({field: 99}))
            .if_match(1)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.error_fields(), vec![field.to_owned()]);
    }
    let self_promotion = app.anonymous().post("/api/v1/auth/login").json(json!({"email": "admin@example.org", "password": crate::helpers::PASSWORD, "role": "admin"})).send()
        .await;
    self_promotion.assert_problem(422, "validation_failed");
    let version: i64 = app.with_conn(|conn| {
        organizations::table
            .find(opos)
            .select(organizations::version)
            .first(conn)
            .unwrap()
    });
    assert_eq!(version, 1);
}

/// API4 (resource consumption) and API8 (misconfiguration): bounded pages and bodies, safe headers, CORS closed by default.
#[actix_web::test]
async fn limits_and_headers() {
    let app = spawn_app().await;
    app.anonymous()
        .get("/api/v1/organizations?limit=1000")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    let response = app.anonymous().get("/api/v1/organizations").send().await;
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=5, must-revalidate"),
        "anonymous public reads may be cached"
    );
    let preflight = app
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri("/api/v1/organizations")
                .insert_header(("Origin", "https://evil.example"))
                .insert_header(("Access-Control-Request-Method", "GET")),
        )
        .await;
    assert!(
        preflight.header("access-control-allow-origin").is_none(),
        "no origin is allowed by default"
    );
    let cross = app
        .send(
            TestRequest::get()
                .uri("/api/v1/organizations")
                .insert_header(("Origin", "https://evil.example")),
        )
        .await;
    assert!(cross.header("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn configured_cors_origins_are_allowed_and_others_are_not() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.cors_origins = vec!["https://portal.example.org".to_owned()]
    })
    .await;
    let allowed = app
        .send(
            TestRequest::get()
                .uri("/api/v1/organizations")
                .insert_header(("Origin", "https://portal.example.org")),
        )
        .await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://portal.example.org")
    );
    let preflight = app
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri("/api/v1/organizations/opos")
                .insert_header(("Origin", "https://portal.example.org"))
                .insert_header(("Access-Control-Request-Method", "PATCH"))
                .insert_header((
                    "Access-Control-Request-Headers",
                    "authorization, if-match, content-type",
                )),
        )
        .await;
    assert_eq!(preflight.status(), StatusCode::OK, "{}", preflight.text());
    let other = app
        .send(
            TestRequest::get()
                .uri("/api/v1/organizations")
                .insert_header(("Origin", "https://evil.example")),
        )
        .await;
    assert!(other.header("access-control-allow-origin").is_none());
}
