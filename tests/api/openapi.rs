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
    let served = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.json["openapi"], "3.1.0");
    assert_eq!(served.json, committed());
}

#[actix_web::test]
async fn swagger_ui_is_served_without_network() {
    let app = spawn_app().await;
    let redirect = app.get("/swagger-ui", None).await;
    assert!(redirect.status.is_redirection());
    let index = app.get("/swagger-ui/", None).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.text.contains("Swagger UI"));
    let bundle = app.get("/swagger-ui/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert!(
        bundle.text.len() > 100_000,
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
            let secured = operation.get("security").is_some();
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
                response.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if response.status == StatusCode::NOT_FOUND {
                assert_ne!(
                    response.json["detail"].as_str().unwrap_or_default(),
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
