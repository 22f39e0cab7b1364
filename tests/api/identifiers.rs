//! Every rule of the Polish identifiers, with valid and invalid examples, through HTTP:
//! TERC codes (and the kind and voivodeship they imply), postal codes, NIP, REGON, KRS.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::organizations;
use serde_json::{Value, json};

use crate::helpers::{Resource, organization_count, spawn_app};

/// Invalid values: 422, the field named with the rule's code, nothing stored.
const INVALID: &[(&str, &str, &str, &str)] = &[
    // (field in the body, value, field in errors[], code)
    (
        "postal_code",
        "40001",
        "address.postal_code",
        "invalid_postal_code",
    ),
    (
        "postal_code",
        "4a-001",
        "address.postal_code",
        "invalid_postal_code",
    ),
    (
        "postal_code",
        "40-0011",
        "address.postal_code",
        "invalid_postal_code",
    ),
    (
        "postal_code",
        "40 001",
        "address.postal_code",
        "invalid_postal_code",
    ),
    ("nip", "6340197201", "nip", "invalid_nip"),
    ("nip", "1234567890", "nip", "invalid_nip"),
    ("nip", "634019720", "nip", "invalid_nip"),
    ("nip", "63401972000", "nip", "invalid_nip"),
    ("nip", "634O197200", "nip", "invalid_nip"),
    ("regon", "276258435", "regon", "invalid_regon"),
    ("regon", "12345678512348", "regon", "invalid_regon"),
    ("regon", "12345678", "regon", "invalid_regon"),
    ("regon", "2762584341", "regon", "invalid_regon"),
    ("regon", "27625843A", "regon", "invalid_regon"),
    ("krs", "12345", "krs", "invalid_krs"),
    ("krs", "000012561A", "krs", "invalid_krs"),
    ("krs", "00001256140", "krs", "invalid_krs"),
    ("teryt", "2500000", "teryt", "invalid_teryt"),
    ("teryt", "3400000", "teryt", "invalid_teryt"),
    ("teryt", "0000000", "teryt", "invalid_teryt"),
    ("teryt", "2400100", "teryt", "invalid_teryt"),
    ("teryt", "2413001", "teryt", "invalid_teryt"),
    ("teryt", "2413070", "teryt", "invalid_teryt"),
    ("teryt", "2413076", "teryt", "invalid_teryt"),
    ("teryt", "2413077", "teryt", "invalid_teryt"),
    ("teryt", "241307", "teryt", "invalid_teryt"),
    ("teryt", "24130721", "teryt", "invalid_teryt"),
    ("teryt", "24130a2", "teryt", "invalid_teryt"),
    // Valid codes of units that are not local governments of their own.
    ("teryt", "2401074", "teryt", "teryt_not_a_jst"),
    ("teryt", "2401075", "teryt", "teryt_not_a_jst"),
    ("teryt", "1465028", "teryt", "teryt_not_a_jst"),
    ("teryt", "1261029", "teryt", "teryt_not_a_jst"),
];

fn body_with(field: &str, value: &str) -> Value {
    match field {
        "postal_code" => {
            json!({"name": "Gmina Testowa", "kind": "jst", "address": {"postal_code": value}})
        }
        "teryt" => json!({"name": "Gmina Testowa", "kind": "jst", "teryt": value}),
        _ => json!({"name": "Stowarzyszenie Testowe", "kind": "ngo", field: value}),
    }
}

#[actix_web::test]
async fn every_invalid_identifier_is_422_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (field, value, path, code) in INVALID {
        let response = app
            .as_admin()
            .post("/api/v1/organizations")
            .json(body_with(field, value))
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        let errors = response.json()["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == *path && e["code"] == *code),
            "{field}={value}: {}",
            response.text()
        );
    }
    app.with_conn(|conn| assert_eq!(organization_count(conn), 0, "nothing invalid was stored"));

    // The same rules hold on a change.
    let created = app
        .organization(&admin, json!({"name": "Fundacja", "kind": "ngo"}))
        .await;
    let path = format!("/api/v1/organizations/{}", created["id"]);
    for (field, value, code) in [
        ("nip", "6340197201", "invalid_nip"),
        ("regon", "276258435", "invalid_regon"),
        ("krs", "12345", "invalid_krs"),
    ] {
        let response = app
            .as_admin()
            .patch(&path)
            .json(json!({field: value}))
            .if_match(1)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.json()["errors"][0]["field"], field);
        assert_eq!(response.json()["errors"][0]["code"], code);
    }
    let unchanged = app.anonymous().get(&path).send().await;
    assert_eq!(unchanged.version(), 1);
    assert_eq!(unchanged.json()["nip"], Value::Null);
}

#[actix_web::test]
async fn valid_identifiers_are_stored_normalized() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let cases = [
        ("nip", "6340197200", "6340197200"),
        ("nip", "634-019-72-00", "6340197200"),
        ("nip", "526 000 00 05", "5260000005"),
        ("regon", "276258434", "276258434"),
        ("regon", "12345678512347", "12345678512347"),
        ("krs", "0000125614", "0000125614"),
    ];
    for (index, (field, value, stored)) in cases.into_iter().enumerate() {
        let created = app
            .organization(
                &admin,
                json!({"name": format!("Stowarzyszenie {index}"), "kind": "ngo", field: value}),
            )
            .await;
        assert_eq!(created[field], stored, "{field}={value}");
        let id = created.id();
        let column: Option<String> = app.with_conn(|conn| {
            let query = organizations::table.find(id);
            match field {
                "nip" => query.select(organizations::nip).first(conn),
                "regon" => query.select(organizations::regon).first(conn),
                _ => query.select(organizations::krs).first(conn),
            }
            .unwrap()
        });
        assert_eq!(column.as_deref(), Some(stored));
    }
    let with_postal_code = app
        .organization(
            &admin,
            json!({"name": "Urząd", "kind": "government_body", "address": {"postal_code": "40-001"}}),
        )
        .await;
    assert_eq!(with_postal_code["address"]["postal_code"], "40-001");
}

#[actix_web::test]
async fn terc_codes_imply_the_kind_and_voivodeship_of_a_local_government() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // (code, given jst_kind, the kind stored)
    let valid = [
        ("2400000", None, "wojewodztwo"),
        ("2413000", None, "powiat"),
        (
            "2469000",
            Some("miasto_na_prawach_powiatu"),
            "miasto_na_prawach_powiatu",
        ),
        ("2466011", None, "miasto_na_prawach_powiatu"),
        ("2413041", None, "gmina_miejska"),
        ("2413072", Some("gmina_wiejska"), "gmina_wiejska"),
        ("2401073", None, "gmina_miejsko_wiejska"),
        ("0201011", None, "gmina_miejska"),
        ("3217000", None, "powiat"),
    ];
    for (code, given, expected) in valid {
        let mut body = json!({"name": format!("JST {code}"), "kind": "jst", "teryt": code});
        if let Some(kind) = given {
            body["jst_kind"] = json!(kind);
        }
        let created = app.organization(&admin, body).await;
        assert_eq!(created["teryt"], code);
        assert_eq!(created["jst_kind"], expected, "{code}");
    }
    let stored: (Option<String>, Option<String>) = app.with_conn(|conn| {
        organizations::table
            .filter(organizations::teryt.eq("2413072"))
            .select((organizations::jst_kind, organizations::voivodeship))
            .first(conn)
            .unwrap()
    });
    assert_eq!(
        stored,
        (Some("gmina_wiejska".into()), Some("śląskie".into()))
    );
    let dolnoslaskie = app
        .anonymous()
        .get("/api/v1/organizations?teryt=0201011")
        .send()
        .await;
    assert_eq!(
        dolnoslaskie.json()["items"][0]["address"]["voivodeship"],
        "dolnośląskie"
    );

    let before = app.with_conn(organization_count);
    let disagreeing = [
        (
            json!({"teryt": "2413072", "jst_kind": "gmina_miejska"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2413041", "jst_kind": "gmina_wiejska"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2401073", "jst_kind": "powiat"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2469011", "jst_kind": "gmina_miejska"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2400000", "jst_kind": "powiat"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2413000", "jst_kind": "wojewodztwo"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"teryt": "2414052", "address": {"voivodeship": "opolskie"}}),
            "address.voivodeship",
            "voivodeship_mismatch",
        ),
    ];
    for (mut body, field, code) in disagreeing {
        body["name"] = json!("Niezgodna");
        body["kind"] = json!("jst");
        let response = app
            .as_admin()
            .post("/api/v1/organizations")
            .json(&body)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.json()["errors"][0]["field"], field, "{body}");
        assert_eq!(response.json()["errors"][0]["code"], code, "{body}");
    }
    assert_eq!(
        app.with_conn(organization_count),
        before,
        "nothing inconsistent stored"
    );

    let taken = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Druga", "kind": "jst", "teryt": "2413072"}))
        .send()
        .await;
    taken.assert_problem(409, "teryt_taken");
    assert_eq!(taken.status(), StatusCode::CONFLICT);
}
