//! Bad bytes in path and query parameters: every parameter the served document names,
//! on every operation, with NUL (which PostgreSQL text cannot hold) and other control
//! characters. NUL is 400 problem+json naming the parameter; nothing is ever a 5xx.

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::helpers::spawn_app;

/// Values that must be refused (the character rule of every input: U+0000).
const WITH_NUL: [&str; 4] = ["\0", "a\0b", "\0\u{1}", "opos\0"];

/// Other control characters: refused or answered as any other odd value, never 5xx.
const CONTROL: [&str; 7] = [
    "\u{1}",
    "\u{8}",
    "a\u{1f}b",
    "\u{7f}",
    "\t",
    "\r\n",
    "\u{1b}[0m",
];

/// Every byte but unreserved ones percent-encoded, so the value arrives as it is.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A valid value for a path parameter: its example, else 1.
fn example(parameter: &Value) -> String {
    match &parameter["example"] {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => "1".to_owned(),
    }
}

struct Case {
    method: String,
    uri: String,
    location: &'static str,
    name: String,
    value: &'static str,
}

/// One request per operation, parameter (path or query) and value.
fn cases(document: &Value, values: &[&'static str]) -> Vec<Case> {
    let mut cases = Vec::new();
    let paths = document["paths"].as_object().expect("paths");
    for (template, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            let parameters: Vec<&Value> = operation["parameters"]
                .as_array()
                .map(|list| list.iter().collect())
                .unwrap_or_default();
            for target in &parameters {
                let location = match target["in"].as_str() {
                    Some("path") => "path",
                    Some("query") => "query",
                    _ => continue,
                };
                let name = target["name"].as_str().expect("a name").to_owned();
                for value in values {
                    let mut uri = template.clone();
                    for parameter in parameters.iter().filter(|p| p["in"] == "path") {
                        let own = parameter["name"].as_str().unwrap_or_default();
                        let text = if location == "path" && own == name {
                            encode(value)
                        } else {
                            encode(&example(parameter))
                        };
                        uri = uri.replace(&format!("{{{own}}}"), &text);
                    }
                    if location == "query" {
                        uri = format!("{uri}?{}={}", encode(&name), encode(value));
                    }
                    cases.push(Case {
                        method: method.to_uppercase(),
                        uri,
                        location,
                        name: name.clone(),
                        value,
                    });
                }
            }
        }
    }
    cases
}

fn request(case: &Case, token: &str) -> TestRequest {
    let request = match case.method.as_str() {
        "GET" => TestRequest::get(),
        "POST" => TestRequest::post(),
        "PUT" => TestRequest::put(),
        "PATCH" => TestRequest::patch(),
        "DELETE" => TestRequest::delete(),
        other => panic!("an operation with method {other}"),
    };
    // Signed in as an administrator, so that extraction, not authorization, decides.
    request
        .uri(&case.uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
}

#[actix_web::test]
async fn nul_in_any_path_or_query_parameter_is_400_naming_it() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let document = app.served_document().await;
    let cases = cases(&document, &WITH_NUL);
    assert!(cases.len() > 300, "only {} cases", cases.len());
    let (mut paths, mut queries) = (0, 0);
    for case in &cases {
        let response = app.send(request(case, &admin)).await;
        let what = format!(
            "{} {} ({} parameter '{}' = {:?}): {}",
            case.method,
            case.uri,
            case.location,
            case.name,
            case.value,
            response.text()
        );
        let code = if case.location == "path" {
            paths += 1;
            "invalid_path"
        } else {
            queries += 1;
            "invalid_query"
        };
        assert_eq!(response.status().as_u16(), 400, "{what}");
        response.assert_problem(400, code);
        // The router refuses a value a constrained segment (`{presidency_id:[0-9]+}`)
        // does not match before any extractor runs, without naming it.
        if case.location == "query" || response.json()["errors"].is_array() {
            assert_eq!(response.json()["errors"][0]["field"], case.name, "{what}");
            assert_eq!(
                response.json()["errors"][0]["code"],
                "invalid_character",
                "{what}"
            );
        }
    }
    assert!(
        paths > 50 && queries > 100,
        "{paths} path and {queries} query cases"
    );
    // A NUL in a parameter's name is refused the same way.
    app.as_admin()
        .get("/api/v1/organizations?q%00=x")
        .send()
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn other_control_characters_in_parameters_are_never_a_server_error() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let document = app.served_document().await;
    for case in cases(&document, &CONTROL) {
        let response = app.send(request(&case, &admin)).await;
        let what = format!(
            "{} {} ({} parameter '{}' = {:?}): {} {}",
            case.method,
            case.uri,
            case.location,
            case.name,
            case.value,
            response.status(),
            response.text()
        );
        assert!(response.status().as_u16() < 500, "{what}");
        if response.status().is_client_error() {
            assert_eq!(
                response.content_type(),
                "application/problem+json",
                "{what}"
            );
            assert!(response.json()["code"].is_string(), "{what}");
        }
    }
}
