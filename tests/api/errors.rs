//! Every error class answers RFC 9457 problem+json with a stable code.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn unknown_routes_and_wrong_methods() {
    let app = spawn_app().await;
    app.anonymous()
        .get("/api/v1/nothing-here")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get("/")
        .send()
        .await
        .assert_problem(404, "not_found");
    let wrong_method = app
        .send(TestRequest::put().uri("/api/v1/organizations"))
        .await;
    wrong_method.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong_method.header("allow"), Some("GET, POST"));
    let on_item = app
        .send(TestRequest::post().uri("/api/v1/organizations/opos"))
        .await;
    on_item.assert_problem(405, "method_not_allowed");
    assert_eq!(on_item.header("allow"), Some("GET, PATCH, DELETE"));
}

#[actix_web::test]
async fn malformed_bodies() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bearer = format!("Bearer {admin}");
    let post = || {
        TestRequest::post()
            .uri("/api/v1/organizations")
            .insert_header(("Authorization", bearer.clone()))
    };

    let syntax = app
        .as_admin()
        .post("/api/v1/organizations")
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await;
    syntax.assert_problem(400, "malformed_json");
    let empty = app
        .send(post().insert_header(("Content-Type", "application/json")))
        .await;
    empty.assert_problem(400, "malformed_json");
    let trailing = app
        .send(
            post()
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{} {}"),
        )
        .await;
    trailing.assert_problem(400, "malformed_json");
    let not_json = app
        .send(
            post()
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("{}"),
        )
        .await;
    not_json.assert_problem(415, "unsupported_media_type");
    let no_type = app.send(post().set_payload("{}")).await;
    no_type.assert_problem(415, "unsupported_media_type");
    let huge = format!(
        "{{\"name\": \"{}\", \"kind\": \"ngo\"}}",
        "a".repeat(300 * 1024)
    );
    let too_large = app
        .send(
            post()
                .insert_header(("Content-Type", "application/json"))
                .set_payload(huge),
        )
        .await;
    too_large.assert_problem(413, "payload_too_large");
    let positional = app
        .send(post().set_json(json!({"name": "A", "kind": "ngo", "address": [null, "40-001"]})))
        .await;
    positional.assert_problem(422, "validation_failed");
    assert_eq!(positional.error_fields(), vec!["address"]);
    let nul = app
        .send(post().set_json(json!({"name": "A\u{0}B", "kind": "ngo"})))
        .await;
    nul.assert_problem(422, "validation_failed");
    assert_eq!(nul.error_fields(), vec!["name"]);
    let array = app.send(post().set_json(json!(["A", "ngo"]))).await;
    array.assert_problem(422, "validation_failed");
    assert!(
        !array.text().contains("serde"),
        "no serde internals: {}",
        array.text()
    );
}

#[actix_web::test]
async fn bad_path_and_query_parameters() {
    let app = spawn_app().await;
    app.as_admin()
        .get("/api/v1/users/not-a-number")
        .send()
        .await
        .assert_problem(400, "invalid_path");
    app.anonymous()
        .get("/api/v1/organizations?limit=-5")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?sort=size")
        .send()
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn request_ids_are_echoed_or_generated() {
    let app = spawn_app().await;
    let given = app
        .send(
            TestRequest::get()
                .uri("/health/live")
                .insert_header(("X-Request-Id", "abc-123")),
        )
        .await;
    assert_eq!(given.header("x-request-id"), Some("abc-123"));
    let generated = app.anonymous().get("/health/live").send().await;
    assert_eq!(generated.header("x-request-id").map(str::len), Some(36));
    let hostile = app
        .send(
            TestRequest::get()
                .uri("/api/v1/nothing")
                .insert_header(("X-Request-Id", "a b\"<script>")),
        )
        .await;
    assert_ne!(
        hostile.header("x-request-id"),
        Some("a b\"<script>"),
        "unsafe ids are replaced"
    );
    assert_eq!(hostile.header("x-content-type-options"), Some("nosniff"));
}

#[actix_web::test]
async fn health_endpoints() {
    let app = spawn_app().await;
    let live = app
        .anonymous()
        .get("/health/live")
        .send()
        .await
        .assert_status(200);
    assert_eq!(*live.json(), json!({"status": "ok"}));
    app.anonymous()
        .get("/health/ready")
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn an_unreachable_database_is_503_not_a_hang() {
    let app = crate::helpers::spawn_app_with(|config| {
        // A port nothing listens on; the pool gives up after the acquire timeout.
        config.pool.url =
            razem::db::DatabaseUrl::Postgres("postgres://nobody@127.0.0.1:9/none".to_owned());
        config.pool.acquire_timeout = std::time::Duration::from_secs(1);
    })
    .await;
    let ready = app.anonymous().get("/health/ready").send().await;
    ready.assert_problem(503, "service_unavailable");
    assert!(ready.header("retry-after").is_some());
    app.anonymous()
        .get("/api/v1/organizations")
        .send()
        .await
        .assert_problem(503, "service_unavailable");
}

#[actix_web::test]
async fn ids_in_paths_are_positive() {
    let app = spawn_app().await;
    app.as_admin()
        .get("/api/v1/users/0")
        .send()
        .await
        .assert_problem(400, "invalid_path");
    app.as_admin()
        .get("/api/v1/users/-3")
        .send()
        .await
        .assert_problem(400, "invalid_path");
}

/// Every method a documented path does not list is 405 with `Allow`, also where a
/// fixed segment stands beside a parameter (`/practices/map` beside `/practices/{id}`).
#[actix_web::test]
async fn every_undocumented_method_on_a_documented_path_is_405() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let document = app.served_document().await;
    let paths = document["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (template, item) in paths {
        let uri: String = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "1"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                continue;
            }
            let request = TestRequest::default()
                .method(method.to_uppercase().parse().expect("a method"))
                .uri(&uri)
                .insert_header(("Authorization", format!("Bearer {admin}")));
            let response = app.send(request).await;
            assert_eq!(
                response.status(),
                405,
                "{method} {uri}: {}",
                response.text()
            );
            assert!(response.header("allow").is_some(), "{method} {uri}: Allow");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} cases");
}
