//! Projects: CRUD with partners, funding and goals; every money rule; date rules;
//! filters, sorts and keyset pagination; indicators and their progress; authorization
//! by role with refused writes leaving rows unchanged; preconditions; audit; the demo
//! project read back exactly.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::{
    project_events, project_funding, project_goals, project_indicators, project_partners, projects,
};
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app};

/// The people and organizations most tests need, on top of the demo data set.
pub struct World {
    /// ZMP: the lead organization of most test projects.
    pub zmp: i64,
    /// ZPP: a partner.
    pub zpp: i64,
    pub zgw: i64,
    pub ks: i64,
    pub admin: String,
    /// Editor of ZMP.
    pub editor_lead: String,
    /// Editor of ZPP.
    pub editor_partner: String,
    pub viewer: String,
}

pub async fn world(app: &TestApp) -> World {
    app.seed_demo();
    let zmp = app.id_of("zmp").await;
    let zpp = app.id_of("zpp").await;
    let zgw = app.id_of("zgw-rp").await;
    let ks = app.id_of("ks").await;
    let admin = app.admin().await;
    let (_, editor_lead) = app
        .user("redakcja@zmp.example.org", Role::Editor, &[zmp])
        .await;
    let (_, editor_partner) = app
        .user("redakcja@zpp.example.org", Role::Editor, &[zpp])
        .await;
    let (_, viewer) = app.user("czytelnik@example.org", Role::Viewer, &[]).await;
    World {
        zmp,
        zpp,
        zgw,
        ks,
        admin,
        editor_lead,
        editor_partner,
        viewer,
    }
}

/// A minimal valid project of `lead`.
pub fn project_body(lead: i64, code: &str) -> Value {
    json!({
        "code": code,
        "title": format!("Projekt {code}"),
        "lead_id": lead,
        "starts_on": "2020-01-01"
    })
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app
        .with_token(token)
        .post("/api/v1/projects")
        .json(&body)
        .send()
        .await;
    assert_eq!(
        response.status,
        StatusCode::CREATED,
        "create project: {}",
        response.text
    );
    response.json
}

fn project_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| projects::table.count().get_result(conn).unwrap())
}

fn version_of(app: &TestApp, id: i64) -> i64 {
    app.with_conn(|conn| {
        projects::table
            .find(id)
            .select(projects::version)
            .first(conn)
            .unwrap()
    })
}

fn audit_actions(app: &TestApp, object_type: &str, id: i64) -> Vec<String> {
    app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, object_type, &id.to_string())
            .unwrap()
            .into_iter()
            .map(|row| row.action)
            .collect()
    })
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Asserts a 422 naming `field` with `code`.
#[track_caller]
fn assert_invalid(response: &TestResponse, field: &str, code: &str) {
    response.assert_problem(422, "validation_failed");
    let errors = response.json["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == code),
        "expected {field}/{code} in {}",
        response.text
    );
}

#[actix_web::test]
async fn create_read_update_delete_round_trip_with_every_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = app.with_token(&w.editor_lead).post("/api/v1/projects").json(json!({
                "code": "ZMP-TEST/2024",
                "title": "  Współpraca w obszarach funkcjonalnych miast  ",
                "summary": "Wsparcie partnerstw samorządowych.",
                "description": "## Cel\n\nZintegrowane zarządzanie **terytorialne**.",
                "lead_id": w.zmp,
                "status": "in_progress",
                "starts_on": "2024-01-01",
                "ends_on": "2026-12-31",
                "value": {"amount": "2500000.5", "currency": "PLN"},
                "funding": [
                    {"source": "Mechanizm Finansowy EOG 2014–2021", "programme": "Rozwój Lokalny", "amount": {"amount": "2125000.42", "currency": "PLN"}},
                    {"source": "Wkład własny ZMP", "amount": {"amount": "375000.08", "currency": "PLN"}},
                    {"source": "Norweski wkład partnera", "amount": {"amount": "10000", "currency": "NOK"}}
                ],
                "partners": [
                    {"organization_id": w.zmp, "role": "leader"},
                    {"organization_id": w.ks, "role": "partner"},
                    {"organization_id": w.zpp, "role": "associated"}
                ],
                "goals": ["  Wsparcie 38 partnerstw. ", "Analiza barier prawnych."]
            })).send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json["id"].as_i64().unwrap();
    let path = format!("/api/v1/projects/{id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag(), "\"1\"");
    let body = &created.json;
    assert_eq!(body["code"], "ZMP-TEST/2024");
    assert_eq!(body["title"], "Współpraca w obszarach funkcjonalnych miast");
    assert_eq!(body["lead_id"], w.zmp);
    assert_eq!(
        body["lead"],
        json!({"id": w.zmp, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"})
    );
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["starts_on"], "2024-01-01");
    assert_eq!(body["ends_on"], "2026-12-31");
    assert_eq!(
        body["value"],
        json!({"amount": "2500000.50", "currency": "PLN"})
    );
    assert_eq!(
        body["funding"],
        json!([
            {"source": "Mechanizm Finansowy EOG 2014–2021", "programme": "Rozwój Lokalny", "amount": {"amount": "2125000.42", "currency": "PLN"}},
            {"source": "Wkład własny ZMP", "programme": null, "amount": {"amount": "375000.08", "currency": "PLN"}},
            {"source": "Norweski wkład partnera", "programme": null, "amount": {"amount": "10000.00", "currency": "NOK"}}
        ])
    );
    assert_eq!(
        body["total_funding"],
        json!([{"amount": "10000.00", "currency": "NOK"}, {"amount": "2500000.50", "currency": "PLN"}]),
        "exact sums per currency, ordered by currency code"
    );
    let partners: Vec<(i64, String)> = body["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["organization_id"].as_i64().unwrap(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        partners,
        vec![
            (w.zmp, "leader".to_owned()),
            (w.ks, "partner".to_owned()),
            (w.zpp, "associated".to_owned())
        ]
    );
    assert_eq!(body["partners"][1]["organization"]["slug"], "ks");
    assert_eq!(
        body["goals"],
        json!(["Wsparcie 38 partnerstw.", "Analiza barier prawnych."])
    );
    assert_eq!(body["indicators"], json!([]));
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("**terytorialne**")
    );

    // What was stored: money in minor units, the leader as the first partner row.
    let stored: (Option<i64>, Option<String>, String) = app.with_conn(|conn| {
        projects::table
            .find(id)
            .select((
                projects::value_minor,
                projects::value_currency,
                projects::search_text,
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored.0, Some(250_000_050));
    assert_eq!(stored.1.as_deref(), Some("PLN"));
    assert!(stored.2.contains("wspolpraca w obszarach"), "{}", stored.2);
    assert!(stored.2.contains("zmp-test/2024"));
    let funding_rows: Vec<(i64, String)> = app.with_conn(|conn| {
        project_funding::table
            .filter(project_funding::project_id.eq(id))
            .order(project_funding::id)
            .select((project_funding::amount_minor, project_funding::currency))
            .load(conn)
            .unwrap()
    });
    assert_eq!(
        funding_rows,
        vec![
            (212_500_042, "PLN".to_owned()),
            (37_500_008, "PLN".to_owned()),
            (1_000_000, "NOK".to_owned())
        ]
    );
    let partner_rows: Vec<(i64, String, i32)> = app.with_conn(|conn| {
        project_partners::table
            .filter(project_partners::project_id.eq(id))
            .order(project_partners::position)
            .select((
                project_partners::organization_id,
                project_partners::role,
                project_partners::position,
            ))
            .load(conn)
            .unwrap()
    });
    assert_eq!(
        partner_rows,
        vec![
            (w.zmp, "leader".to_owned(), 0),
            (w.ks, "partner".to_owned(), 1),
            (w.zpp, "associated".to_owned(), 2)
        ]
    );

    let read = app.anonymous().get(&path).send().await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json, created.json);
    assert_eq!(read.etag(), "\"1\"");

    // A partners list read back from the project can be sent back unchanged.
    let round_trip: Vec<Value> = body["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"organization_id": p["organization_id"], "role": p["role"]}))
        .collect();
    let same = app
        .with_token(&w.editor_lead)
        .patch(&path)
        .json(
            json!({"partners": round_trip, "title": "Współpraca w obszarach funkcjonalnych miast"}),
        )
        .if_match(1)
        .send()
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    assert_eq!(
        same.etag(),
        "\"1\"",
        "a patch that changes nothing keeps the version"
    );

    let patched = app.with_token(&w.editor_lead).patch(&path).json(json!({
                "status": "completed", "summary": null,
                "value": {"amount": "2600000", "currency": "PLN"},
                "funding": [{"source": "Budżet państwa", "amount": {"amount": "0.1", "currency": "PLN"}},
                            {"source": "Budżet państwa", "amount": {"amount": "0.2", "currency": "PLN"}}],
                "goals": []
            })).if_match(1).send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.etag(), "\"2\"");
    assert_eq!(patched.json["status"], "completed");
    assert_eq!(patched.json["summary"], Value::Null);
    assert_eq!(
        patched.json["value"],
        json!({"amount": "2600000.00", "currency": "PLN"})
    );
    assert_eq!(
        patched.json["total_funding"],
        json!([{"amount": "0.30", "currency": "PLN"}]),
        "0.10 + 0.20 is exactly 0.30"
    );
    assert_eq!(patched.json["goals"], json!([]));
    assert_eq!(
        patched.json["partners"], created.json["partners"],
        "absent lists stay"
    );
    assert_eq!(patched.json["description"], created.json["description"]);

    // The audit log has every write, with money as decimal strings.
    assert_eq!(audit_actions(&app, "project", id), vec!["create", "update"]);
    let changes: Value = app.with_conn(|conn| {
        let rows = razem::audit::repo::for_object(conn, "project", &id.to_string()).unwrap();
        serde_json::from_str(rows[1].changes.as_deref().unwrap()).unwrap()
    });
    assert_eq!(
        changes["value"],
        json!([{"amount": "2500000.50", "currency": "PLN"}, {"amount": "2600000.00", "currency": "PLN"}])
    );
    assert_eq!(changes["status"], json!(["in_progress", "completed"]));

    app.with_token(&w.editor_lead)
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.editor_lead)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    let deleted = app
        .with_token(&w.editor_lead)
        .delete(&path)
        .if_match(2)
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    let leftovers: (i64, i64, i64) = app.with_conn(|conn| {
        (
            project_partners::table
                .filter(project_partners::project_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            project_funding::table
                .filter(project_funding::project_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            project_goals::table
                .filter(project_goals::project_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    });
    assert_eq!(leftovers, (0, 0, 0), "related rows go with the project");
    assert_eq!(
        audit_actions(&app, "project", id),
        vec!["create", "update", "delete"]
    );
}

#[actix_web::test]
async fn money_is_exact_and_every_rule_answers_422_naming_the_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Valid amounts and what is answered (and stored).
    for (n, (sent, answered, minor)) in [
        ("0", "0.00", 0i64),
        ("0.5", "0.50", 50),
        ("0.05", "0.05", 5),
        ("10500000", "10500000.00", 1_050_000_000),
        ("10500000.5", "10500000.50", 1_050_000_050),
        ("10500000.00", "10500000.00", 1_050_000_000),
        (
            "999999999999999.99",
            "999999999999999.99",
            99_999_999_999_999_999,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        for currency in ["PLN", "EUR", "NOK", "CHF", "USD", "GBP"] {
            let mut body = project_body(w.zmp, &format!("M-{n}-{currency}"));
            body["value"] = json!({"amount": sent, "currency": currency});
            let project = create(&app, &w.admin, body).await;
            assert_eq!(
                project["value"],
                json!({"amount": answered, "currency": currency}),
                "{sent} {currency}"
            );
            let stored: (Option<i64>, Option<String>) = app.with_conn(|conn| {
                projects::table
                    .find(project["id"].as_i64().unwrap())
                    .select((projects::value_minor, projects::value_currency))
                    .first(conn)
                    .unwrap()
            });
            assert_eq!(stored, (Some(minor), Some(currency.to_owned())));
        }
    }

    // Invalid amounts: 422 naming the field, nothing stored.
    let before = project_count(&app);
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!(10500000), "value.amount", "amount_not_a_string"),
        (json!(10500000.5), "value.amount", "amount_not_a_string"),
        (json!(0), "value.amount", "amount_not_a_string"),
        (json!("1e6"), "value.amount", "invalid_amount"),
        (json!("1.05E7"), "value.amount", "invalid_amount"),
        (json!("10500000.005"), "value.amount", "too_many_decimals"),
        (json!("1.999"), "value.amount", "too_many_decimals"),
        (json!("-5.00"), "value.amount", "negative_amount"),
        (json!("-0"), "value.amount", "negative_amount"),
        (json!("010500000.00"), "value.amount", "invalid_amount"),
        (json!("00.50"), "value.amount", "invalid_amount"),
        (json!("10 500 000,00"), "value.amount", "invalid_amount"),
        (json!("10500000,50"), "value.amount", "invalid_amount"),
        (
            json!("1000000000000000"),
            "value.amount",
            "amount_too_large",
        ),
        (
            json!("9223372036854775808"),
            "value.amount",
            "amount_too_large",
        ),
        (json!(""), "value.amount", "invalid_amount"),
        (json!(".50"), "value.amount", "invalid_amount"),
        (json!("5."), "value.amount", "invalid_amount"),
        (json!("+5"), "value.amount", "invalid_amount"),
        (json!(" 5"), "value.amount", "invalid_amount"),
        (json!("NaN"), "value.amount", "invalid_amount"),
        (json!("Infinity"), "value.amount", "invalid_amount"),
        (json!(null), "value.amount", "invalid_type"),
        (json!(true), "value.amount", "invalid_type"),
    ];
    for (amount, field, code) in cases {
        let mut body = project_body(w.zmp, "ZLE-KWOTY");
        body["value"] = json!({"amount": amount, "currency": "PLN"});
        let response = app
            .with_token(&w.admin)
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, field, code);
    }
    for (value, field, code) in [
        (
            json!({"amount": "1.00", "currency": "JPY"}),
            "value.currency",
            "invalid_enum_value",
        ),
        (
            json!({"amount": "1.00", "currency": "pln"}),
            "value.currency",
            "invalid_enum_value",
        ),
        (
            json!({"amount": "1.00", "currency": "zł"}),
            "value.currency",
            "invalid_enum_value",
        ),
        (json!({"amount": "1.00"}), "value.currency", "required"),
        (json!({"currency": "PLN"}), "value.amount", "required"),
        (
            json!({"amount": "1.00", "currency": "PLN", "grosze": 100}),
            "value.grosze",
            "unknown_field",
        ),
        (json!(["1.00", "PLN"]), "value", "invalid_type"),
        (json!("10500000.00 PLN"), "value", "invalid_type"),
        (json!(10500000), "value", "invalid_type"),
    ] {
        let mut body = project_body(w.zmp, "ZLE-KWOTY");
        body["value"] = value.clone();
        let response = app
            .with_token(&w.admin)
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, field, code);
    }
    // The same rules inside funding name the entry.
    let mut body = project_body(w.zmp, "ZLE-KWOTY");
    body["funding"] = json!([
        {"source": "EOG", "amount": {"amount": "1.00", "currency": "PLN"}},
        {"source": "Wkład własny", "amount": {"amount": 100, "currency": "PLN"}}
    ]);
    let response = app
        .with_token(&w.admin)
        .post("/api/v1/projects")
        .json(&body)
        .send()
        .await;
    assert_invalid(&response, "funding[1].amount.amount", "amount_not_a_string");
    body["funding"] = json!([{"source": "EOG", "amount": {"amount": "1.00", "currency": "SEK"}}]);
    let response = app
        .with_token(&w.admin)
        .post("/api/v1/projects")
        .json(&body)
        .send()
        .await;
    assert_invalid(
        &response,
        "funding[0].amount.currency",
        "invalid_enum_value",
    );

    // Sums are exact and never overflow: a total above the largest amount is refused.
    let max = json!({"amount": "999999999999999.99", "currency": "PLN"});
    body["funding"] = json!([{"source": "A", "amount": max}, {"source": "B", "amount": {"amount": "0.01", "currency": "PLN"}}]);
    let response = app
        .with_token(&w.admin)
        .post("/api/v1/projects")
        .json(&body)
        .send()
        .await;
    assert_invalid(&response, "funding", "total_too_large");
    let many: Vec<Value> = (0..100)
        .map(|i| json!({"source": format!("Źródło {i}"), "amount": max}))
        .collect();
    body["funding"] = json!(many);
    let response = app
        .with_token(&w.admin)
        .post("/api/v1/projects")
        .json(&body)
        .send()
        .await;
    assert_invalid(&response, "funding", "total_too_large");
    assert_eq!(project_count(&app), before, "nothing was stored");

    // Up to the largest amount it adds up exactly; currencies are summed apart.
    body["funding"] = json!([
        {"source": "A", "amount": {"amount": "999999999999999.98", "currency": "PLN"}},
        {"source": "B", "amount": {"amount": "0.01", "currency": "PLN"}},
        {"source": "C", "amount": max.clone()},
        {"source": "D", "amount": {"amount": "999999999999999.99", "currency": "EUR"}}
    ]);
    body["funding"][2]["amount"]["currency"] = json!("CHF");
    let project = create(&app, &w.admin, body).await;
    assert_eq!(
        project["total_funding"],
        json!([
            {"amount": "999999999999999.99", "currency": "CHF"},
            {"amount": "999999999999999.99", "currency": "EUR"},
            {"amount": "999999999999999.99", "currency": "PLN"}
        ])
    );

    // PATCH applies the same rules and leaves the row unchanged when they fail.
    let id = project["id"].as_i64().unwrap();
    let path = format!("/api/v1/projects/{id}");
    let response = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"value": {"amount": "12.345", "currency": "PLN"}}))
        .if_match(1)
        .send()
        .await;
    assert_invalid(&response, "value.amount", "too_many_decimals");
    let response = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"funding": [{"source": "A", "amount": max}, {"source": "A", "amount": max}]}))
        .if_match(1)
        .send()
        .await;
    assert_invalid(&response, "funding", "total_too_large");
    assert_eq!(version_of(&app, id), 1);
    let cleared = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"value": null}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(cleared.json["value"], Value::Null);
}

#[actix_web::test]
async fn dates_and_cross_field_rules() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before = project_count(&app);
    for (patch, field, code) in [
        (
            json!({"starts_on": "2016-10-31", "ends_on": "2012-06-01"}),
            "ends_on",
            "ends_before_start",
        ),
        (json!({"status": "completed"}), "ends_on", "required"),
        (json!({"status": "settled"}), "ends_on", "required"),
        (
            json!({"starts_on": "1989-12-31"}),
            "starts_on",
            "date_out_of_range",
        ),
        (
            json!({"ends_on": "2101-01-01"}),
            "ends_on",
            "date_out_of_range",
        ),
        (
            json!({"starts_on": "2016-02-30"}),
            "starts_on",
            "invalid_value",
        ),
        (
            json!({"starts_on": "18.04.2016"}),
            "starts_on",
            "invalid_value",
        ),
        (json!({"starts_on": null}), "starts_on", "invalid_type"),
        (json!({"code": "zmp-eog"}), "code", "invalid_project_code"),
        (json!({"code": "ZMP--EOG"}), "code", "invalid_project_code"),
        (json!({"title": "   "}), "title", "blank"),
        (
            json!({"status": "finished"}),
            "status",
            "invalid_enum_value",
        ),
        (json!({"lead_id": 0}), "lead_id", "range"),
        (json!({"goals": ["  "]}), "goals[0]", "blank"),
        (
            json!({"partners": [[1, "partner"]]}),
            "partners[0]",
            "invalid_type",
        ),
        (json!({"colour": "red"}), "colour", "unknown_field"),
    ] {
        let mut body = project_body(w.zmp, "DATY-1");
        for (key, value) in patch.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = app
            .with_token(&w.admin)
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, field, code);
    }
    assert_eq!(project_count(&app), before);

    // One day is a valid project; an open-ended one too.
    let mut body = project_body(w.zmp, "DATY-1");
    body["ends_on"] = json!("2020-01-01");
    let one_day = create(&app, &w.admin, body).await;
    assert_eq!(one_day["ends_on"], "2020-01-01");
    let open = create(&app, &w.admin, project_body(w.zmp, "DATY-2")).await;
    assert_eq!(open["ends_on"], Value::Null);
    assert_eq!(open["status"], "planned", "the default status");

    // PATCH checks the complete new state.
    let path = format!("/api/v1/projects/{}", one_day["id"]);
    let response = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"starts_on": "2020-01-02"}))
        .if_match(1)
        .send()
        .await;
    assert_invalid(&response, "ends_on", "ends_before_start");
    let response = app
        .with_token(&w.admin)
        .patch(format!("/api/v1/projects/{}", open["id"]))
        .json(json!({"status": "completed"}))
        .if_match(1)
        .send()
        .await;
    assert_invalid(&response, "ends_on", "required");
    let response = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"ends_on": null, "status": "settled"}))
        .if_match(1)
        .send()
        .await;
    assert_invalid(&response, "ends_on", "required");
    assert_eq!(version_of(&app, one_day["id"].as_i64().unwrap()), 1);
    let moved = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"starts_on": "2019-06-01", "status": "completed"}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.json["starts_on"], "2019-06-01");
}

#[actix_web::test]
async fn partners_codes_and_references() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before = project_count(&app);
    for (partners, field, code) in [
        (
            json!([{"organization_id": w.zpp, "role": "leader"}]),
            "partners[0].role",
            "one_leader",
        ),
        (
            json!([{"organization_id": w.zpp, "role": "partner"}, {"organization_id": w.zmp, "role": "partner"}]),
            "partners[1].role",
            "lead_is_leader",
        ),
        (
            json!([{"organization_id": w.zpp, "role": "partner"}, {"organization_id": w.zpp, "role": "associated"}]),
            "partners[1].organization_id",
            "duplicate_value",
        ),
        (
            json!([{"organization_id": 999999, "role": "partner"}]),
            "partners",
            "not_found",
        ),
        (
            json!([{"organization_id": w.zpp, "role": "sponsor"}]),
            "partners[0].role",
            "invalid_enum_value",
        ),
        (
            json!([{"organization_id": w.zpp}]),
            "partners[0].role",
            "required",
        ),
    ] {
        let mut body = project_body(w.zmp, "PARTNERZY");
        body["partners"] = partners;
        let response = app
            .with_token(&w.admin)
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, field, code);
    }
    let response = app
        .with_token(&w.admin)
        .post("/api/v1/projects")
        .json(project_body(999999, "PARTNERZY"))
        .send()
        .await;
    assert_invalid(&response, "lead_id", "not_found");
    assert_eq!(project_count(&app), before);

    let mut body = project_body(w.zmp, "PARTNERZY");
    body["partners"] = json!([{"organization_id": w.zpp, "role": "partner"}]);
    let project = create(&app, &w.admin, body).await;
    app.with_token(&w.admin)
        .post("/api/v1/projects")
        .json(project_body(w.zpp, "PARTNERZY"))
        .send()
        .await
        .assert_problem(409, "code_taken");

    // A new lead: the previous one stays as a partner, the new one becomes the leader.
    let path = format!("/api/v1/projects/{}", project["id"]);
    let moved = app
        .with_token(&w.admin)
        .patch(&path)
        .json(json!({"lead_id": w.zpp}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    let roles: Vec<(i64, String)> = moved.json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["organization_id"].as_i64().unwrap(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![(w.zpp, "leader".to_owned()), (w.zmp, "partner".to_owned())]
    );
    // With `partners` in the same patch the list is exactly what was sent.
    let replaced = app.with_token(&w.admin).patch(&path).json(json!({"lead_id": w.zgw, "partners": [{"organization_id": w.ks, "role": "associated"}]})).if_match(2).send()
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    let ids: Vec<i64> = replaced.json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organization_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![w.zgw, w.ks]);
    let rows: i64 = app.with_conn(|conn| {
        project_partners::table
            .filter(project_partners::project_id.eq(project["id"].as_i64().unwrap()))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(rows, 2);
    // A code clash on PATCH is 409 too.
    create(&app, &w.admin, project_body(w.zmp, "INNY")).await;
    app.with_token(&w.admin)
        .patch(&path)
        .json(json!({"code": "INNY"}))
        .if_match(3)
        .send()
        .await
        .assert_problem(409, "code_taken");
}

#[actix_web::test]
async fn filters_sorts_and_pagination() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // The demo project (ZMP, 2012-06-01 – 2016-10-31, completed) plus these.
    let demo_id = app.anonymous().get("/api/v1/projects").send().await.json["items"][0]["id"]
        .as_i64()
        .unwrap();
    let specs = [
        // code, title, lead, partners, status, starts, ends
        (
            "P-1",
            "Łódzkie partnerstwo",
            w.zpp,
            vec![w.zmp],
            "in_progress",
            "2016-01-01",
            Some("2016-12-31"),
        ),
        (
            "P-2",
            "Ząbkowice w sieci",
            w.zgw,
            vec![],
            "planned",
            "2025-01-01",
            None,
        ),
        (
            "P-3",
            "Żywiec i okolice",
            w.zmp,
            vec![w.ks],
            "suspended",
            "2014-05-05",
            Some("2016-04-18"),
        ),
        (
            "P-4",
            "Ąę partnerstwo",
            w.zpp,
            vec![],
            "completed",
            "2016-04-19",
            Some("2016-05-01"),
        ),
        (
            "P-5",
            "Gminy razem",
            w.zmp,
            vec![],
            "planned",
            "2016-01-01",
            None,
        ),
    ];
    let mut created = Vec::new();
    for (code, title, lead, partners, status, starts, ends) in specs {
        let body = json!({
            "code": code, "title": title, "lead_id": lead, "status": status,
            "starts_on": starts, "ends_on": ends,
            "partners": partners.iter().map(|p| json!({"organization_id": p, "role": "partner"})).collect::<Vec<_>>()
        });
        created.push(create(&app, &w.admin, body).await["id"].as_i64().unwrap());
    }
    let [p1, p2, p3, p4, p5] = created[..] else {
        unreachable!()
    };
    let list = |query: String| {
        let app = &app;
        async move {
            let response = app
                .anonymous()
                .get(format!("/api/v1/projects?{query}"))
                .send()
                .await;
            assert_eq!(
                response.status,
                StatusCode::OK,
                "{query}: {}",
                response.text
            );
            ids(&response.json).into_iter().collect::<HashSet<i64>>()
        }
    };
    let set = |v: &[i64]| v.iter().copied().collect::<HashSet<i64>>();
    assert_eq!(
        list(format!("lead={}", w.zmp)).await,
        set(&[demo_id, p3, p5])
    );
    assert_eq!(
        list(format!("partner={}", w.zmp)).await,
        set(&[demo_id, p1, p3, p5]),
        "the leader takes part too"
    );
    assert_eq!(list(format!("partner={}", w.ks)).await, set(&[demo_id, p3]));
    assert_eq!(list("status=planned".into()).await, set(&[p2, p5]));
    // active_on: both ends inclusive, open-ended projects run on.
    assert_eq!(
        list("active_on=2016-04-18".into()).await,
        set(&[demo_id, p1, p3, p5])
    );
    assert_eq!(
        list("active_on=2016-04-19".into()).await,
        set(&[demo_id, p1, p4, p5])
    );
    assert_eq!(list("active_on=2030-01-01".into()).await, set(&[p2, p5]));
    assert_eq!(list("active_on=2010-01-01".into()).await, set(&[]));
    // q: title, code or summary, case and diacritics ignored.
    assert_eq!(list("q=lodzkie".into()).await, set(&[p1]));
    assert_eq!(list(format!("q={}", urlencode("ŻYWIEC"))).await, set(&[p3]));
    assert_eq!(list("q=p-2".into()).await, set(&[p2]));
    assert_eq!(
        list(format!("q={}", urlencode("współpracy międzysamorządowej"))).await,
        set(&[demo_id])
    );
    assert_eq!(list("q=100%25".into()).await, set(&[]), "% matches itself");
    assert_eq!(
        list(format!(
            "lead={}&status=suspended&active_on=2015-01-01",
            w.zmp
        ))
        .await,
        set(&[p3])
    );
    // updated_since: only what changed since.
    let mark = chrono::Utc::now() - chrono::Duration::milliseconds(1);
    app.with_token(&w.admin)
        .patch(format!("/api/v1/projects/{p4}"))
        .json(json!({"summary": "Zmienione."}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(
        list(format!(
            "updated_since={}",
            urlencode(&mark.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        ))
        .await,
        set(&[p4])
    );

    // Default order: the latest start first, ties by id (descending).
    let all = app
        .anonymous()
        .get("/api/v1/projects?limit=100")
        .send()
        .await;
    assert_eq!(ids(&all.json), vec![p2, p4, p5, p1, p3, demo_id]);
    // Every sort walks every project exactly once, page by page, in its order.
    for (sort, expected) in [
        ("-starts_on", vec![p2, p4, p5, p1, p3, demo_id]),
        ("starts_on", vec![demo_id, p3, p1, p5, p4, p2]),
        ("title", vec![p4, demo_id, p5, p1, p2, p3]),
        ("-title", vec![p3, p2, p1, p5, demo_id, p4]),
    ] {
        let mut seen = Vec::new();
        let mut url = format!("/api/v1/projects?sort={sort}&limit=2");
        loop {
            let page = app.anonymous().get(&url).send().await;
            assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.text);
            seen.extend(ids(&page.json));
            match page.json["next_cursor"].as_str() {
                Some(cursor) => {
                    assert!(page.header("link").unwrap().contains("rel=\"next\""));
                    url = format!("/api/v1/projects?sort={sort}&limit=2&cursor={cursor}");
                }
                None => break,
            }
        }
        assert_eq!(seen, expected, "sort {sort}");
    }
    for sort in ["updated_at", "-updated_at"] {
        let mut seen = Vec::new();
        let mut url = format!("/api/v1/projects?sort={sort}&limit=4");
        loop {
            let page = app.anonymous().get(&url).send().await;
            seen.extend(ids(&page.json));
            match page.json["next_cursor"].as_str() {
                Some(cursor) => {
                    url = format!("/api/v1/projects?sort={sort}&limit=4&cursor={cursor}")
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 6, "{sort}");
        assert_eq!(seen.iter().copied().collect::<HashSet<_>>().len(), 6);
        let last_changed = if sort == "updated_at" {
            *seen.last().unwrap()
        } else {
            seen[0]
        };
        assert_eq!(last_changed, p4, "{sort}");
    }

    // Bad parameters are 400 naming them.
    for query in [
        "sort=code",
        "status=finished",
        "active_on=2016-13-01",
        "lead=0",
        "partner=abc",
        "q=",
        "limit=0",
        "colour=red",
    ] {
        app.anonymous()
            .get(format!("/api/v1/projects?{query}"))
            .send()
            .await
            .assert_problem(400, "invalid_query");
    }
    app.anonymous()
        .get("/api/v1/projects?cursor=nonsense")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    let page = app
        .anonymous()
        .get("/api/v1/projects?sort=title&limit=1")
        .send()
        .await;
    let cursor = page.json["next_cursor"].as_str().unwrap();
    app.anonymous()
        .get(format!("/api/v1/projects?sort=starts_on&cursor={cursor}"))
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
}

#[actix_web::test]
async fn indicators_with_progress_bump_the_project_version() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let project = create(&app, &w.editor_lead, project_body(w.zmp, "WSKAZNIKI")).await;
    let id = project["id"].as_i64().unwrap();
    let base = format!("/api/v1/projects/{id}/indicators");
    let created = app.with_token(&w.editor_lead).post(&base).json(json!({"name": "  Szkolenia specjalistyczne ", "unit": "szkolenia", "target": 29, "achieved": 12, "as_of": "2014-06-30"})).send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let indicator_id = created.json["id"].as_i64().unwrap();
    let path = format!("{base}/{indicator_id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(
        created.json,
        json!({
            "id": indicator_id, "project_id": id, "name": "Szkolenia specjalistyczne", "unit": "szkolenia",
            "baseline": 0, "target": 29, "achieved": 12, "as_of": "2014-06-30", "progress_percent": 41.4,
            "version": 1, "created_at": created.json["created_at"], "updated_at": created.json["updated_at"]
        })
    );
    assert_eq!(version_of(&app, id), 2, "the project embeds its indicators");
    let read = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}"))
        .send()
        .await;
    assert_eq!(read.etag(), "\"2\"");
    assert_eq!(read.json["indicators"], json!([created.json]));

    // Progress: achieved / target, one decimal, over 100 allowed, null without either.
    for (patch, progress) in [
        (json!({"achieved": 29}), json!(100.0)),
        (json!({"achieved": 30}), json!(103.4)),
        (json!({"target": 3, "achieved": 1}), json!(33.3)),
        (json!({"target": 3, "achieved": 2}), json!(66.7)),
        (json!({"achieved": null}), Value::Null),
        (json!({"target": 0, "achieved": 5}), Value::Null),
        (
            json!({"target": 1610, "achieved": 1610, "baseline": 0}),
            json!(100.0),
        ),
    ] {
        let current = app.anonymous().get(&path).send().await;
        let response = app
            .with_token(&w.editor_lead)
            .patch(&path)
            .json(&patch)
            .if_match(current.etag())
            .send()
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{patch}: {}",
            response.text
        );
        assert_eq!(response.json["progress_percent"], progress, "{patch}");
    }
    let stored: (i64, Option<i64>, i64) = app.with_conn(|conn| {
        project_indicators::table
            .find(indicator_id)
            .select((
                project_indicators::target,
                project_indicators::achieved,
                project_indicators::version,
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored, (1610, Some(1610), 8));
    assert_eq!(version_of(&app, id), 9);

    // Rules.
    for (body, field, code) in [
        (
            json!({"name": "X", "unit": "osoby", "target": -1}),
            "target",
            "range",
        ),
        (
            json!({"name": "X", "unit": "osoby", "target": 1, "achieved": -5}),
            "achieved",
            "range",
        ),
        (
            json!({"name": "X", "unit": "osoby", "target": 1_000_000_000_001i64}),
            "target",
            "range",
        ),
        (
            json!({"name": "X", "unit": "osoby", "target": 1.5}),
            "target",
            "invalid_type",
        ),
        (
            json!({"name": "X", "unit": "osoby", "target": "29"}),
            "target",
            "invalid_type",
        ),
        (json!({"name": "X", "unit": "osoby"}), "target", "required"),
        (
            json!({"name": " ", "unit": "osoby", "target": 1}),
            "name",
            "blank",
        ),
        (
            json!({"name": "X", "unit": "osoby", "target": 1, "as_of": "1980-01-01"}),
            "as_of",
            "date_out_of_range",
        ),
    ] {
        let response = app
            .with_token(&w.editor_lead)
            .post(&base)
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, field, code);
    }
    app.with_token(&w.editor_lead)
        .post(&base)
        .json(json!({"name": "Szkolenia specjalistyczne", "unit": "szkolenia", "target": 1}))
        .send()
        .await
        .assert_problem(409, "indicator_name_taken");
    let count: i64 = app.with_conn(|conn| {
        project_indicators::table
            .filter(project_indicators::project_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(count, 1);

    // Lists, preconditions, other projects' indicators, deletion, audit.
    let second = app
        .with_token(&w.editor_lead)
        .post(&base)
        .json(json!({"name": "Wizyty studyjne", "unit": "wizyty", "target": 6}))
        .send()
        .await;
    let page = app.anonymous().get(format!("{base}?limit=1")).send().await;
    assert_eq!(ids(&page.json), vec![indicator_id]);
    let cursor = page.json["next_cursor"].as_str().unwrap().to_owned();
    let next = app
        .anonymous()
        .get(format!("{base}?limit=1&cursor={cursor}"))
        .send()
        .await;
    assert_eq!(ids(&next.json), vec![second.json["id"].as_i64().unwrap()]);
    assert_eq!(next.json["next_cursor"], Value::Null);
    let other = create(&app, &w.admin, project_body(w.zmp, "INNY-PROJEKT")).await;
    app.anonymous()
        .get(format!(
            "/api/v1/projects/{}/indicators/{indicator_id}",
            other["id"]
        ))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get("/api/v1/projects/999999/indicators")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"achieved": 1}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"achieved": 1}))
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.with_token(&w.editor_lead)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    let deleted = app
        .with_token(&w.editor_lead)
        .delete(&path)
        .if_match(8)
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        audit_actions(&app, "project_indicator", indicator_id),
        vec![
            "create", "update", "update", "update", "update", "update", "update", "update",
            "delete"
        ]
    );
    // Deleting the project takes its indicators with it.
    let current = version_of(&app, id);
    let response = app
        .with_token(&w.editor_lead)
        .delete(format!("/api/v1/projects/{id}"))
        .if_match(format!("\"{current}\""))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT, "{}", response.text);
    let left: i64 = app.with_conn(|conn| {
        project_indicators::table
            .filter(project_indicators::project_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(left, 0);
}

#[actix_web::test]
async fn authorization_by_role_and_token_scope() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token_lead = app
        .api_token(&w.admin, w.zmp, &["projects:read", "projects:write"])
        .await;
    let token_lead_read = app.api_token(&w.admin, w.zmp, &["projects:read"]).await;
    let token_lead_other = app
        .api_token(&w.admin, w.zmp, &["positions:read", "positions:write"])
        .await;
    let token_partner = app
        .api_token(&w.admin, w.zpp, &["projects:read", "projects:write"])
        .await;
    let principals: Vec<(&str, Option<&str>)> = vec![
        ("anonymous", None),
        ("admin", Some(&w.admin)),
        ("editor of the lead", Some(&w.editor_lead)),
        ("editor of a partner", Some(&w.editor_partner)),
        ("viewer", Some(&w.viewer)),
        ("token of the lead (read+write)", Some(&token_lead)),
        ("token of the lead (read)", Some(&token_lead_read)),
        (
            "token of the lead (positions scopes)",
            Some(&token_lead_other),
        ),
        ("token of a partner (read+write)", Some(&token_partner)),
    ];
    let mut body = project_body(w.zmp, "UPRAWNIENIA");
    body["partners"] = json!([{"organization_id": w.zpp, "role": "partner"}]);
    let project = create(&app, &w.admin, body).await;
    let id = project["id"].as_i64().unwrap();
    let indicator = app
        .with_token(&w.admin)
        .post(format!("/api/v1/projects/{id}/indicators"))
        .json(json!({"name": "Konferencje", "unit": "konferencje", "target": 9}))
        .send()
        .await
        .json;
    let indicator_id = indicator["id"].as_i64().unwrap();
    let event = app
        .with_token(&w.admin)
        .post(format!("/api/v1/projects/{id}/events"))
        .json(json!({"kind": "conference", "title": "Konferencja", "starts_on": "2016-04-18"}))
        .send()
        .await
        .json;
    let event_id = event["id"].as_i64().unwrap();
    let counts = || -> (i64, i64, i64) {
        app.with_conn(|conn| {
            (
                projects::table.count().get_result(conn).unwrap(),
                project_indicators::table.count().get_result(conn).unwrap(),
                project_events::table.count().get_result(conn).unwrap(),
            )
        })
    };
    let state = || -> (i64, String, i64, i64) {
        app.with_conn(|conn| {
            let (version, title): (i64, String) = projects::table
                .find(id)
                .select((projects::version, projects::title))
                .first(conn)
                .unwrap();
            let indicator: i64 = project_indicators::table
                .find(indicator_id)
                .select(project_indicators::version)
                .first(conn)
                .unwrap();
            let event: i64 = project_events::table
                .find(event_id)
                .select(project_events::version)
                .first(conn)
                .unwrap();
            (version, title, indicator, event)
        })
    };

    // Reads: everyone but a token without projects:read.
    let read_expected = [200, 200, 200, 200, 200, 200, 200, 403, 200];
    for path in [
        "/api/v1/projects".to_owned(),
        format!("/api/v1/projects/{id}"),
        format!("/api/v1/projects/{id}/indicators"),
        format!("/api/v1/projects/{id}/indicators/{indicator_id}"),
        format!("/api/v1/projects/{id}/events"),
        format!("/api/v1/projects/{id}/events/{event_id}"),
        "/api/v1/events".to_owned(),
    ] {
        for ((name, token), expected) in principals.iter().zip(read_expected) {
            let response = app.caller(*token).get(&path).send().await;
            assert_eq!(
                response.status.as_u16(),
                expected,
                "GET {path} as {name}: {}",
                response.text
            );
            if expected == 403 {
                response.assert_problem(403, "insufficient_scope");
            }
        }
    }

    // Writes: admins, editors of the lead, the lead's token with projects:write.
    let write_expected = [401, 200, 200, 403, 403, 200, 403, 403, 403];
    for ((name, token), expected) in principals.iter().zip(write_expected) {
        let before_counts = counts();
        let before = state();
        let results = [
            app.caller(*token).post("/api/v1/projects").json(project_body(w.zmp, &format!("NOWY-{}", before_counts.0))).send().await,
            app.caller(*token).patch(format!("/api/v1/projects/{id}")).json(json!({"title": format!("Zmienione: {name}")})).if_match(format!("\"{}\"", before.0)).send().await,
            app.caller(*token).post(format!("/api/v1/projects/{id}/indicators")).json(json!({"name": format!("Wskaźnik {name}"), "unit": "osoby", "target": 1})).send().await,
            app.caller(*token).patch(format!("/api/v1/projects/{id}/indicators/{indicator_id}")).json(json!({"achieved": before.2})).if_match(format!("\"{}\"", before.2)).send().await,
            app.caller(*token).post(format!("/api/v1/projects/{id}/events")).json(json!({"kind": "meeting", "title": format!("Spotkanie {name}"), "starts_on": "2016-05-05"})).send().await,
            app.caller(*token).patch(format!("/api/v1/projects/{id}/events/{event_id}")).json(json!({"participants_count": before.3})).if_match(format!("\"{}\"", before.3)).send().await,
        ];
        for (index, response) in results.iter().enumerate() {
            let status = response.status.as_u16();
            if expected == 200 {
                assert!(
                    status == 200 || status == 201,
                    "write {index} as {name}: {}",
                    response.text
                );
            } else {
                assert_eq!(
                    status, expected,
                    "write {index} as {name}: {}",
                    response.text
                );
                assert_eq!(response.content_type(), "application/problem+json");
            }
        }
        if expected != 200 {
            assert_eq!(
                counts(),
                before_counts,
                "refused writes as {name} add nothing"
            );
            assert_eq!(state(), before, "refused writes as {name} change nothing");
        } else {
            let after = counts();
            assert_eq!(
                after,
                (
                    before_counts.0 + 1,
                    before_counts.1 + 1,
                    before_counts.2 + 1
                ),
                "{name}"
            );
        }
    }
    // A token with projects:write writes only for its own organization's projects, and
    // an editor may not hand a project to an organization they do not edit.
    let response = app
        .with_token(&token_lead)
        .post("/api/v1/projects")
        .json(project_body(w.zpp, "OBCY"))
        .send()
        .await;
    response.assert_problem(403, "forbidden");
    let current = version_of(&app, id);
    app.with_token(&w.editor_lead)
        .patch(format!("/api/v1/projects/{id}"))
        .json(json!({"lead_id": w.zpp}))
        .if_match(format!("\"{current}\""))
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(version_of(&app, id), current);
    // Deleting: refused for everyone but admins, lead editors and the lead's token.
    for (index, status, code) in [
        (0, 401, "authentication_required"),
        (3, 403, "forbidden"),
        (4, 403, "forbidden"),
        (6, 403, "insufficient_scope"),
        (7, 403, "insufficient_scope"),
        (8, 403, "forbidden"),
    ] {
        let (name, token) = principals[index];
        let current = version_of(&app, id);
        let before_counts = counts();
        app.caller(token)
            .delete(format!("/api/v1/projects/{id}/events/{event_id}"))
            .if_match("*")
            .send()
            .await
            .assert_problem(status, code);
        app.caller(token)
            .delete(format!("/api/v1/projects/{id}/indicators/{indicator_id}"))
            .if_match("*")
            .send()
            .await
            .assert_problem(status, code);
        let response = app
            .caller(token)
            .delete(format!("/api/v1/projects/{id}"))
            .if_match(format!("\"{current}\""))
            .send()
            .await;
        response.assert_problem(status, code);
        assert_eq!(version_of(&app, id), current, "{name}");
        assert_eq!(
            counts(),
            before_counts,
            "refused deletes as {name} delete nothing"
        );
    }
    let current = version_of(&app, id);
    let response = app
        .with_token(&token_lead)
        .delete(format!("/api/v1/projects/{id}"))
        .if_match(format!("\"{current}\""))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT, "{}", response.text);
    let audit: Vec<(Option<i64>, Option<i64>)> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "project", &id.to_string())
            .unwrap()
            .into_iter()
            .map(|row| (row.actor_user_id, row.actor_token_id))
            .collect()
    });
    let (user, token) = audit.last().unwrap();
    assert!(
        user.is_none() && token.is_some(),
        "the token is the actor: {audit:?}"
    );
}

#[actix_web::test]
async fn the_demo_project_is_served_exactly() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Loading the demo set again adds nothing.
    app.seed_demo();
    let counts: (i64, i64, i64) = app.with_conn(|conn| {
        (
            projects::table.count().get_result(conn).unwrap(),
            project_indicators::table.count().get_result(conn).unwrap(),
            project_events::table.count().get_result(conn).unwrap(),
        )
    });
    assert_eq!(counts, (1, 8, 5));

    let list = app
        .anonymous()
        .get(format!(
            "/api/v1/projects?lead={}&q={}",
            w.zmp,
            urlencode("międzysektorowej")
        ))
        .send()
        .await;
    assert_eq!(ids(&list.json).len(), 1, "{}", list.text);
    let id = list.json["items"][0]["id"].as_i64().unwrap();
    let project = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}"))
        .send()
        .await
        .json;
    assert_eq!(project["code"], "ZMP-EOG-2012");
    assert_eq!(
        project["title"],
        "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego"
    );
    assert_eq!(project["lead_id"], w.zmp);
    assert_eq!(project["lead"]["slug"], "zmp");
    assert_eq!(project["status"], "completed");
    assert_eq!(project["starts_on"], "2012-06-01");
    assert_eq!(project["ends_on"], "2016-10-31");
    assert_eq!(
        project["value"],
        json!({"amount": "10500000.00", "currency": "PLN"})
    );
    assert_eq!(
        project["funding"],
        json!([{
            "source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014",
            "programme": "Program Regionalny współfinansowany przez MF EOG 2009–2014",
            "amount": {"amount": "10500000.00", "currency": "PLN"}
        }])
    );
    assert_eq!(
        project["total_funding"],
        json!([{"amount": "10500000.00", "currency": "PLN"}])
    );
    let partners: Vec<(String, String)> = project["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["organization"]["slug"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        partners,
        vec![
            ("zmp".to_owned(), "leader".to_owned()),
            ("ks".to_owned(), "partner".to_owned()),
            ("zpp".to_owned(), "partner".to_owned()),
            ("zgw-rp".to_owned(), "partner".to_owned())
        ]
    );
    assert_eq!(
        project["partners"][1]["organization"]["kind"],
        "foreign_partner"
    );
    assert_eq!(project["goals"].as_array().unwrap().len(), 2);
    assert!(
        project["goals"][0]
            .as_str()
            .unwrap()
            .contains("38 lokalnych partnerstw")
    );
    assert!(
        project["description"]
            .as_str()
            .unwrap()
            .contains("52 sesje Warsztatów Zarządzania Strategicznego")
    );
    let indicators: Vec<(String, String, i64, i64, f64)> = project["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["unit"].as_str().unwrap().to_owned(),
                i["target"].as_i64().unwrap(),
                i["achieved"].as_i64().unwrap(),
                i["progress_percent"].as_f64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, i64, i64, f64)> = [
        (
            "Szkolenia specjalistyczne nt. komunikacji i współpracy",
            "szkolenia",
            29,
        ),
        ("Sesje Warsztatów Zarządzania Strategicznego", "sesje", 52),
        (
            "Przedstawiciele partnerstw samorządowych objęci szkoleniami i warsztatami",
            "osoby",
            1610,
        ),
        (
            "Konferencje i seminaria (w tym Kongres Partnerstw Samorządowych)",
            "konferencje",
            9,
        ),
        ("Uczestnicy konferencji i seminariów", "osoby", 465),
        ("Wizyty studyjne w Norwegii", "wizyty", 6),
        ("Uczestnicy wizyt studyjnych w Norwegii", "osoby", 80),
        (
            "Partnerstwa samorządowe objęte wsparciem doradczym",
            "partnerstwa",
            38,
        ),
    ]
    .iter()
    .map(|(name, unit, n)| ((*name).to_owned(), (*unit).to_owned(), *n, *n, 100.0))
    .collect();
    assert_eq!(indicators, expected);
    assert!(
        project["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["as_of"] == "2016-10-31" && i["baseline"] == 0)
    );

    // Its events, in calendar order.
    let events = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}/events"))
        .send()
        .await
        .json;
    let summary: Vec<(String, String, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["starts_on"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
                e["city"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let owned = |v: &[(&str, &str, &str)]| {
        v.iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summary,
        owned(&[
            ("2015-12-16", "competition", "Warszawa"),
            ("2016-01-29", "conference", "Szczecin"),
            ("2016-03-17", "conference", "Lublin"),
            ("2016-04-18", "conference", "Opole"),
            ("2016-10-18", "conference", "Poznań"),
        ])
    );
    let opole = &events["items"][3];
    assert_eq!(opole["venue"], "Sala Herbowa, Opolski Urząd Wojewódzki");
    assert_eq!(opole["address"], "ul. Piastowska 14");
    assert_eq!(opole["starts_at"], "11:00");
    assert_eq!(opole["ends_on"], Value::Null);
    assert_eq!(
        opole["project"],
        json!({"id": id, "code": "ZMP-EOG-2012", "title": project["title"]})
    );
    assert!(
        events["items"][0]["description"]
            .as_str()
            .unwrap()
            .contains("12 laureatów")
    );
    assert_eq!(
        events["items"][4]["title"],
        "Konferencja podsumowująca projekt"
    );
    // The project ran on the day of the Opole conference; the calendar finds it in Opole.
    let active = app
        .anonymous()
        .get("/api/v1/projects?active_on=2016-04-18")
        .send()
        .await
        .json;
    assert_eq!(ids(&active), vec![id]);
    let calendar = app
        .anonymous()
        .get("/api/v1/events?city=opole&from=2016-04-18&to=2016-04-18")
        .send()
        .await
        .json;
    assert_eq!(calendar["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        calendar["items"][0]["venue"],
        "Sala Herbowa, Opolski Urząd Wojewódzki"
    );
    // The demo writes are in the audit log too.
    assert_eq!(audit_actions(&app, "project", id), vec!["create"]);
}
