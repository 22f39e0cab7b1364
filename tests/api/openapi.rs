//! The contract: served document == committed file == `razem openapi`, and complete.

use actix_web::http::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

fn committed() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn committed_contract_matches_the_code() {
    let generated = razem::server::document_json();
    let on_disk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert!(
        generated == on_disk,
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json` and review the diff"
    );
}

#[actix_web::test]
async fn served_document_is_openapi_3_1_and_equals_the_committed_one() {
    let app = spawn_app().await;
    let served = app
        .anonymous()
        .get("/api/v1/openapi.json")
        .send()
        .await
        .assert_status(200);
    assert_eq!(served.json()["openapi"], "3.1.0");
    assert_eq!(*served.json(), committed());
}

#[actix_web::test]
async fn swagger_ui_is_served_without_network() {
    let app = spawn_app().await;
    let redirect = app.anonymous().get("/swagger-ui").send().await;
    assert!(redirect.status().is_redirection());
    let index = app
        .anonymous()
        .get("/swagger-ui/")
        .send()
        .await
        .assert_status(200);
    assert!(index.text().contains("Swagger UI"));
    let bundle = app
        .anonymous()
        .get("/swagger-ui/swagger-ui-bundle.js")
        .send()
        .await
        .assert_status(200);
    assert!(
        bundle.text().len() > 100_000,
        "the vendored bundle is embedded"
    );
}

#[test]
fn every_operation_is_complete() {
    let doc = committed();
    let responses = doc["components"]["responses"].as_object().unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            assert!(operation["summary"].is_string(), "{name} has a summary");
            assert!(
                operation["description"]
                    .as_str()
                    .is_some_and(|text| !text.trim().is_empty()),
                "{name} has a description (the doc comment's second paragraph)"
            );
            let codes = operation["responses"].as_object().unwrap();
            assert!(
                codes.keys().any(|c| c.starts_with('2')),
                "{name} documents success"
            );
            for code in ["500", "503"] {
                assert!(codes.contains_key(code), "{name} documents {code}");
            }
            for (code, response) in codes {
                if code.starts_with('4') || code.starts_with('5') {
                    let reference = response["$ref"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{name} {code} is a problem response"));
                    let target = reference.rsplit('/').next().unwrap();
                    assert!(
                        responses[target]["content"]["application/problem+json"].is_object(),
                        "{name} {code}"
                    );
                }
            }
            // `security: []` is a public operation; `[{}, …]` is one a token is optional for.
            let secured = operation["security"]
                .as_array()
                .is_some_and(|requirements| !requirements.is_empty());
            if secured {
                assert!(codes.contains_key("401"), "{name} documents 401");
            }
            if matches!(method.as_str(), "patch" | "delete") {
                assert!(
                    codes.contains_key("412") && codes.contains_key("428"),
                    "{name} documents If-Match"
                );
            }
        }
    }
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let has_example = schema.get("example").is_some()
            || schema.get("examples").is_some()
            || schema.get("enum").is_some();
        assert!(has_example, "schema {name} has an example");
    }
}

/// Redocly's `security-defined` and Spectral's `oas3-operation-security-defined`, kept
/// meaningful here: every operation says who may call it, public ones with `security: []`,
/// and the scopes an API token needs are named by the operation (`x-api-token-scopes` and
/// its description), not listed on the `api_token` bearer scheme, which cannot carry them.
#[test]
fn every_operation_declares_its_security_and_token_scopes() {
    let doc = committed();
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for (scheme_name, scheme) in schemes {
        assert_eq!(
            scheme["type"], "http",
            "{scheme_name} is an HTTP bearer scheme"
        );
    }
    let known_scopes: Vec<&str> = doc["components"]["schemas"]["Scope"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|scope| scope.as_str().unwrap())
        .collect();
    let extension = razem::openapi::SCOPES_EXTENSION;
    let mut public = Vec::new();
    let mut with_scopes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let requirements = operation["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{name} declares `security` (`[]` when public)"));
            if requirements.is_empty() {
                public.push(name.clone());
            }
            let mut accepts_api_tokens = false;
            for requirement in requirements {
                for (scheme_name, scopes) in requirement.as_object().unwrap() {
                    assert!(schemes.contains_key(scheme_name), "{name}: {scheme_name}");
                    assert_eq!(
                        scopes,
                        &serde_json::json!([]),
                        "{name}: scopes are only for OAuth2/OpenID schemes; name them in {extension}"
                    );
                    accepts_api_tokens |= scheme_name == "api_token";
                }
            }
            let scopes = operation.get(extension);
            if !accepts_api_tokens {
                assert!(
                    scopes.is_none(),
                    "{name} takes no API token but names scopes"
                );
                continue;
            }
            with_scopes += 1;
            let scopes = scopes
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{name} accepts API tokens: it names their scopes"));
            assert!(!scopes.is_empty(), "{name} names at least one scope");
            let description = operation["description"].as_str().unwrap_or_default();
            for scope in scopes {
                let scope = scope.as_str().unwrap();
                assert!(
                    known_scopes.contains(&scope),
                    "{name}: unknown scope {scope}"
                );
                assert!(
                    description.contains(&format!("`{scope}`")),
                    "{name}: the description names the scope {scope}"
                );
            }
        }
    }
    public.sort();
    assert_eq!(
        public,
        [
            "GET /api/v1/events.ics",
            "GET /api/v1/feeds/consultations.atom",
            "GET /api/v1/feeds/positions.atom",
            "GET /api/v1/projects/{id}/events.ics",
            "GET /health/live",
            "GET /health/ready",
            "POST /api/v1/auth/login",
            "POST /api/v1/auth/logout",
            "POST /api/v1/auth/refresh",
        ],
        "the operations that need no token"
    );
    assert!(
        with_scopes >= 58,
        "{with_scopes} operations accept API tokens"
    );
}

/// The scopes in the contract are the ones the server enforces: a token with only
/// `associations:read` may read an association but not change it (403), as documented.
#[actix_web::test]
async fn documented_scopes_match_the_enforced_ones() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let slug = "slaski-zwiazek-gmin-i-powiatow";
    let token = app
        .api_token(&admin, app.id_of(slug).await, &["associations:read"])
        .await;
    let doc = committed();
    let item = &doc["paths"]["/api/v1/associations/{id_or_slug}"];
    let extension = razem::openapi::SCOPES_EXTENSION;
    assert_eq!(
        item["get"][extension],
        serde_json::json!(["associations:read"])
    );
    assert_eq!(
        item["patch"][extension],
        serde_json::json!(["associations:write"])
    );
    let path = format!("/api/v1/associations/{slug}");
    let got = app
        .with_token(&token)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    let etag = got.header("etag").unwrap().to_owned();
    let body = serde_json::json!({"website": "https://example.org"});
    app.with_token(&token)
        .patch(&path)
        .json(&body)
        .if_match(&etag)
        .send()
        .await
        .assert_status(403);
}

#[actix_web::test]
async fn every_documented_route_is_registered() {
    let app = spawn_app().await;
    let doc = committed();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id_or_slug}", "opos").replace("{id}", "1");
        for method in item.as_object().unwrap().keys() {
            let request = actix_web::test::TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&concrete);
            let response = app.send(request).await;
            assert_ne!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if response.status() == StatusCode::NOT_FOUND {
                assert_ne!(
                    response.json()["detail"].as_str().unwrap_or_default(),
                    format!("no resource at {concrete}"),
                    "{method} {path} is routed"
                );
            }
        }
    }
}

#[test]
fn every_reference_resolves() {
    fn walk(value: &Value, refs: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    refs.push(reference.clone());
                }
                map.values().for_each(|v| walk(v, refs));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let doc = committed();
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference.trim_start_matches('#');
        assert!(
            doc.pointer(pointer).is_some(),
            "unresolvable reference {reference}"
        );
    }
}
