//! The cooperation standard and its local index of cooperation quality (issue 16,
//! seed 003): the versioned catalogue, assessments and their lifecycle, anonymous
//! surveys with one-time codes (also when answers race), the results, the index over
//! time and side by side, and the demo data.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use futures_util::future::join_all;
use razem::db::schema::{
    changes, cooperation_answers, cooperation_assessments, cooperation_catalogues,
    cooperation_responses, cooperation_survey_codes, projects,
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, spawn_instance_of};

/// A small catalogue: plane I with areas I.1 (two indicators) and I.2 (one), plane II
/// with II.1 (one).
fn catalogue(title: &str, extra_indicator: bool) -> Value {
    let mut i1 = vec![
        json!({"code": "I.1.1", "question": "Czy jest wieloletni program współpracy?"}),
        json!({"code": "I.1.2", "question": "Czy informacje o strategiach są publiczne?"}),
    ];
    if extra_indicator {
        i1.push(json!({"code": "I.1.3", "question": "Czy NGO współtworzą programy?"}));
    }
    json!({
        "title": title,
        "planes": [
            {"code": "I", "title": "Tworzenie polityk publicznych", "areas": [
                {"code": "I.1", "title": "Współtworzenie strategii i programów",
                 "tools": ["tworzenie wieloletnich programów współpracy z NGOs"], "indicators": i1},
                {"code": "I.2", "title": "Konsultowanie założeń projektów aktów normatywnych",
                 "tools": ["konsultacje"], "indicators": [
                    {"code": "I.2.1", "question": "Czy projekty uchwał są konsultowane?"}]}
            ]},
            {"code": "II", "title": "Realizacja zadań publicznych", "areas": [
                {"code": "II.1", "title": "Formy finansowe", "tools": ["procedura dostępu do ofert"],
                 "indicators": [{"code": "II.1.1", "question": "Czy są umowy wieloletnie?"}]}
            ]}
        ]
    })
}

struct World {
    catalogue: i64,
    /// Gmina Bobolice (zachodniopomorskie).
    jst: i64,
    /// Gmina Polanów (zachodniopomorskie): another JST.
    other_jst: i64,
    ngo: i64,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let catalogue = app
        .as_admin()
        .post("/api/v1/cooperation-standard/versions")
        .json(catalogue("Standard 2014", false))
        .send()
        .await
        .assert_status(201)
        .id();
    let jst = |name: &str, teryt: &str| json!({"name": name, "kind": "jst", "teryt": teryt});
    let id = |v: Value| v["id"].as_i64().expect("id");
    World {
        catalogue,
        jst: id(app
            .organization(&admin, jst("Gmina Bobolice", "3203043"))
            .await),
        other_jst: id(app
            .organization(&admin, jst("Gmina Polanów", "3203073"))
            .await),
        ngo: id(app
            .organization(
                &admin,
                json!({"name": "Stowarzyszenie Razem dla Bobolic", "kind": "ngo"}),
            )
            .await),
    }
}

/// A collecting assessment of `jst` for `year` over `areas`, by the JST's editor.
async fn collecting(
    app: &TestApp,
    jst: i64,
    year: i32,
    areas: &[&str],
    min_group_size: i32,
) -> i64 {
    let editor = app.as_editor(jst);
    let created = editor
        .post("/api/v1/cooperation-assessments")
        .json(json!({"jst_id": jst, "year": year, "area_codes": areas, "min_group_size": min_group_size}))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    editor
        .post(format!("/api/v1/cooperation-assessments/{id}/transitions"))
        .json(json!({"to": "collecting"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    id
}

async fn codes(app: &TestApp, jst: i64, assessment: i64, group: &str, count: i32) -> Vec<String> {
    let issued = app
        .as_editor(jst)
        .post(format!(
            "/api/v1/cooperation-assessments/{assessment}/invitations"
        ))
        .json(json!({"group": group, "count": count}))
        .send()
        .await
        .assert_status(201);
    serde_json::from_value(issued.json()["codes"].clone()).expect("codes")
}

fn answers(pairs: &[(&str, Option<i32>)]) -> Value {
    json!({"answers": pairs.iter().map(|(c, s)| json!({"indicator_code": c, "score": s})).collect::<Vec<_>>()})
}

async fn answer(
    app: &TestApp,
    code: &str,
    pairs: &[(&str, Option<i32>)],
) -> crate::helpers::TestResponse {
    app.anonymous()
        .post(format!("/api/v1/cooperation-surveys/{code}/responses"))
        .json(answers(pairs))
        .send()
        .await
}

async fn move_to(app: &TestApp, jst: i64, id: i64, to: &str) {
    let current = app
        .as_editor(jst)
        .get(format!("/api/v1/cooperation-assessments/{id}"))
        .send()
        .await
        .assert_status(200);
    app.as_editor(jst)
        .post(format!("/api/v1/cooperation-assessments/{id}/transitions"))
        .json(json!({"to": to}))
        .if_match(current.version())
        .send()
        .await
        .assert_status(200);
}

fn count<T>(
    app: &TestApp,
    query: impl FnOnce(&mut razem::db::DbConnection) -> QueryResult<T>,
) -> T {
    app.with_conn(|conn| query(conn).expect("query"))
}

// ------------------------------------------------------------------ the catalogue

#[actix_web::test]
async fn a_new_catalogue_version_leaves_old_assessments_with_theirs() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let current = app
        .anonymous()
        .get("/api/v1/cooperation-standard")
        .send()
        .await
        .assert_status(200);
    assert_eq!(current.json()["id"], w.catalogue);
    assert_eq!(
        current.json()["planes"][0]["areas"][0]["tools"],
        json!(["tworzenie wieloletnich programów współpracy z NGOs"])
    );
    assert_eq!(
        current.json()["planes"][0]["areas"][0]["indicators"][1]["code"],
        "I.1.2"
    );
    let assessment = collecting(&app, w.jst, 2014, &["I.1"], 1).await;

    let second = app
        .as_admin()
        .post("/api/v1/cooperation-standard/versions")
        .json(catalogue("Standard 2015", true))
        .send()
        .await
        .assert_status(201);
    let second_id = second.id();
    assert_eq!(
        second.header("location"),
        Some(format!("/api/v1/cooperation-standard/versions/{second_id}").as_str())
    );
    let current = app
        .anonymous()
        .get("/api/v1/cooperation-standard")
        .send()
        .await
        .assert_status(200);
    assert_eq!(current.json()["id"], second_id);
    assert_eq!(
        current.json()["planes"][0]["areas"][0]["indicators"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The assessment keeps version 1: its survey asks version 1's two questions, and
    // version 2's new indicator is not one of its indicators.
    let got = app
        .anonymous()
        .get(format!("/api/v1/cooperation-assessments/{assessment}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(got.json()["catalogue_id"], w.catalogue);
    let code = codes(&app, w.jst, assessment, "ngo", 1).await.remove(0);
    let survey = app
        .anonymous()
        .get(format!("/api/v1/cooperation-surveys/{code}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        survey.json()["areas"][0]["questions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    answer(&app, &code, &[("I.1.3", Some(4))])
        .await
        .assert_invalid("answers[0].indicator_code", "unknown_indicator");

    let versions = app
        .anonymous()
        .get("/api/v1/cooperation-standard/versions")
        .send()
        .await
        .assert_status(200);
    assert_eq!(versions.ids(), vec![w.catalogue, second_id]);
    assert_eq!(versions.items()[1]["indicators"], 5);
    let old = app
        .anonymous()
        .get(format!(
            "/api/v1/cooperation-standard/versions/{}",
            w.catalogue
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(old.json()["title"], "Standard 2014");
    let stored: i64 = count(&app, |c| {
        cooperation_catalogues::table.count().get_result(c)
    });
    assert_eq!(stored, 2);
    assert_eq!(
        app.audit_actions("cooperation_standard", second_id),
        vec!["create"]
    );
}

#[actix_web::test]
async fn only_admins_publish_a_catalogue_and_its_codes_must_nest() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.as_editor(w.jst)
        .post("/api/v1/cooperation-standard/versions")
        .json(catalogue("Mój standard", false))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let mut bad = catalogue("Zły standard", false);
    bad["planes"][1]["areas"][0]["code"] = json!("I.3");
    app.as_admin()
        .post("/api/v1/cooperation-standard/versions")
        .json(&bad)
        .send()
        .await
        .assert_invalid("planes[1].areas[0].code", "invalid_code");
    let mut twice = catalogue("Podwójny", false);
    twice["planes"][0]["areas"][1]["indicators"][0]["code"] = json!("I.2.1");
    twice["planes"][0]["areas"][1]["indicators"]
        .as_array_mut()
        .unwrap()
        .push(json!({"code": "I.2.1", "question": "Drugi raz?"}));
    app.as_admin()
        .post("/api/v1/cooperation-standard/versions")
        .json(&twice)
        .send()
        .await
        .assert_invalid("planes[0].areas[1].indicators[1].code", "duplicate_value");
    let stored: i64 = count(&app, |c| {
        cooperation_catalogues::table.count().get_result(c)
    });
    assert_eq!(stored, 1, "nothing was added");
}

// ------------------------------------------------------------------ assessments

#[actix_web::test]
async fn the_jsts_editor_runs_its_assessment_through_the_lifecycle() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let editor = app.as_editor(w.jst);
    let created = editor
        .post("/api/v1/cooperation-assessments")
        .json(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.2", "I.1"]}))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    assert_eq!(created.json()["status"], "draft");
    assert_eq!(
        created.json()["area_codes"],
        json!(["I.1", "I.2"]),
        "catalogue order"
    );
    assert_eq!(created.json()["min_group_size"], 5);
    assert_eq!(created.json()["jst"]["name"], "Gmina Bobolice");
    assert_eq!(created.json()["catalogue_id"], w.catalogue);
    let row: (String, String, i32) = count(&app, |c| {
        cooperation_assessments::table
            .find(id)
            .select((
                cooperation_assessments::status,
                cooperation_assessments::area_codes,
                cooperation_assessments::year,
            ))
            .first(c)
    });
    assert_eq!(row, ("draft".into(), "I.1,I.2".into(), 2014));

    // A draft is the JST's: others do not find it.
    app.anonymous()
        .get(format!("/api/v1/cooperation-assessments/{id}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_editor(w.other_jst)
        .get(format!("/api/v1/cooperation-assessments/{id}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    let listed = app
        .anonymous()
        .get("/api/v1/cooperation-assessments")
        .send()
        .await
        .assert_status(200);
    assert!(listed.ids().is_empty());
    assert_eq!(
        editor
            .get("/api/v1/cooperation-assessments")
            .send()
            .await
            .assert_status(200)
            .ids(),
        vec![id]
    );

    editor
        .post(format!("/api/v1/cooperation-assessments/{id}/transitions"))
        .json(json!({"to": "published"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "illegal_transition");
    let changed = editor
        .patch(format!("/api/v1/cooperation-assessments/{id}"))
        .json(json!({"area_codes": ["II.1"], "min_group_size": 3}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.json()["area_codes"], json!(["II.1"]));
    assert_eq!(changed.version(), 2);
    for to in ["collecting", "closed", "collecting", "closed", "published"] {
        move_to(&app, w.jst, id, to).await;
    }
    let published = app
        .anonymous()
        .get(format!("/api/v1/cooperation-assessments/{id}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(published.json()["status"], "published");
    assert_eq!(published.version(), 7);
    editor
        .patch(format!("/api/v1/cooperation-assessments/{id}"))
        .json(json!({"min_group_size": 2}))
        .if_match(7)
        .send()
        .await
        .assert_problem(409, "assessment_published");
    editor
        .delete(format!("/api/v1/cooperation-assessments/{id}"))
        .if_match(7)
        .send()
        .await
        .assert_problem(409, "assessment_not_draft");
    assert_eq!(
        app.audit_actions("cooperation_assessment", id),
        vec![
            "create",
            "update",
            "transition",
            "transition",
            "transition",
            "transition",
            "transition"
        ]
    );
    // The feed: the draft's two changes are the JST's only; the public sees it appear.
    let public: Vec<Option<String>> = count(&app, |c| {
        changes::table
            .filter(changes::object_type.eq("cooperation_assessment"))
            .order(changes::id.asc())
            .select(changes::public_action)
            .load(c)
    });
    assert_eq!(public[..3], [None, None, Some("created".to_owned())]);
}

#[actix_web::test]
async fn assessments_refuse_what_the_rules_forbid() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let post = |body: Value| {
        app.as_editor(w.jst)
            .post("/api/v1/cooperation-assessments")
            .json(body)
            .send()
    };
    app.as_editor(w.other_jst)
        .post("/api/v1/cooperation-assessments")
        .json(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.1"]}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_editor(w.ngo)
        .post("/api/v1/cooperation-assessments")
        .json(json!({"jst_id": w.ngo, "year": 2014, "area_codes": ["I.1"]}))
        .send()
        .await
        .assert_invalid("jst_id", "not_a_jst");
    post(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["III.9"]}))
        .await
        .assert_invalid("area_codes", "unknown_area");
    post(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.1", "I.1"]}))
        .await
        .assert_invalid("area_codes", "duplicate_value");
    post(json!({"jst_id": w.jst, "year": 2014, "area_codes": []}))
        .await
        .assert_invalid("area_codes", "length");
    post(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.1"]}))
        .await
        .assert_status(201);
    post(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.2"]}))
        .await
        .assert_problem(409, "assessment_exists");
    let stored: i64 = count(&app, |c| {
        cooperation_assessments::table.count().get_result(c)
    });
    assert_eq!(stored, 1);
    // Collecting: the areas no longer change and it is not deleted.
    let id = collecting(&app, w.jst, 2015, &["I.1"], 5).await;
    app.as_editor(w.jst)
        .patch(format!("/api/v1/cooperation-assessments/{id}"))
        .json(json!({"area_codes": ["I.2"]}))
        .if_match(2)
        .send()
        .await
        .assert_problem(409, "assessment_not_draft");
    app.as_editor(w.jst)
        .delete(format!("/api/v1/cooperation-assessments/{id}"))
        .if_match(2)
        .send()
        .await
        .assert_problem(409, "assessment_not_draft");
    let areas: String = count(&app, |c| {
        cooperation_assessments::table
            .find(id)
            .select(cooperation_assessments::area_codes)
            .first(c)
    });
    assert_eq!(areas, "I.1");
}

// ------------------------------------------------------------------ surveys

#[actix_web::test]
async fn a_code_is_shown_once_stored_hashed_and_answers_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = collecting(&app, w.jst, 2014, &["I.1", "I.2"], 5).await;
    let issued = codes(&app, w.jst, id, "ngo", 3).await;
    assert_eq!(issued.len(), 3);
    assert!(
        issued
            .iter()
            .all(|c| c.starts_with("wsp_") && c.len() == 24)
    );
    let hashes: Vec<(String, String)> = count(&app, |c| {
        cooperation_survey_codes::table
            .select((
                cooperation_survey_codes::code_hash,
                cooperation_survey_codes::respondent_group,
            ))
            .load(c)
    });
    assert_eq!(hashes.len(), 3);
    for (code, (hash, group)) in issued.iter().zip(&hashes) {
        assert_eq!(
            hash,
            &razem::digest::sha256_hex(code),
            "only the hash is stored"
        );
        assert_eq!(group, "ngo");
    }

    let survey = app
        .anonymous()
        .get(format!("/api/v1/cooperation-surveys/{}", issued[0]))
        .send()
        .await
        .assert_status(200);
    assert_eq!(survey.json()["group"], "ngo");
    assert_eq!(survey.json()["jst"]["name"], "Gmina Bobolice");
    assert_eq!(survey.json()["areas"][1]["questions"][0]["code"], "I.2.1");

    // Refused answers leave the code unused.
    answer(&app, &issued[0], &[("I.1.1", Some(6))])
        .await
        .assert_invalid("answers[0].score", "range");
    answer(&app, &issued[0], &[("II.1.1", Some(3))])
        .await
        .assert_invalid("answers[0].indicator_code", "unknown_indicator");
    answer(&app, &issued[0], &[("I.1.1", Some(3)), ("I.1.1", Some(4))])
        .await
        .assert_invalid("answers[1].indicator_code", "duplicate_value");
    let receipt = answer(
        &app,
        &issued[0],
        &[("I.1.1", Some(4)), ("I.1.2", None), ("I.2.1", Some(0))],
    )
    .await
    .assert_status(201);
    assert_eq!(receipt.json()["answers"], 3);
    assert_eq!(receipt.json()["group"], "ngo");
    answer(&app, &issued[0], &[("I.1.1", Some(1))])
        .await
        .assert_problem(409, "survey_code_used");
    app.anonymous()
        .get(format!("/api/v1/cooperation-surveys/{}", issued[0]))
        .send()
        .await
        .assert_problem(409, "survey_code_used");
    answer(&app, "wsp_nieznanykod00000000", &[("I.1.1", Some(1))])
        .await
        .assert_problem(404, "not_found");

    let stored: Vec<(String, Option<i32>)> = count(&app, |c| {
        cooperation_answers::table
            .order(cooperation_answers::id.asc())
            .select((
                cooperation_answers::indicator_code,
                cooperation_answers::score,
            ))
            .load(c)
    });
    assert_eq!(
        stored,
        vec![
            ("I.1.1".into(), Some(4)),
            ("I.1.2".into(), None),
            ("I.2.1".into(), Some(0))
        ]
    );
    let used: i64 = count(&app, |c| {
        cooperation_survey_codes::table
            .filter(cooperation_survey_codes::used_at.is_not_null())
            .count()
            .get_result(c)
    });
    assert_eq!(used, 1);
    // Anonymous answers are no objects of the change feed.
    let feed_types: Vec<String> = count(&app, |c| {
        changes::table
            .select(changes::object_type)
            .distinct()
            .load(c)
    });
    assert!(
        !feed_types
            .iter()
            .any(|t| t.contains("response") || t.contains("survey")),
        "{feed_types:?}"
    );
    let feed = app
        .as_admin()
        .get("/api/v1/changes?limit=100")
        .send()
        .await
        .assert_status(200);
    assert!(
        feed.items()
            .iter()
            .all(|c| c["type"] != "cooperation_response")
    );
}

#[actix_web::test]
async fn a_survey_takes_answers_only_while_collecting() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let draft = app
        .as_editor(w.jst)
        .post("/api/v1/cooperation-assessments")
        .json(json!({"jst_id": w.jst, "year": 2014, "area_codes": ["I.1"]}))
        .send()
        .await
        .assert_status(201)
        .id();
    let code = codes(&app, w.jst, draft, "jst", 1).await.remove(0);
    answer(&app, &code, &[("I.1.1", Some(3))])
        .await
        .assert_problem(409, "survey_not_open");
    move_to(&app, w.jst, draft, "collecting").await;
    move_to(&app, w.jst, draft, "closed").await;
    answer(&app, &code, &[("I.1.1", Some(3))])
        .await
        .assert_problem(409, "survey_not_open");
    // Closed: no more codes; and nobody but an editor issues them.
    for (caller, status, code) in [
        (app.as_editor(w.jst), 409, "survey_not_open"),
        (app.anonymous(), 401, "authentication_required"),
    ] {
        caller
            .post(format!(
                "/api/v1/cooperation-assessments/{draft}/invitations"
            ))
            .json(json!({"group": "jst", "count": 1}))
            .send()
            .await
            .assert_problem(status, code);
    }
    let responses: i64 = count(&app, |c| cooperation_responses::table.count().get_result(c));
    assert_eq!(responses, 0);
}

/// Eight answers with one code at once, over two instances on one database: exactly
/// one is recorded, the others are 409.
#[actix_web::test]
async fn racing_answers_with_one_code_record_one_response() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = collecting(&app, w.jst, 2014, &["I.1"], 1).await;
    let code = codes(&app, w.jst, id, "jst", 1).await.remove(0);
    let other = spawn_instance_of(&app, |_| {}).await;
    let request = || {
        TestRequest::post()
            .uri(&format!("/api/v1/cooperation-surveys/{code}/responses"))
            .set_json(answers(&[("I.1.1", Some(5)), ("I.1.2", Some(4))]))
    };
    let responses = join_all((0..8).map(|i| {
        if i % 2 == 0 {
            app.send(request())
        } else {
            other.send(request())
        }
    }))
    .await;
    let created = responses.iter().filter(|r| r.status() == 201).count();
    for response in responses.iter().filter(|r| r.status() != 201) {
        response.assert_problem(409, "survey_code_used");
    }
    assert_eq!(created, 1, "exactly one answer is recorded");
    let stored: i64 = count(&app, |c| cooperation_responses::table.count().get_result(c));
    assert_eq!(stored, 1);
    let answers: i64 = count(&app, |c| cooperation_answers::table.count().get_result(c));
    assert_eq!(answers, 2);
}

#[actix_web::test]
async fn guessing_codes_is_rate_limited_per_client_address() {
    // Its own limit (RAZEM_SURVEY_MAX_FAILURES), not the sign-in limit.
    let app = spawn_app_with(|config| {
        config.survey_max_failures = 3;
        config.login_max_failures = 100;
    })
    .await;
    let w = world(&app).await;
    let id = collecting(&app, w.jst, 2014, &["I.1"], 1).await;
    let good = codes(&app, w.jst, id, "ngo", 2).await;
    let from = |peer: [u8; 4], code: &str| {
        TestRequest::post()
            .uri(&format!("/api/v1/cooperation-surveys/{code}/responses"))
            .peer_addr(std::net::SocketAddr::from((peer, 40_000)))
            .set_json(answers(&[("I.1.1", Some(3))]))
    };
    // A successful answer costs nothing.
    app.send(from([10, 1, 1, 1], &good[0]))
        .await
        .assert_status(201);
    for guess in ["wsp_a", "wsp_b", "wsp_c"] {
        app.send(from([10, 1, 1, 1], guess))
            .await
            .assert_problem(404, "not_found");
    }
    let limited = app.send(from([10, 1, 1, 1], &good[1])).await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    // Another address is not held back; the code was not used by the refused request.
    app.send(from([10, 2, 2, 2], &good[1]))
        .await
        .assert_status(201);
    let stored: i64 = count(&app, |c| cooperation_responses::table.count().get_result(c));
    assert_eq!(stored, 2);
}

// ------------------------------------------------------------------ results

/// The answers of the unit test's hand-computed example (`results::tests`), through HTTP.
async fn hand_example(app: &TestApp, w: &World, year: i32, min_group_size: i32) -> i64 {
    let id = collecting(app, w.jst, year, &["I.1", "I.2", "II.1"], min_group_size).await;
    let jst = codes(app, w.jst, id, "jst", 3).await;
    let ngo = codes(app, w.jst, id, "ngo", 2).await;
    let rows: [(&str, [Option<i32>; 4]); 5] = [
        (&jst[0], [Some(4), Some(5), Some(3), Some(2)]),
        (&jst[1], [Some(3), None, Some(4), Some(2)]),
        (&jst[2], [Some(5), Some(4), None, Some(3)]),
        (&ngo[0], [Some(2), Some(3), Some(1), Some(4)]),
        (&ngo[1], [None, Some(2), Some(2), None]),
    ];
    for (code, scores) in rows {
        let pairs: Vec<(&str, Option<i32>)> = ["I.1.1", "I.1.2", "I.2.1", "II.1.1"]
            .into_iter()
            .zip(scores)
            .collect();
        answer(app, code, &pairs).await.assert_status(201);
    }
    id
}

#[actix_web::test]
async fn results_are_the_hand_computed_numbers() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = hand_example(&app, &w, 2014, 2).await;
    let url = format!("/api/v1/cooperation-assessments/{id}/results");
    app.anonymous()
        .get(&url)
        .send()
        .await
        .assert_problem(409, "results_not_published");
    app.as_editor(w.other_jst)
        .get(&url)
        .send()
        .await
        .assert_problem(409, "results_not_published");
    let early = app
        .as_editor(w.jst)
        .get(&url)
        .send()
        .await
        .assert_status(200);
    assert_eq!(early.json()["status"], "collecting");
    move_to(&app, w.jst, id, "closed").await;
    move_to(&app, w.jst, id, "published").await;
    let results = app.anonymous().get(&url).send().await.assert_status(200);
    let body = results.json();
    let area = |code: &str, plane: &str, title: &str, jst: f64, ngo: f64, score: f64, gap: f64| json!({"code": code, "title": title, "plane": plane, "score_jst": jst, "score_ngo": ngo, "score": score, "gap": gap, "suppressed": false});
    assert_eq!(
        body["areas"],
        json!([
            area(
                "I.1",
                "I",
                "Współtworzenie strategii i programów",
                4.2,
                2.33,
                3.27,
                1.87
            ),
            area(
                "I.2",
                "I",
                "Konsultowanie założeń projektów aktów normatywnych",
                3.5,
                1.5,
                2.5,
                2.0
            ),
            area("II.1", "II", "Formy finansowe", 2.33, 4.0, 3.17, -1.67),
        ])
    );
    assert_eq!(
        body["planes"],
        json!([{"code": "I", "score": 2.88}, {"code": "II", "score": 3.17}])
    );
    assert_eq!(body["index"], json!(3.03));
    assert_eq!(body["strengths"], json!(["I.1"]));
    assert_eq!(body["weaknesses"], json!(["I.2"]));
    assert_eq!(body["responses"], json!({"jst": 3, "ngo": 2}));
    assert_eq!(body["catalogue_id"], w.catalogue);
}

#[actix_web::test]
async fn a_group_under_the_minimum_is_hidden_but_still_counts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = hand_example(&app, &w, 2014, 3).await;
    let results = app
        .as_editor(w.jst)
        .get(format!("/api/v1/cooperation-assessments/{id}/results"))
        .send()
        .await
        .assert_status(200);
    let first = &results.json()["areas"][0];
    assert_eq!(first["score_jst"], json!(4.2));
    assert_eq!(first["score_ngo"], Value::Null);
    assert_eq!(first["gap"], Value::Null);
    assert_eq!(first["suppressed"], json!(true));
    assert_eq!(first["score"], json!(3.27), "the hidden NGOs still count");
    assert_eq!(results.json()["index"], json!(3.03));
}

// ------------------------------------------------------------------ over time, side by side

#[actix_web::test]
async fn published_indexes_by_year_and_side_by_side_as_json_and_csv() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let y2014 = hand_example(&app, &w, 2014, 2).await;
    for to in ["closed", "published"] {
        move_to(&app, w.jst, y2014, to).await;
    }
    // 2015: one JST answer of 5 to I.1.1 only: index 5.
    let y2015 = collecting(&app, w.jst, 2015, &["I.1"], 1).await;
    let code = codes(&app, w.jst, y2015, "jst", 1).await.remove(0);
    answer(&app, &code, &[("I.1.1", Some(5))])
        .await
        .assert_status(201);
    for to in ["closed", "published"] {
        move_to(&app, w.jst, y2015, to).await;
    }
    // 2016 still collecting: not in the series.
    collecting(&app, w.jst, 2016, &["I.1"], 1).await;
    // A neighbour whose name a spreadsheet would take for a formula.
    let admin = app.admin().await;
    let formula = app
        .organization(&admin, json!({"name": "=HYPERLINK(\"http://example.org\")", "kind": "jst", "teryt": "3203011"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let theirs = collecting(&app, formula, 2014, &["II.1"], 1).await;
    let code = codes(&app, formula, theirs, "ngo", 1).await.remove(0);
    answer(&app, &code, &[("II.1.1", Some(2))])
        .await
        .assert_status(201);
    for to in ["closed", "published"] {
        move_to(&app, formula, theirs, to).await;
    }

    let series = app
        .anonymous()
        .get(format!("/api/v1/organizations/{}/cooperation-index", w.jst))
        .send()
        .await
        .assert_status(200);
    let years: Vec<(i64, f64)> = series
        .items()
        .iter()
        .map(|i| (i["year"].as_i64().unwrap(), i["index"].as_f64().unwrap()))
        .collect();
    assert_eq!(years, vec![(2014, 3.03), (2015, 5.0)]);
    assert_eq!(series.items()[0]["teryt"], "3203043");
    assert_eq!(series.items()[0]["responses"], json!({"jst": 3, "ngo": 2}));
    let csv = app
        .anonymous()
        .get(format!("/api/v1/organizations/{}/cooperation-index", w.jst))
        .header("Accept", "text/csv")
        .send()
        .await
        .assert_status(200);
    assert!(csv.content_type().starts_with("text/csv"));
    assert_eq!(
        csv.text(),
        "\u{feff}Rok;TERYT;JST;Indeks;Płaszczyzna I;Płaszczyzna II;Odpowiedzi JST;Odpowiedzi NGO;Dane demonstracyjne\r\n\
         2014;3203043;Gmina Bobolice;3,03;2,88;3,17;3;2;nie\r\n\
         2015;3203043;Gmina Bobolice;5,00;5,00;;1;0;nie\r\n"
    );

    let side = app
        .anonymous()
        .get("/api/v1/cooperation-index?year=2014&voivodeship=zachodniopomorskie")
        .send()
        .await
        .assert_status(200);
    assert_eq!(side.items().len(), 2);
    let names: Vec<&str> = side
        .items()
        .iter()
        .map(|i| i["jst"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Gmina Bobolice"));
    let elsewhere = app
        .anonymous()
        .get("/api/v1/cooperation-index?year=2014&voivodeship=opolskie")
        .send()
        .await
        .assert_status(200);
    assert!(elsewhere.items().is_empty());
    let csv = app
        .anonymous()
        .get("/api/v1/cooperation-index?year=2014&voivodeship=zachodniopomorskie")
        .header("Accept", "text/csv")
        .send()
        .await
        .assert_status(200);
    assert!(
        csv.text()
            .contains(";\"'=HYPERLINK(\"\"http://example.org\"\")\";"),
        "{}",
        csv.text()
    );
    assert!(
        csv.text()
            .contains("2014;3203043;Gmina Bobolice;3,03;2,88;3,17;3;2;nie\r\n")
    );
    app.anonymous()
        .get("/api/v1/cooperation-index?year=2014")
        .header("Accept", "image/png")
        .send()
        .await
        .assert_problem(406, "not_acceptable");
    app.anonymous()
        .get(format!("/api/v1/organizations/{}/cooperation-index", w.ngo))
        .send()
        .await
        .assert_problem(404, "not_found");
}

// ------------------------------------------------------------------ demo data

#[actix_web::test]
async fn the_demo_holds_the_seed_standard_its_project_and_a_published_assessment() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo(); // idempotent
    let standard = app
        .anonymous()
        .get("/api/v1/cooperation-standard")
        .send()
        .await
        .assert_status(200);
    let planes = standard.json()["planes"].as_array().unwrap();
    assert_eq!(planes.len(), 3);
    let areas: Vec<&str> = planes
        .iter()
        .flat_map(|p| p["areas"].as_array().unwrap())
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(areas, ["I.1", "I.2", "II.1", "II.2", "III.1", "III.2"]);
    assert_eq!(
        planes[2]["areas"][1]["tools"],
        json!([
            "internetowe grupy problemowe i tematyczne",
            "Rada Działalności Pożytku Publicznego"
        ])
    );
    for area in planes.iter().flat_map(|p| p["areas"].as_array().unwrap()) {
        let indicators = area["indicators"].as_array().unwrap();
        assert!((3..=5).contains(&indicators.len()));
        assert!(indicators.iter().all(|i| i["demonstration"] == true));
    }
    let versions: i64 = count(&app, |c| {
        cooperation_catalogues::table.count().get_result(c)
    });
    assert_eq!(versions, 1);
    app.with_conn(|conn| razem::seed::cooperation::load_demo_project(conn).expect("project"));
    app.with_conn(|conn| razem::seed::cooperation::load_demo_project(conn).expect("again"));
    let kcwis: i64 = count(&app, |c| {
        projects::table
            .filter(projects::code.eq("KCWIS-WZP-2014"))
            .count()
            .get_result(c)
    });
    assert_eq!(kcwis, 1);

    let published = app
        .anonymous()
        .get("/api/v1/cooperation-assessments?status=published")
        .send()
        .await
        .assert_status(200);
    assert_eq!(published.items().len(), 1);
    let assessment = &published.items()[0];
    assert_eq!(assessment["demonstration"], true);
    let id = assessment["id"].as_i64().unwrap();
    let results = app
        .anonymous()
        .get(format!("/api/v1/cooperation-assessments/{id}/results"))
        .send()
        .await
        .assert_status(200);
    // The generated answers of `seed::cooperation` (6 staff, 7 NGOs), by hand:
    // I.1 jst 78/22 = 3.5454…, ngo 61/26 = 2.3461…, score 2.9458… → 2.95, gap 1.1993… → 1.2;
    // I.2 jst 58/17 = 3.4117…, ngo 46/20 = 2.3, score 2.8558… → 2.86, gap 1.1117… → 1.11;
    // plane I = index = (2.9458… + 2.8558…)/2 = 2.9008… → 2.9.
    let scores: Vec<(String, f64, f64, f64, f64)> = results.json()["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let f = |k: &str| a[k].as_f64().unwrap();
            (
                a["code"].as_str().unwrap().to_owned(),
                f("score_jst"),
                f("score_ngo"),
                f("score"),
                f("gap"),
            )
        })
        .collect();
    assert_eq!(
        scores,
        vec![
            ("I.1".to_owned(), 3.55, 2.35, 2.95, 1.2),
            ("I.2".to_owned(), 3.41, 2.3, 2.86, 1.11)
        ]
    );
    assert_eq!(
        results.json()["planes"],
        json!([{"code": "I", "score": 2.9}])
    );
    assert_eq!(results.json()["index"], json!(2.9));
    assert_eq!(results.json()["responses"], json!({"jst": 6, "ngo": 7}));
    let responses: i64 = count(&app, |c| cooperation_responses::table.count().get_result(c));
    assert_eq!(
        responses,
        results.json()["responses"]["jst"].as_i64().unwrap()
            + results.json()["responses"]["ngo"].as_i64().unwrap()
    );
}
