//! Projects: CRUD with partners, funding and goals; every money rule; date rules;
//! filters, sorts and keyset pagination; indicators and their progress; authorization
//! by role with refused writes leaving rows unchanged; preconditions; audit; the demo
//! project read back exactly.

use std::collections::HashSet;

use diesel::prelude::*;
use razem::db::schema::{
    project_events, project_funding, project_goals, project_indicators, project_partners, projects,
};
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app, urlencode};

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
    let editor_lead = app
        .person("redakcja@zmp.example.org", Role::Editor, &[zmp])
        .await
        .token;
    let editor_partner = app
        .person("redakcja@zpp.example.org", Role::Editor, &[zpp])
        .await
        .token;
    let viewer = app.as_viewer().person().await.token;
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
        .await
        .assert_status(201);
    response.into_json()
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

/// A project with every field set, created by the lead's editor.
async fn project_with_every_field(app: &TestApp, w: &World) -> TestResponse {
    app.with_token(&w.editor_lead)
        .post("/api/v1/projects")
        .json(json!({
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
        }))
        .send()
        .await
        .assert_status(201)
}

#[actix_web::test]
async fn a_project_is_created_with_every_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = project_with_every_field(&app, &w).await;
    let path = format!("/api/v1/projects/{}", created.id());
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag_version(), 1);
    let body = created.json();
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
    let partners: Vec<Partner> = serde_json::from_value(body["partners"].clone()).unwrap();
    assert_eq!(
        partners,
        [
            Partner::new(w.zmp, "leader"),
            Partner::new(w.ks, "partner"),
            Partner::new(w.zpp, "associated")
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
    assert_eq!(app.audit_actions("project", created.id()), ["create"]);
}

/// A partner as the API shows it, without the embedded organization.
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Partner {
    organization_id: i64,
    role: String,
}

impl Partner {
    fn new(organization_id: i64, role: &str) -> Partner {
        Partner {
            organization_id,
            role: role.to_owned(),
        }
    }
}

#[actix_web::test]
async fn money_is_stored_in_minor_units_and_the_leader_is_the_first_partner_row() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = project_with_every_field(&app, &w).await.id();
    let stored: (Option<i64>, Option<String>) = app.with_conn(|conn| {
        projects::table
            .find(id)
            .select((projects::value_minor, projects::value_currency))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored.0, Some(250_000_050));
    assert_eq!(stored.1.as_deref(), Some("PLN"));
    let indexed = app.indexed_words("project", id);
    assert!(indexed.contains("wspolpraca w obszarach"), "{indexed}");
    assert!(indexed.contains("zmp"), "{indexed}");
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
}

#[actix_web::test]
async fn a_project_reads_back_as_created_and_its_partners_go_back_unchanged() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = project_with_every_field(&app, &w).await;
    let path = format!("/api/v1/projects/{}", created.id());
    let read = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(read.json(), created.json());
    assert_eq!(read.etag_version(), 1);

    // A partners list read back from the project can be sent back unchanged.
    let round_trip: Vec<Value> = read.json()["partners"]
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
        .await
        .assert_status(200);
    assert_eq!(
        same.etag_version(),
        1,
        "a patch that changes nothing keeps the version"
    );
    assert_eq!(version_of(&app, created.id()), 1);
    assert_eq!(app.audit_actions("project", created.id()), ["create"]);
}

#[actix_web::test]
async fn a_patch_changes_what_it_names_and_the_audit_keeps_money_as_decimals() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = project_with_every_field(&app, &w).await;
    let id = created.id();
    let patched = app
        .with_token(&w.editor_lead)
        .patch(format!("/api/v1/projects/{id}"))
        .json(json!({
            "status": "completed", "summary": null,
            "value": {"amount": "2600000", "currency": "PLN"},
            "funding": [{"source": "Budżet państwa", "amount": {"amount": "0.1", "currency": "PLN"}},
                        {"source": "Budżet państwa", "amount": {"amount": "0.2", "currency": "PLN"}}],
            "goals": []
        }))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(patched.etag_version(), 2);
    assert_eq!(patched.json()["status"], "completed");
    assert_eq!(patched.json()["summary"], Value::Null);
    assert_eq!(
        patched.json()["value"],
        json!({"amount": "2600000.00", "currency": "PLN"})
    );
    assert_eq!(
        patched.json()["total_funding"],
        json!([{"amount": "0.30", "currency": "PLN"}]),
        "0.10 + 0.20 is exactly 0.30"
    );
    assert_eq!(patched.json()["goals"], json!([]));
    assert_eq!(
        patched.json()["partners"],
        created.json()["partners"],
        "absent lists stay"
    );
    assert_eq!(patched.json()["description"], created.json()["description"]);

    // The audit log has every write, with money as decimal strings.
    assert_eq!(app.audit_actions("project", id), vec!["create", "update"]);
    let changes: Value = app.with_conn(|conn| {
        let rows = razem::audit::repo::for_object(conn, "project", &id.to_string()).unwrap();
        serde_json::from_str(rows[1].changes.as_deref().unwrap()).unwrap()
    });
    assert_eq!(
        changes["value"],
        json!([{"amount": "2500000.50", "currency": "PLN"}, {"amount": "2600000.00", "currency": "PLN"}])
    );
    assert_eq!(changes["status"], json!(["in_progress", "completed"]));
}

#[actix_web::test]
async fn a_project_is_deleted_under_if_match_with_its_related_rows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = project_with_every_field(&app, &w).await.id();
    let path = format!("/api/v1/projects/{id}");
    let editor = app.with_token(&w.editor_lead);
    editor
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    editor
        .delete(&path)
        .if_match(2)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(version_of(&app, id), 1);
    editor
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_status(204);
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
    assert_eq!(project_count(&app), 2, "the two demo projects stay");
    assert_eq!(app.audit_actions("project", id), vec!["create", "delete"]);
}

/// Sends a new project as the admin.
async fn post_project(app: &TestApp, body: &Value) -> TestResponse {
    app.as_admin()
        .post("/api/v1/projects")
        .json(body)
        .send()
        .await
}

/// The largest amount.
fn max_amount(currency: &str) -> Value {
    json!({"amount": "999999999999999.99", "currency": currency})
}

#[actix_web::test]
async fn valid_amounts_are_answered_and_stored_exactly() {
    let app = spawn_app().await;
    let w = world(&app).await;
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
                    .find(project.id())
                    .select((projects::value_minor, projects::value_currency))
                    .first(conn)
                    .unwrap()
            });
            assert_eq!(stored, (Some(minor), Some(currency.to_owned())));
        }
    }
}

#[actix_web::test]
async fn invalid_amounts_are_422_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
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
        post_project(&app, &body).await.assert_invalid(field, code);
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
        body["value"] = value;
        post_project(&app, &body).await.assert_invalid(field, code);
    }
    assert_eq!(project_count(&app), before, "nothing was stored");
}

#[actix_web::test]
async fn funding_follows_the_same_rules_naming_the_entry_and_its_total_never_overflows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before = project_count(&app);
    let mut body = project_body(w.zmp, "ZLE-KWOTY");
    body["funding"] = json!([
        {"source": "EOG", "amount": {"amount": "1.00", "currency": "PLN"}},
        {"source": "Wkład własny", "amount": {"amount": 100, "currency": "PLN"}}
    ]);
    post_project(&app, &body)
        .await
        .assert_invalid("funding[1].amount.amount", "amount_not_a_string");
    body["funding"] = json!([{"source": "EOG", "amount": {"amount": "1.00", "currency": "SEK"}}]);
    post_project(&app, &body)
        .await
        .assert_invalid("funding[0].amount.currency", "invalid_enum_value");

    // Sums are exact and never overflow: a total above the largest amount is refused.
    let max = max_amount("PLN");
    body["funding"] = json!([{"source": "A", "amount": max}, {"source": "B", "amount": {"amount": "0.01", "currency": "PLN"}}]);
    post_project(&app, &body)
        .await
        .assert_invalid("funding", "total_too_large");
    let many: Vec<Value> = (0..100)
        .map(|i| json!({"source": format!("Źródło {i}"), "amount": max}))
        .collect();
    body["funding"] = json!(many);
    post_project(&app, &body)
        .await
        .assert_invalid("funding", "total_too_large");
    assert_eq!(project_count(&app), before, "nothing was stored");
}

/// A project funded up to the largest total in PLN, CHF and EUR.
async fn funded_to_the_limit(app: &TestApp, w: &World) -> Value {
    let mut body = project_body(w.zmp, "ZLE-KWOTY");
    body["funding"] = json!([
        {"source": "A", "amount": {"amount": "999999999999999.98", "currency": "PLN"}},
        {"source": "B", "amount": {"amount": "0.01", "currency": "PLN"}},
        {"source": "C", "amount": max_amount("CHF")},
        {"source": "D", "amount": max_amount("EUR")}
    ]);
    create(app, &w.admin, body).await
}

#[actix_web::test]
async fn up_to_the_largest_amount_totals_add_up_exactly_per_currency() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let project = funded_to_the_limit(&app, &w).await;
    assert_eq!(
        project["total_funding"],
        json!([max_amount("CHF"), max_amount("EUR"), max_amount("PLN")])
    );
}

#[actix_web::test]
async fn a_patch_follows_the_money_rules_and_a_refused_one_leaves_the_row_unchanged() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = funded_to_the_limit(&app, &w).await.id();
    let path = format!("/api/v1/projects/{id}");
    let max = max_amount("PLN");
    app.as_admin()
        .patch(&path)
        .json(json!({"value": {"amount": "12.345", "currency": "PLN"}}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("value.amount", "too_many_decimals");
    app.as_admin()
        .patch(&path)
        .json(json!({"funding": [{"source": "A", "amount": max}, {"source": "A", "amount": max}]}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("funding", "total_too_large");
    assert_eq!(version_of(&app, id), 1);
    let cleared = app
        .as_admin()
        .patch(&path)
        .json(json!({"value": null}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(cleared.json()["value"], Value::Null);
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
            .as_admin()
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        response.assert_invalid(field, code);
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
        .as_admin()
        .patch(&path)
        .json(json!({"starts_on": "2020-01-02"}))
        .if_match(1)
        .send()
        .await;
    response.assert_invalid("ends_on", "ends_before_start");
    let response = app
        .as_admin()
        .patch(format!("/api/v1/projects/{}", open["id"]))
        .json(json!({"status": "completed"}))
        .if_match(1)
        .send()
        .await;
    response.assert_invalid("ends_on", "required");
    let response = app
        .as_admin()
        .patch(&path)
        .json(json!({"ends_on": null, "status": "settled"}))
        .if_match(1)
        .send()
        .await;
    response.assert_invalid("ends_on", "required");
    assert_eq!(version_of(&app, one_day.id()), 1);
    let moved = app
        .as_admin()
        .patch(&path)
        .json(json!({"starts_on": "2019-06-01", "status": "completed"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(moved.json()["starts_on"], "2019-06-01");
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
            .as_admin()
            .post("/api/v1/projects")
            .json(&body)
            .send()
            .await;
        response.assert_invalid(field, code);
    }
    let response = app
        .as_admin()
        .post("/api/v1/projects")
        .json(project_body(999999, "PARTNERZY"))
        .send()
        .await;
    response.assert_invalid("lead_id", "not_found");
    assert_eq!(project_count(&app), before);

    let mut body = project_body(w.zmp, "PARTNERZY");
    body["partners"] = json!([{"organization_id": w.zpp, "role": "partner"}]);
    let project = create(&app, &w.admin, body).await;
    app.as_admin()
        .post("/api/v1/projects")
        .json(project_body(w.zpp, "PARTNERZY"))
        .send()
        .await
        .assert_problem(409, "code_taken");

    // A new lead: the previous one stays as a partner, the new one becomes the leader.
    let path = format!("/api/v1/projects/{}", project["id"]);
    let moved = app
        .as_admin()
        .patch(&path)
        .json(json!({"lead_id": w.zpp}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    let roles: Vec<(i64, String)> = moved.json()["partners"]
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
    let replaced = app.as_admin().patch(&path).json(json!({"lead_id": w.zgw, "partners": [{"organization_id": w.ks, "role": "associated"}]})).if_match(2).send()
        .await.assert_status(200);
    let ids: Vec<i64> = replaced.json()["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organization_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![w.zgw, w.ks]);
    let rows: i64 = app.with_conn(|conn| {
        project_partners::table
            .filter(project_partners::project_id.eq(project.id()))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(rows, 2);
    // A code clash on PATCH is 409 too.
    create(&app, &w.admin, project_body(w.zmp, "INNY")).await;
    app.as_admin()
        .patch(&path)
        .json(json!({"code": "INNY"}))
        .if_match(3)
        .send()
        .await
        .assert_problem(409, "code_taken");
}

/// The demo projects (ZMP, 2012-06-01 – 2016-10-31, completed; KCWIS of seed 003, from
/// 2014-01-20, in progress, open-ended) and five more, P-1 … P-5.
struct Listing {
    w: World,
    demo_id: i64,
    kcwis: i64,
    p: [i64; 5],
}

async fn listing(app: &TestApp) -> Listing {
    let w = world(app).await;
    // The earliest start is ZMP's project; the other demo project is KCWIS's.
    let demo = app
        .anonymous()
        .get("/api/v1/projects?sort=starts_on")
        .send()
        .await
        .ids();
    let (demo_id, kcwis) = (demo[0], demo[1]);
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
    let mut p = [0; 5];
    for (slot, (code, title, lead, partners, status, starts, ends)) in p.iter_mut().zip(specs) {
        let body = json!({
            "code": code, "title": title, "lead_id": lead, "status": status,
            "starts_on": starts, "ends_on": ends,
            "partners": partners.iter().map(|p| json!({"organization_id": p, "role": "partner"})).collect::<Vec<_>>()
        });
        *slot = create(app, &w.admin, body).await.id();
    }
    Listing {
        w,
        demo_id,
        kcwis,
        p,
    }
}

/// The ids a list query answers, as a set.
async fn listed(app: &TestApp, query: impl std::fmt::Display) -> HashSet<i64> {
    app.anonymous()
        .get(format!("/api/v1/projects?{query}"))
        .send()
        .await
        .assert_status(200)
        .ids()
        .into_iter()
        .collect()
}

fn set(ids: &[i64]) -> HashSet<i64> {
    ids.iter().copied().collect()
}

/// Changes P-4, the project changed last.
async fn change_p4(app: &TestApp, l: &Listing) {
    app.as_admin()
        .patch(format!("/api/v1/projects/{}", l.p[3]))
        .json(json!({"summary": "Zmienione."}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn projects_are_filtered_by_lead_partner_status_and_the_day_they_run_on() {
    let app = spawn_app().await;
    let l = listing(&app).await;
    let (demo, kcwis, [p1, p2, p3, p4, p5], w) = (l.demo_id, l.kcwis, l.p, &l.w);
    assert_eq!(
        listed(&app, format!("lead={}", w.zmp)).await,
        set(&[demo, p3, p5])
    );
    assert_eq!(
        listed(&app, format!("partner={}", w.zmp)).await,
        set(&[demo, p1, p3, p5]),
        "the leader takes part too"
    );
    assert_eq!(
        listed(&app, format!("partner={}", w.ks)).await,
        set(&[demo, p3])
    );
    assert_eq!(listed(&app, "status=planned").await, set(&[p2, p5]));
    // active_on: both ends inclusive, open-ended projects run on.
    assert_eq!(
        listed(&app, "active_on=2016-04-18").await,
        set(&[demo, kcwis, p1, p3, p5])
    );
    assert_eq!(
        listed(&app, "active_on=2016-04-19").await,
        set(&[demo, kcwis, p1, p4, p5])
    );
    assert_eq!(
        listed(&app, "active_on=2030-01-01").await,
        set(&[kcwis, p2, p5])
    );
    assert_eq!(listed(&app, "active_on=2010-01-01").await, set(&[]));
    assert_eq!(
        listed(
            &app,
            format!("lead={}&status=suspended&active_on=2015-01-01", w.zmp)
        )
        .await,
        set(&[p3])
    );
}

#[actix_web::test]
async fn the_project_search_reads_title_code_and_summary_ignoring_case_and_diacritics() {
    let app = spawn_app().await;
    let l = listing(&app).await;
    let [p1, p2, p3, ..] = l.p;
    assert_eq!(listed(&app, "q=lodzkie").await, set(&[p1]));
    assert_eq!(
        listed(&app, format!("q={}", urlencode("ŻYWIEC"))).await,
        set(&[p3])
    );
    // Words, not substrings (the search index, issue 17): "p-2" is the words "p" and
    // "2", and a term of one or two characters matches only that whole word
    // (domain::words). P-2 has both; KCWIS-WZP-2014 has "2014", not "2" (the substring
    // search found it by "wzP-2014", the prefix search by "2014"); P-1, P-3, P-4 and P-5
    // have no "2".
    let by_code = listed(&app, "q=p-2").await;
    assert!(by_code.contains(&p2), "{by_code:?}");
    for other in [p1, p3, l.p[3], l.p[4], l.kcwis] {
        assert!(!by_code.contains(&other), "{by_code:?}");
    }
    assert_eq!(
        listed(
            &app,
            format!("q={}", urlencode("współpracy międzysamorządowej"))
        )
        .await,
        set(&[l.demo_id])
    );
    assert_eq!(listed(&app, "q=100%25").await, set(&[]), "% matches itself");
}

#[actix_web::test]
async fn updated_since_lists_only_what_changed_since() {
    let app = spawn_app().await;
    let l = listing(&app).await;
    let mark = chrono::Utc::now() - chrono::Duration::milliseconds(1);
    change_p4(&app, &l).await;
    let since = urlencode(&mark.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    assert_eq!(
        listed(&app, format!("updated_since={since}")).await,
        set(&[l.p[3]])
    );
}

#[actix_web::test]
async fn every_sort_walks_every_project_once_page_by_page_in_its_order() {
    let app = spawn_app().await;
    let l = listing(&app).await;
    change_p4(&app, &l).await;
    let (demo, kcwis, [p1, p2, p3, p4, p5]) = (l.demo_id, l.kcwis, l.p);
    // Default order: the latest start first, ties by id (descending).
    let all = app
        .anonymous()
        .get("/api/v1/projects?limit=100")
        .send()
        .await;
    assert_eq!(all.ids(), vec![p2, p4, p5, p1, p3, kcwis, demo]);
    for (sort, expected) in [
        ("-starts_on", vec![p2, p4, p5, p1, p3, kcwis, demo]),
        ("starts_on", vec![demo, kcwis, p3, p1, p5, p4, p2]),
        ("title", vec![p4, demo, p5, p1, kcwis, p2, p3]),
        ("-title", vec![p3, p2, kcwis, p1, p5, demo, p4]),
    ] {
        let mut seen = Vec::new();
        let mut url = format!("/api/v1/projects?sort={sort}&limit=2");
        loop {
            let page = app.anonymous().get(&url).send().await.assert_status(200);
            seen.extend(page.ids());
            match page.next_cursor() {
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
            seen.extend(page.ids());
            match page.next_cursor() {
                Some(cursor) => {
                    url = format!("/api/v1/projects?sort={sort}&limit=4&cursor={cursor}")
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 7, "{sort}");
        assert_eq!(seen.iter().copied().collect::<HashSet<_>>().len(), 7);
        let last_changed = if sort == "updated_at" {
            *seen.last().unwrap()
        } else {
            seen[0]
        };
        assert_eq!(last_changed, p4, "{sort}");
    }
}

#[actix_web::test]
async fn bad_list_parameters_and_cursors_are_400() {
    let app = spawn_app().await;
    listing(&app).await;
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
    // A cursor is valid only for the sort it was made with.
    let page = app
        .anonymous()
        .get("/api/v1/projects?sort=title&limit=1")
        .send()
        .await;
    let cursor = page.next_cursor().unwrap();
    app.anonymous()
        .get(format!("/api/v1/projects?sort=starts_on&cursor={cursor}"))
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
}

/// A project of ZMP with one indicator ("Szkolenia specjalistyczne", 12 of 29).
struct Indicator {
    w: World,
    project_id: i64,
    /// The project's indicators.
    base: String,
    /// The indicator.
    path: String,
    created: TestResponse,
}

async fn indicator(app: &TestApp) -> Indicator {
    let w = world(app).await;
    let project_id = create(app, &w.editor_lead, project_body(w.zmp, "WSKAZNIKI"))
        .await
        .id();
    let base = format!("/api/v1/projects/{project_id}/indicators");
    let created = app
        .with_token(&w.editor_lead)
        .post(&base)
        .json(json!({"name": "  Szkolenia specjalistyczne ", "unit": "szkolenia", "target": 29, "achieved": 12, "as_of": "2014-06-30"}))
        .send()
        .await
        .assert_status(201);
    Indicator {
        path: format!("{base}/{}", created.id()),
        w,
        project_id,
        base,
        created,
    }
}

fn indicator_count(app: &TestApp, project_id: i64) -> i64 {
    app.with_conn(|conn| {
        project_indicators::table
            .filter(project_indicators::project_id.eq(project_id))
            .count()
            .get_result(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn an_indicator_is_created_and_embedded_in_its_project_bumping_its_version() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
    let (created, id) = (&i.created, i.project_id);
    assert_eq!(created.header("location"), Some(i.path.as_str()));
    assert_eq!(created.etag_version(), 1);
    assert_eq!(
        *created.json(),
        json!({
            "id": created.id(), "project_id": id, "name": "Szkolenia specjalistyczne", "unit": "szkolenia",
            "baseline": 0, "target": 29, "achieved": 12, "as_of": "2014-06-30", "progress_percent": 41.4,
            "version": 1, "created_at": created.json()["created_at"], "updated_at": created.json()["updated_at"]
        })
    );
    assert_eq!(version_of(&app, id), 2, "the project embeds its indicators");
    let read = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}"))
        .send()
        .await;
    assert_eq!(read.etag_version(), 2);
    assert_eq!(read.json()["indicators"], json!([created.json()]));
}

#[actix_web::test]
async fn progress_is_achieved_over_target_with_one_decimal() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
    // Over 100 allowed, null without either.
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
        let current = app.anonymous().get(&i.path).send().await;
        let response = app
            .with_token(&i.w.editor_lead)
            .patch(&i.path)
            .json(&patch)
            .if_match(current.etag())
            .send()
            .await
            .assert_status(200);
        assert_eq!(response.json()["progress_percent"], progress, "{patch}");
    }
    let stored: (i64, Option<i64>, i64) = app.with_conn(|conn| {
        project_indicators::table
            .find(i.created.id())
            .select((
                project_indicators::target,
                project_indicators::achieved,
                project_indicators::version,
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored, (1610, Some(1610), 8));
    assert_eq!(version_of(&app, i.project_id), 9);
    assert_eq!(
        app.audit_actions("project_indicator", i.created.id()),
        vec![
            "create", "update", "update", "update", "update", "update", "update", "update"
        ]
    );
}

#[actix_web::test]
async fn indicator_rules_are_422_and_names_are_unique_in_a_project() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
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
        app.with_token(&i.w.editor_lead)
            .post(&i.base)
            .json(&body)
            .send()
            .await
            .assert_invalid(field, code);
    }
    app.with_token(&i.w.editor_lead)
        .post(&i.base)
        .json(json!({"name": "Szkolenia specjalistyczne", "unit": "szkolenia", "target": 1}))
        .send()
        .await
        .assert_problem(409, "indicator_name_taken");
    assert_eq!(indicator_count(&app, i.project_id), 1);
}

#[actix_web::test]
async fn indicators_are_listed_page_by_page_and_found_only_under_their_project() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
    let second = app
        .with_token(&i.w.editor_lead)
        .post(&i.base)
        .json(json!({"name": "Wizyty studyjne", "unit": "wizyty", "target": 6}))
        .send()
        .await
        .assert_status(201);
    let page = app
        .anonymous()
        .get(format!("{}?limit=1", i.base))
        .send()
        .await;
    assert_eq!(page.ids(), vec![i.created.id()]);
    let cursor = page.next_cursor().unwrap();
    let next = app
        .anonymous()
        .get(format!("{}?limit=1&cursor={cursor}", i.base))
        .send()
        .await;
    assert_eq!(next.ids(), vec![second.id()]);
    assert_eq!(next.json()["next_cursor"], Value::Null);
    let other = create(&app, &i.w.admin, project_body(i.w.zmp, "INNY-PROJEKT")).await;
    app.anonymous()
        .get(format!(
            "/api/v1/projects/{}/indicators/{}",
            other.id(),
            i.created.id()
        ))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get("/api/v1/projects/999999/indicators")
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn indicators_change_and_go_under_if_match_and_are_audited() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
    let editor = app.with_token(&i.w.editor_lead);
    editor
        .patch(&i.path)
        .json(json!({"achieved": 1}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    editor
        .patch(&i.path)
        .json(json!({"achieved": 1}))
        .if_match(2)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    editor
        .delete(&i.path)
        .if_match(2)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(indicator_count(&app, i.project_id), 1);
    editor
        .delete(&i.path)
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    app.anonymous()
        .get(&i.path)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(indicator_count(&app, i.project_id), 0);
    assert_eq!(
        app.audit_actions("project_indicator", i.created.id()),
        vec!["create", "delete"]
    );
}

#[actix_web::test]
async fn deleting_a_project_takes_its_indicators_with_it() {
    let app = spawn_app().await;
    let i = indicator(&app).await;
    let current = version_of(&app, i.project_id);
    app.with_token(&i.w.editor_lead)
        .delete(format!("/api/v1/projects/{}", i.project_id))
        .if_match(current)
        .send()
        .await
        .assert_status(204);
    assert_eq!(indicator_count(&app, i.project_id), 0);
}

/// A project of ZMP with ZPP as partner, one indicator and one event, and every kind of
/// caller, in the order of the expectation tables below.
struct Access {
    w: World,
    id: i64,
    indicator_id: i64,
    event_id: i64,
    /// The lead's token with projects:read and projects:write.
    token_lead: String,
    principals: Vec<(&'static str, Option<String>)>,
}

async fn access(app: &TestApp) -> Access {
    let w = world(app).await;
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
    let principals = vec![
        ("anonymous", None),
        ("admin", Some(w.admin.clone())),
        ("editor of the lead", Some(w.editor_lead.clone())),
        ("editor of a partner", Some(w.editor_partner.clone())),
        ("viewer", Some(w.viewer.clone())),
        ("token of the lead (read+write)", Some(token_lead.clone())),
        ("token of the lead (read)", Some(token_lead_read)),
        (
            "token of the lead (positions scopes)",
            Some(token_lead_other),
        ),
        ("token of a partner (read+write)", Some(token_partner)),
    ];
    let mut body = project_body(w.zmp, "UPRAWNIENIA");
    body["partners"] = json!([{"organization_id": w.zpp, "role": "partner"}]);
    let id = create(app, &w.admin, body).await.id();
    let indicator_id = app
        .as_admin()
        .post(format!("/api/v1/projects/{id}/indicators"))
        .json(json!({"name": "Konferencje", "unit": "konferencje", "target": 9}))
        .send()
        .await
        .assert_status(201)
        .id();
    let event_id = app
        .as_admin()
        .post(format!("/api/v1/projects/{id}/events"))
        .json(json!({"kind": "conference", "title": "Konferencja", "starts_on": "2016-04-18"}))
        .send()
        .await
        .assert_status(201)
        .id();
    Access {
        w,
        id,
        indicator_id,
        event_id,
        token_lead,
        principals,
    }
}

impl Access {
    /// How many projects, indicators and events are stored.
    fn counts(&self, app: &TestApp) -> (i64, i64, i64) {
        app.with_conn(|conn| {
            (
                projects::table.count().get_result(conn).unwrap(),
                project_indicators::table.count().get_result(conn).unwrap(),
                project_events::table.count().get_result(conn).unwrap(),
            )
        })
    }

    /// The project's version and title, and the versions of its indicator and event.
    fn state(&self, app: &TestApp) -> (i64, String, i64, i64) {
        app.with_conn(|conn| {
            let (version, title): (i64, String) = projects::table
                .find(self.id)
                .select((projects::version, projects::title))
                .first(conn)
                .unwrap();
            let indicator: i64 = project_indicators::table
                .find(self.indicator_id)
                .select(project_indicators::version)
                .first(conn)
                .unwrap();
            let event: i64 = project_events::table
                .find(self.event_id)
                .select(project_events::version)
                .first(conn)
                .unwrap();
            (version, title, indicator, event)
        })
    }
}

#[actix_web::test]
async fn everyone_reads_projects_but_tokens_without_projects_read() {
    let app = spawn_app().await;
    let a = access(&app).await;
    let (id, indicator_id, event_id) = (a.id, a.indicator_id, a.event_id);
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
        for ((name, token), expected) in a.principals.iter().zip(read_expected) {
            let response = app.caller(token.as_deref()).get(&path).send().await;
            assert_eq!(
                response.status().as_u16(),
                expected,
                "GET {path} as {name}: {}",
                response.text()
            );
            if expected == 403 {
                response.assert_problem(403, "insufficient_scope");
            }
        }
    }
}

#[actix_web::test]
async fn admins_editors_of_the_lead_and_its_writing_token_write_and_refusals_change_nothing() {
    let app = spawn_app().await;
    let a = access(&app).await;
    let (id, indicator_id, event_id) = (a.id, a.indicator_id, a.event_id);
    let write_expected = [401, 200, 200, 403, 403, 200, 403, 403, 403];
    for ((name, token), expected) in a.principals.iter().zip(write_expected) {
        let before_counts = a.counts(&app);
        let before = a.state(&app);
        let caller = app.caller(token.as_deref());
        let results = [
            caller
                .post("/api/v1/projects")
                .json(project_body(a.w.zmp, &format!("NOWY-{}", before_counts.0)))
                .send()
                .await,
            caller
                .patch(format!("/api/v1/projects/{id}"))
                .json(json!({"title": format!("Zmienione: {name}")}))
                .if_match(before.0)
                .send()
                .await,
            caller
                .post(format!("/api/v1/projects/{id}/indicators"))
                .json(json!({"name": format!("Wskaźnik {name}"), "unit": "osoby", "target": 1}))
                .send()
                .await,
            caller
                .patch(format!("/api/v1/projects/{id}/indicators/{indicator_id}"))
                .json(json!({"achieved": before.2}))
                .if_match(before.2)
                .send()
                .await,
            caller
                .post(format!("/api/v1/projects/{id}/events"))
                .json(json!({"kind": "meeting", "title": format!("Spotkanie {name}"), "starts_on": "2016-05-05"}))
                .send()
                .await,
            caller
                .patch(format!("/api/v1/projects/{id}/events/{event_id}"))
                .json(json!({"participants_count": before.3}))
                .if_match(before.3)
                .send()
                .await,
        ];
        for (index, response) in results.iter().enumerate() {
            let status = response.status().as_u16();
            if expected == 200 {
                assert!(
                    status == 200 || status == 201,
                    "write {index} as {name}: {}",
                    response.text()
                );
            } else {
                assert_eq!(
                    status,
                    expected,
                    "write {index} as {name}: {}",
                    response.text()
                );
                assert_eq!(response.content_type(), "application/problem+json");
            }
        }
        if expected != 200 {
            assert_eq!(
                a.counts(&app),
                before_counts,
                "refused writes as {name} add nothing"
            );
            assert_eq!(
                a.state(&app),
                before,
                "refused writes as {name} change nothing"
            );
        } else {
            assert_eq!(
                a.counts(&app),
                (
                    before_counts.0 + 1,
                    before_counts.1 + 1,
                    before_counts.2 + 1
                ),
                "{name}"
            );
        }
    }
}

#[actix_web::test]
async fn tokens_write_only_their_own_projects_and_editors_keep_the_lead_they_edit() {
    let app = spawn_app().await;
    let a = access(&app).await;
    let before = a.counts(&app);
    app.with_token(&a.token_lead)
        .post("/api/v1/projects")
        .json(project_body(a.w.zpp, "OBCY"))
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(a.counts(&app), before);
    let current = version_of(&app, a.id);
    app.with_token(&a.w.editor_lead)
        .patch(format!("/api/v1/projects/{}", a.id))
        .json(json!({"lead_id": a.w.zpp}))
        .if_match(current)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(version_of(&app, a.id), current);
}

#[actix_web::test]
async fn deletes_are_refused_to_all_but_admins_lead_editors_and_the_leads_token() {
    let app = spawn_app().await;
    let a = access(&app).await;
    let (id, indicator_id, event_id) = (a.id, a.indicator_id, a.event_id);
    for (index, status, code) in [
        (0, 401, "authentication_required"),
        (3, 403, "forbidden"),
        (4, 403, "forbidden"),
        (6, 403, "insufficient_scope"),
        (7, 403, "insufficient_scope"),
        (8, 403, "forbidden"),
    ] {
        let (name, token) = &a.principals[index];
        let caller = app.caller(token.as_deref());
        let before = a.state(&app);
        let before_counts = a.counts(&app);
        caller
            .delete(format!("/api/v1/projects/{id}/events/{event_id}"))
            .if_match("*")
            .send()
            .await
            .assert_problem(status, code);
        caller
            .delete(format!("/api/v1/projects/{id}/indicators/{indicator_id}"))
            .if_match("*")
            .send()
            .await
            .assert_problem(status, code);
        caller
            .delete(format!("/api/v1/projects/{id}"))
            .if_match(before.0)
            .send()
            .await
            .assert_problem(status, code);
        assert_eq!(a.state(&app), before, "{name}");
        assert_eq!(
            a.counts(&app),
            before_counts,
            "refused deletes as {name} delete nothing"
        );
    }
}

#[actix_web::test]
async fn a_token_that_deletes_a_project_is_its_audited_actor() {
    let app = spawn_app().await;
    let a = access(&app).await;
    app.with_token(&a.token_lead)
        .delete(format!("/api/v1/projects/{}", a.id))
        .if_match(version_of(&app, a.id))
        .send()
        .await
        .assert_status(204);
    assert_eq!(project_count(&app), 2, "the two demo projects stay");
    let audit: Vec<(Option<i64>, Option<i64>)> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "project", &a.id.to_string())
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

/// The demo project (found by its lead and a word of its summary): its id and body.
async fn demo_project(app: &TestApp, w: &World) -> (i64, Value) {
    let list = app
        .anonymous()
        .get(format!(
            "/api/v1/projects?lead={}&q={}",
            w.zmp,
            urlencode("międzysektorowej")
        ))
        .send()
        .await;
    assert_eq!(list.ids().len(), 1, "{}", list.text());
    let id = list.ids()[0];
    let project = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}"))
        .send()
        .await
        .into_json();
    (id, project)
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
    // ZMP's project with 8 indicators and 5 events; KCWIS's (seed 003) with 1 indicator.
    assert_eq!(counts, (2, 9, 5));

    let (id, project) = demo_project(&app, &w).await;
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

    // The demo writes are in the audit log too.
    assert_eq!(app.audit_actions("project", id), vec!["create"]);
}

#[actix_web::test]
async fn the_demo_projects_events_are_served_in_calendar_order() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, project) = demo_project(&app, &w).await;
    // Its events, in calendar order.
    let events = app
        .anonymous()
        .get(format!("/api/v1/projects/{id}/events"))
        .send()
        .await
        .into_json();
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
}

#[actix_web::test]
async fn the_demo_project_is_found_on_the_day_of_a_conference_and_in_its_city() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, _) = demo_project(&app, &w).await;
    // The project ran on the day of the Opole conference; the calendar finds it in Opole.
    let active = app
        .anonymous()
        .get(format!(
            "/api/v1/projects?active_on=2016-04-18&lead={}",
            w.zmp
        ))
        .send()
        .await;
    assert_eq!(active.ids(), vec![id]);
    let calendar = app
        .anonymous()
        .get("/api/v1/events?city=opole&from=2016-04-18&to=2016-04-18")
        .send()
        .await
        .into_json();
    assert_eq!(calendar["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        calendar["items"][0]["venue"],
        "Sala Herbowa, Opolski Urząd Wojewódzki"
    );
}

#[actix_web::test]
async fn deleting_a_project_deletes_its_events_and_indicators_with_tombstones() {
    use razem::db::schema::changes;
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = create(&app, &w.editor_lead, project_body(w.zmp, "Z-USUWANY"))
        .await
        .id();
    let editor = app.with_token(&w.editor_lead);
    let event = editor
        .post(format!("/api/v1/projects/{id}/events"))
        .json(json!({"kind": "conference", "title": "Konferencja", "starts_on": "2030-04-18"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let settings = editor
        .put(format!("/api/v1/events/{event}/registration"))
        .json(json!({"opens_at": "2030-01-01T00:00:00Z", "closes_at": "2030-04-01T00:00:00Z"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let indicator = editor
        .post(format!("/api/v1/projects/{id}/indicators"))
        .json(json!({"name": "Liczba szkoleń", "unit": "szt.", "target": 6}))
        .send()
        .await
        .assert_status(201)
        .id();
    let version = editor
        .get(format!("/api/v1/projects/{id}"))
        .send()
        .await
        .assert_status(200)
        .version();
    editor
        .delete(format!("/api/v1/projects/{id}"))
        .if_match(version)
        .send()
        .await
        .assert_status(204);

    let mut tombstones: Vec<(String, i64)> = app.with_conn(|conn| {
        changes::table
            .filter(changes::action.eq("deleted"))
            .select((changes::object_type, changes::object_id))
            .load(conn)
            .unwrap()
    });
    tombstones.sort();
    let mut expected = vec![
        ("project".to_owned(), id),
        ("project_event".to_owned(), event),
        ("project_indicator".to_owned(), indicator),
        ("registration_settings".to_owned(), settings),
    ];
    expected.sort();
    assert_eq!(tombstones, expected);
    assert_eq!(
        app.audit_actions("project_event", event),
        vec!["create", "delete"]
    );
}
