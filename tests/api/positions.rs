//! Positions: CRUD, the lifecycle and its numbering, co-signing, replies, visibility of
//! drafts per role, lists (filters, sorts, keyset pagination), preconditions and audit.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use razem::db::schema::{
    position_addressees, position_attachments, position_co_signers, position_responses,
    position_topics, position_transitions, positions,
};
use razem::domain::{PositionStatus, Role};
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app, urlencode};

/// The people and organizations most tests need, on top of the demo data set.
struct World {
    opos: i64,
    slaski: i64,
    wielkopolska: i64,
    ministry: i64,
    kwrist: i64,
    admin: String,
    /// Editor of OPOS (the adopting association of most test positions).
    editor_a: String,
    editor_a_id: i64,
    /// Editor of the Śląski Związek Gmin i Powiatów.
    editor_b: String,
    viewer: String,
}

async fn world(app: &TestApp) -> World {
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let wielkopolska = app
        .id_of("stowarzyszenie-gmin-i-powiatow-wielkopolski")
        .await;
    let ministry = app.id_of("ministerstwo-infrastruktury").await;
    let kwrist = app
        .id_of("komisja-wspolna-rzadu-i-samorzadu-terytorialnego")
        .await;
    let admin = app.admin().await;
    let (editor_a_id, editor_a) = app
        .user("redakcja@opos.example.org", Role::Editor, &[opos])
        .await;
    let editor_b = app
        .person("redakcja@silesia.example.org", Role::Editor, &[slaski])
        .await
        .token;
    let viewer = app.as_viewer().person().await.token;
    World {
        opos,
        slaski,
        wielkopolska,
        ministry,
        kwrist,
        admin,
        editor_a,
        editor_a_id,
        editor_b,
        viewer,
    }
}

/// A complete draft of `association_id`.
fn draft(association_id: i64, title: &str) -> Value {
    json!({
        "association_id": association_id,
        "kind": "position",
        "title": title,
        "summary": "Streszczenie stanowiska.",
        "body": "## Stanowisko\n\nTreść stanowiska w sprawie **finansów samorządowych**.",
        "topics": ["finanse samorządowe"]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app
        .with_token(token)
        .post("/api/v1/positions")
        .json(&body)
        .send()
        .await
        .assert_status(201);
    response.into_json()
}

/// Moves a position (with its current ETag) and returns the response.
async fn move_to(app: &TestApp, token: &str, id: i64, to: &str, on: Option<&str>) -> TestResponse {
    let current = app
        .with_token(token)
        .get(format!("/api/v1/positions/{id}"))
        .send()
        .await
        .assert_status(200);
    let mut body = json!({"to": to});
    if let Some(on) = on {
        body["on"] = json!(on);
    }
    app.with_token(token)
        .post(format!("/api/v1/positions/{id}/transitions"))
        .json(&body)
        .if_match(current.etag())
        .send()
        .await
}

/// Walks a position through these moves, asserting each succeeds.
async fn walk(app: &TestApp, token: &str, id: i64, moves: &[(&str, &str)]) -> Value {
    let mut last = Value::Null;
    for (to, on) in moves {
        let response = move_to(app, token, id, to, Some(on)).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "move to {to}: {}",
            response.text()
        );
        last = response.into_json();
    }
    last
}

/// The moves that bring a new draft into `status`.
fn path_to(status: PositionStatus) -> Vec<(&'static str, &'static str)> {
    let adopted = ("adopted", "2024-03-08");
    let sent = ("sent", "2024-03-15");
    let answered = ("answered", "2024-04-22");
    match status {
        PositionStatus::Draft => vec![],
        PositionStatus::Adopted => vec![adopted],
        PositionStatus::Sent => vec![adopted, sent],
        PositionStatus::Answered => vec![adopted, sent, answered],
        PositionStatus::Closed => vec![adopted, sent, answered, ("closed", "2024-05-10")],
        PositionStatus::Withdrawn => vec![adopted, ("withdrawn", "2024-03-20")],
    }
}

fn stored_status_and_version(app_conn: &mut razem::db::DbConnection, id: i64) -> (String, i64) {
    positions::table
        .find(id)
        .select((positions::status, positions::version))
        .first(app_conn)
        .unwrap()
}

/// An opinion of OPOS with every field, answering a consultation of the ministry: the
/// created response and the consultation's id.
async fn opinion_with_every_field(app: &TestApp, w: &World) -> (TestResponse, i64) {
    let consultation = app
        .as_admin()
        .post("/api/v1/consultations")
        .json(json!({
            "organizer_id": w.ministry, "direction": "inbound",
            "title": "Konsultacje projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę",
            "subject_kind": "draft_act", "forms": ["written"], "eligibility": "public",
            "opens_at": "2024-02-01T08:00:00Z", "closes_at": "2024-03-08T08:00:00Z"
        }))
        .send()
        .await
        .assert_status(201);
    let consultation_id = consultation.id();
    // Signing for the Śląski Związek and answering a draft need an administrator.
    let created = app.as_admin().post("/api/v1/positions").json(json!({
                "association_id": w.opos, "kind": "opinion",
                "title": "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę",
                "summary": "Porozumienie wskazuje na brak źródeł finansowania nowych zadań gmin.",
                "body": "## Uwagi ogólne\n\nOPOS opiniuje projekt **pozytywnie z zastrzeżeniami**.",
                "adopted_on": "2024-03-08",
                "topics": ["  Gospodarka   Wodno-Ściekowa ", "finanse samorządowe", "gospodarka wodno-ściekowa"],
                "legislation": {"register_number": "UD383", "title": "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę", "url": "https://legislacja.gov.pl/projekt/12345678"},
                "addressee_ids": [w.ministry, w.kwrist],
                "co_signers": [{"organization_id": w.slaski, "signed_on": "2024-03-12"}],
                "attachments": [{"title": "Opinia – PDF", "url": "https://opos.example.org/3-2024.pdf", "media_type": "application/pdf", "size_bytes": 284512}],
                "consultation_id": consultation_id
            })).send()
        .await.assert_status(201);
    (created, consultation_id)
}

#[actix_web::test]
async fn a_position_is_created_with_every_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (created, consultation_id) = opinion_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/positions/{id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag_version(), 1);
    let body = &created.json();
    assert_eq!(body["status"], "draft");
    assert_eq!(body["number"], Value::Null, "numbered on adoption");
    assert_eq!(body["association_id"], w.opos);
    assert_eq!(body["association"]["slug"], "opos");
    assert_eq!(body["association"]["kind"], "alliance");
    assert_eq!(
        body["topics"],
        json!(["finanse samorządowe", "gospodarka wodno-ściekowa"]),
        "normalized, without repeats"
    );
    assert_eq!(body["legislation"]["register_number"], "UD383");
    assert_eq!(body["addressee_ids"], json!([w.ministry, w.kwrist]));
    assert_eq!(body["addressees"][0]["name"], "Ministerstwo Infrastruktury");
    assert_eq!(body["addressees"][0]["kind"], "government_body");
    assert_eq!(body["co_signers"][0]["organization_id"], w.slaski);
    assert_eq!(
        body["co_signers"][0]["organization"]["name"],
        "Śląski Związek Gmin i Powiatów"
    );
    assert_eq!(body["co_signers"][0]["signed_on"], "2024-03-12");
    assert_eq!(body["attachments"][0]["size_bytes"], 284512);
    assert_eq!(body["responses"], json!([]));
    assert_eq!(body["consultation_id"], consultation_id);
    assert!(body["body"].as_str().unwrap().contains("**pozytywnie"));
}

#[actix_web::test]
async fn a_position_is_stored_searchable_and_unpublished_while_a_draft() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (created, _) = opinion_with_every_field(&app, &w).await;
    let id = created.id();
    let indexed = app.indexed_words("position", id);
    assert!(indexed.contains("zaopatrzeniu w wode"), "{indexed}");
    assert!(indexed.contains("ud383"), "{indexed}");
    let (adopted_sort, published, title): (NaiveDate, bool, Option<String>) =
        app.with_conn(|conn| {
            positions::table
                .find(id)
                .select((
                    positions::adopted_sort,
                    positions::published,
                    positions::title,
                ))
                .first(conn)
                .unwrap()
        });
    assert_eq!(adopted_sort, NaiveDate::from_ymd_opt(2024, 3, 8).unwrap());
    assert!(!published, "a draft is not published");
    assert_eq!(
        title.as_deref(),
        Some("Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę")
    );
    let topics: Vec<String> = app.with_conn(|conn| {
        position_topics::table
            .filter(position_topics::position_id.eq(id))
            .select(position_topics::topic)
            .order(position_topics::topic)
            .load(conn)
            .unwrap()
    });
    assert_eq!(
        topics,
        vec!["finanse samorządowe", "gospodarka wodno-ściekowa"]
    );
}

#[actix_web::test]
async fn a_position_reads_back_as_created_and_a_patch_changes_only_what_it_names() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (created, _) = opinion_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/positions/{id}");
    let read = app
        .with_token(&w.editor_a)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    assert_eq!(read.json(), created.json());
    assert_eq!(read.etag_version(), 1);

    let patched = app.with_token(&w.editor_a).patch(&path).json(json!({"title": "Opinia OPOS (wersja 2)", "topics": ["woda"], "addressee_ids": [w.kwrist],
                    "attachments": [], "legislation": null, "consultation_id": null})).if_match(1).send()
        .await.assert_status(200);
    assert_eq!(patched.etag_version(), 2);
    assert_eq!(patched.json()["title"], "Opinia OPOS (wersja 2)");
    assert_eq!(patched.json()["topics"], json!(["woda"]));
    assert_eq!(patched.json()["addressee_ids"], json!([w.kwrist]));
    assert_eq!(patched.json()["attachments"], json!([]));
    assert_eq!(patched.json()["legislation"], Value::Null);
    assert_eq!(patched.json()["consultation_id"], Value::Null);
    assert_eq!(
        patched.json()["summary"],
        created.json()["summary"],
        "absent fields stay"
    );
    assert_eq!(
        patched.json()["co_signers"],
        created.json()["co_signers"],
        "absent lists stay"
    );
    let unchanged = app
        .with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"title": "Opinia OPOS (wersja 2)"}))
        .if_match(2)
        .send()
        .await;
    assert_eq!(
        unchanged.etag_version(),
        2,
        "a patch that changes nothing keeps the version"
    );
    assert_eq!(app.audit_actions("position", id), vec!["create", "update"]);
}

#[actix_web::test]
async fn a_position_is_deleted_under_if_match_with_its_related_rows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (created, _) = opinion_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/positions/{id}");
    app.with_token(&w.editor_a)
        .delete(&path)
        .if_match(2)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.with_token(&w.editor_a)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    app.as_admin()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    let leftovers: (i64, i64, i64, i64, i64) = app.with_conn(|conn| {
        (
            positions::table
                .filter(positions::id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            position_topics::table
                .filter(position_topics::position_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            position_addressees::table
                .filter(position_addressees::position_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            position_co_signers::table
                .filter(position_co_signers::position_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            position_transitions::table
                .filter(position_transitions::position_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    });
    assert_eq!(
        leftovers,
        (0, 0, 0, 0, 0),
        "related rows go with the position"
    );
    assert_eq!(app.audit_actions("position", id), vec!["create", "delete"]);
}

#[actix_web::test]
async fn every_transition_is_allowed_or_refused_by_the_lifecycle() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let expected_allowed = [
        ("draft", "adopted, withdrawn"),
        ("adopted", "sent, withdrawn"),
        ("sent", "answered, withdrawn"),
        ("answered", "closed"),
        ("closed", "none"),
        ("withdrawn", "none"),
    ];
    for from in PositionStatus::ALL {
        for to in PositionStatus::ALL {
            let position =
                create(&app, &w.editor_a, draft(w.opos, &format!("{from} → {to}"))).await;
            let id = position.id();
            walk(&app, &w.editor_a, id, &path_to(*from)).await;
            let before = app.with_conn(|conn| stored_status_and_version(conn, id));
            assert_eq!(before.0, from.as_str());
            let response = move_to(&app, &w.editor_a, id, to.as_str(), Some("2024-06-01")).await;
            if from.can_move_to(*to) {
                assert_eq!(
                    response.status(),
                    StatusCode::OK,
                    "{from} → {to}: {}",
                    response.text()
                );
                assert_eq!(response.json()["status"], to.as_str());
                assert_eq!(response.etag_version(), before.1 + 1);
                let history = app
                    .with_token(&w.editor_a)
                    .get(format!("/api/v1/positions/{id}/history"))
                    .send()
                    .await;
                let last = history.json()["items"]
                    .as_array()
                    .unwrap()
                    .last()
                    .unwrap()
                    .clone();
                assert_eq!(last["from"], from.as_str());
                assert_eq!(last["to"], to.as_str());
                assert_eq!(last["on"], "2024-06-01");
                assert_eq!(last["actor_user_id"], w.editor_a_id);
            } else {
                response.assert_problem(409, "illegal_transition");
                let allowed = expected_allowed
                    .iter()
                    .find(|(status, _)| *status == from.as_str())
                    .unwrap()
                    .1;
                let detail = response.json()["detail"].as_str().unwrap();
                assert!(
                    detail.contains(&format!("allowed: {allowed}")),
                    "{from} → {to}: {detail}"
                );
                let after = app.with_conn(|conn| stored_status_and_version(conn, id));
                assert_eq!(
                    after, before,
                    "a refused move changes nothing ({from} → {to})"
                );
            }
        }
    }
}

#[actix_web::test]
async fn adoption_needs_title_body_and_date_and_numbers_the_position() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let bare = create(
        &app,
        &w.editor_a,
        json!({"association_id": w.opos, "kind": "appeal"}),
    )
    .await;
    let id = bare.id();
    let refused = move_to(&app, &w.editor_a, id, "adopted", None).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["title", "body", "adopted_on"]);
    assert_eq!(refused.json()["errors"][0]["code"], "required_for_adoption");
    assert_eq!(
        app.with_conn(|conn| stored_status_and_version(conn, id)),
        ("draft".to_owned(), 1)
    );
    // A draft may be abandoned as it is.
    let withdrawn = move_to(&app, &w.editor_a, id, "withdrawn", None).await;
    assert_eq!(withdrawn.status(), StatusCode::OK, "{}", withdrawn.text());
    assert_eq!(withdrawn.json()["number"], Value::Null);

    // The adoption date comes from `on`, or from the draft's adopted_on.
    let first = create(&app, &w.editor_a, draft(w.opos, "Pierwsze")).await;
    let adopted = move_to(&app, &w.editor_a, first.id(), "adopted", Some("2024-03-08")).await;
    assert_eq!(adopted.status(), StatusCode::OK, "{}", adopted.text());
    assert_eq!(adopted.json()["number"], "1/2024");
    assert_eq!(adopted.json()["adopted_on"], "2024-03-08");
    let mut dated = draft(w.opos, "Drugie");
    dated["adopted_on"] = json!("2024-04-01");
    let second = create(&app, &w.editor_a, dated).await;
    let adopted = move_to(&app, &w.editor_a, second.id(), "adopted", None).await;
    assert_eq!(adopted.json()["number"], "2/2024");
    assert_eq!(adopted.json()["adopted_on"], "2024-04-01");
    // Per year and per association.
    let other_year = create(&app, &w.editor_a, draft(w.opos, "Z 2021")).await;
    let adopted = move_to(
        &app,
        &w.editor_a,
        other_year.id(),
        "adopted",
        Some("2021-12-30"),
    )
    .await;
    assert_eq!(adopted.json()["number"], "1/2021");
    let slaski = create(&app, &w.editor_b, draft(w.slaski, "Śląskie")).await;
    let adopted = move_to(
        &app,
        &w.editor_b,
        slaski.id(),
        "adopted",
        Some("2024-05-01"),
    )
    .await;
    assert_eq!(adopted.json()["number"], "1/2024");
    // A number given on the draft is kept; the next one continues after the highest.
    let mut numbered = draft(w.opos, "Z numerem");
    numbered["number"] = json!("7/2024");
    let numbered = create(&app, &w.editor_a, numbered).await;
    assert_eq!(numbered["number"], "7/2024");
    let adopted = move_to(
        &app,
        &w.editor_a,
        numbered.id(),
        "adopted",
        Some("2024-06-01"),
    )
    .await;
    assert_eq!(adopted.json()["number"], "7/2024");
    let next = create(&app, &w.editor_a, draft(w.opos, "Następne")).await;
    let adopted = move_to(&app, &w.editor_a, next.id(), "adopted", Some("2024-06-02")).await;
    assert_eq!(adopted.json()["number"], "8/2024");

    // A taken number is a conflict; a number of another year is refused on adoption.
    let mut taken = draft(w.opos, "Zajęty numer");
    taken["number"] = json!("8/2024");
    app.with_token(&w.editor_a)
        .post("/api/v1/positions")
        .json(&taken)
        .send()
        .await
        .assert_problem(409, "number_taken");
    let mut wrong_year = draft(w.opos, "Inny rok");
    wrong_year["number"] = json!("3/2023");
    let wrong_year = create(&app, &w.editor_a, wrong_year).await;
    let refused = move_to(
        &app,
        &w.editor_a,
        wrong_year.id(),
        "adopted",
        Some("2024-06-03"),
    )
    .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.json()["errors"][0]["code"], "number_year_mismatch");

    // Dates follow the lifecycle.
    let id = first.id();
    let early = move_to(&app, &w.editor_a, id, "sent", Some("2024-03-01")).await;
    early.assert_problem(422, "validation_failed");
    assert_eq!(early.error_fields(), vec!["on"]);
    let sent = move_to(&app, &w.editor_a, id, "sent", Some("2024-03-15")).await;
    assert_eq!(sent.json()["sent_on"], "2024-03-15");
    let before_sent = move_to(&app, &w.editor_a, id, "answered", Some("2024-03-10")).await;
    before_sent.assert_problem(422, "validation_failed");
    let history = app
        .anonymous()
        .get(format!("/api/v1/positions/{id}/history"))
        .send()
        .await;
    let moves: Vec<(Value, Value, Value)> = history.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].clone(), m["to"].clone(), m["on"].clone()))
        .collect();
    assert_eq!(
        moves[1..],
        [
            (json!("draft"), json!("adopted"), json!("2024-03-08")),
            (json!("adopted"), json!("sent"), json!("2024-03-15")),
        ]
    );
    assert_eq!(moves[0].0, Value::Null, "the creation comes first");
    assert_eq!(moves[0].1, "draft");
}

#[actix_web::test]
async fn concurrent_adoptions_get_distinct_consecutive_numbers() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut numbers = Vec::new();
    for round in 0..3 {
        let mut ids = Vec::new();
        for i in 0..4 {
            let position = create(
                &app,
                &w.admin,
                draft(w.wielkopolska, &format!("Runda {round}, {i}")),
            )
            .await;
            ids.push(position.id());
        }
        let (app, token) = (&app, w.admin.as_str());
        let adopt = |id: i64| async move {
            app.with_token(token)
                .post(format!("/api/v1/positions/{id}/transitions"))
                .json(json!({"to": "adopted", "on": "2024-05-05"}))
                .if_match(1)
                .send()
                .await
        };
        let (a, b, c, d) =
            futures_util::future::join4(adopt(ids[0]), adopt(ids[1]), adopt(ids[2]), adopt(ids[3]))
                .await;
        for response in [a, b, c, d] {
            assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
            numbers.push(response.json()["number"].as_str().unwrap().to_owned());
        }
    }
    let mut sequence: Vec<i64> = numbers
        .iter()
        .map(|n| n.strip_suffix("/2024").unwrap().parse().unwrap())
        .collect();
    sequence.sort_unstable();
    assert_eq!(
        sequence,
        (1..=12).collect::<Vec<_>>(),
        "no gaps, no duplicates: {numbers:?}"
    );
    let stored: Vec<Option<i32>> = app.with_conn(|conn| {
        positions::table
            .filter(positions::association_id.eq(w.wielkopolska))
            .filter(positions::number_year.eq(2024))
            .select(positions::number_seq)
            .order(positions::number_seq)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, (1..=12).map(Some).collect::<Vec<_>>());
}

/// An adopted position of OPOS (version 2) and the path that co-signs it for an
/// organization.
async fn adopted_for_co_signing(app: &TestApp, w: &World) -> (i64, impl Fn(i64) -> String) {
    let id = create(app, &w.editor_a, draft(w.opos, "Wspólne stanowisko"))
        .await
        .id();
    walk(app, &w.editor_a, id, &[("adopted", "2024-03-08")]).await;
    (id, move |organization: i64| {
        format!("/api/v1/positions/{id}/co-signers/{organization}")
    })
}

fn version_of(app: &TestApp, id: i64) -> i64 {
    app.with_conn(|conn| stored_status_and_version(conn, id)).1
}

#[actix_web::test]
async fn only_editors_of_the_co_signer_or_admins_co_sign_an_adopted_position() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = create(&app, &w.editor_a, draft(w.opos, "Wspólne stanowisko"))
        .await
        .id();
    let sign = |organization: i64| format!("/api/v1/positions/{id}/co-signers/{organization}");
    // Editors of another association do not see the draft yet.
    app.with_token(&w.editor_b)
        .post(sign(w.slaski))
        .json(json!({}))
        .send()
        .await
        .assert_problem(404, "not_found");
    walk(&app, &w.editor_a, id, &[("adopted", "2024-03-08")]).await;

    app.anonymous()
        .post(sign(w.slaski))
        .json(json!({}))
        .send()
        .await
        .assert_problem(401, "authentication_required");
    app.with_token(&w.viewer)
        .post(sign(w.slaski))
        .json(json!({}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&w.editor_b)
        .post(sign(w.wielkopolska))
        .json(json!({}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&w.editor_a)
        .post(sign(w.opos))
        .json(json!({}))
        .send()
        .await
        .assert_problem(409, "own_position");
    app.as_admin()
        .post(format!("/api/v1/positions/{id}/co-signers/99999"))
        .json(json!({}))
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(version_of(&app, id), 2);
}

#[actix_web::test]
async fn a_co_signature_records_the_signer_and_its_date_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, sign) = adopted_for_co_signing(&app, &w).await;
    let signed = app
        .with_token(&w.editor_b)
        .post(sign(w.slaski))
        .json(json!({"signed_on": "2024-03-12"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(signed.etag_version(), 3);
    assert_eq!(signed.json()["co_signers"][0]["organization_id"], w.slaski);
    assert_eq!(
        signed.json()["co_signers"][0]["organization"]["slug"],
        "slaski-zwiazek-gmin-i-powiatow"
    );
    assert_eq!(signed.json()["co_signers"][0]["signed_on"], "2024-03-12");
    app.with_token(&w.editor_b)
        .post(sign(w.slaski))
        .json(json!({}))
        .send()
        .await
        .assert_problem(409, "already_co_signed");
    // Without a body: signed today.
    let by_admin = app
        .as_admin()
        .post(sign(w.wielkopolska))
        .send()
        .await
        .assert_status(200);
    let today = chrono::Utc::now().date_naive().to_string();
    let wielkopolska = by_admin.json()["co_signers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["organization_id"] == w.wielkopolska)
        .unwrap()
        .clone();
    assert_eq!(wielkopolska["signed_on"], today);
    assert_eq!(version_of(&app, id), 4);
    let by_signer = app
        .anonymous()
        .get(format!("/api/v1/positions?co_signer={}", w.slaski))
        .send()
        .await;
    assert!(by_signer.ids().contains(&id));
}

#[actix_web::test]
async fn a_signature_is_withdrawn_by_its_editor_or_an_admin_under_if_match() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, sign) = adopted_for_co_signing(&app, &w).await;
    app.as_admin()
        .post(sign(w.wielkopolska))
        .send()
        .await
        .assert_status(200);
    app.with_token(&w.editor_b)
        .delete(sign(w.wielkopolska))
        .if_match(3)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_admin()
        .delete(sign(w.wielkopolska))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_admin()
        .delete(sign(w.wielkopolska))
        .if_match(2)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .delete(sign(w.wielkopolska))
        .if_match(3)
        .send()
        .await
        .assert_status(204);
    app.as_admin()
        .delete(sign(w.wielkopolska))
        .if_match(4)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(stored_co_signers(&app, id), []);
    assert_eq!(
        app.audit_actions("position", id),
        ["create", "transition", "co_sign", "remove_co_signer"]
    );
}

#[actix_web::test]
async fn once_sent_a_positions_co_signers_are_fixed() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, sign) = adopted_for_co_signing(&app, &w).await;
    app.with_token(&w.editor_b)
        .post(sign(w.slaski))
        .json(json!({"signed_on": "2024-03-12"}))
        .send()
        .await
        .assert_status(200);
    walk(&app, &w.editor_a, id, &[("sent", "2024-03-15")]).await;
    let sent = version_of(&app, id);
    app.as_admin()
        .post(sign(w.wielkopolska))
        .json(json!({}))
        .send()
        .await
        .assert_problem(409, "position_already_sent");
    app.with_token(&w.editor_b)
        .delete(sign(w.slaski))
        .if_match(sent)
        .send()
        .await
        .assert_problem(409, "position_already_sent");
    app.as_admin()
        .patch(format!("/api/v1/positions/{id}"))
        .json(json!({"co_signers": []}))
        .if_match(sent)
        .send()
        .await
        .assert_problem(409, "position_already_sent");
    assert_eq!(
        stored_co_signers(&app, id),
        vec![(w.slaski, NaiveDate::from_ymd_opt(2024, 3, 12).unwrap())]
    );
    assert_eq!(
        app.audit_actions("position", id),
        vec!["create", "transition", "co_sign", "transition"]
    );
}

#[actix_web::test]
async fn replies_move_a_sent_position_to_answered() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut body = draft(w.opos, "Stanowisko z odpowiedzią");
    body["addressee_ids"] = json!([w.ministry]);
    let position = create(&app, &w.editor_a, body).await;
    let id = position.id();
    let responses = format!("/api/v1/positions/{id}/responses");
    let reply = json!({"received_on": "2024-04-22", "from_id": w.ministry,
        "summary": "Ministerstwo zapowiada wydłużenie okresu przejściowego.",
        "attachment": {"title": "Pismo MI", "url": "https://opos.example.org/mi.pdf", "media_type": "application/pdf"}});
    walk(&app, &w.editor_a, id, &[("adopted", "2024-03-08")]).await;
    app.with_token(&w.editor_a)
        .post(&responses)
        .json(&reply)
        .send()
        .await
        .assert_problem(409, "position_not_sent");
    walk(&app, &w.editor_a, id, &[("sent", "2024-03-15")]).await;

    app.with_token(&w.editor_b)
        .post(&responses)
        .json(&reply)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .post(&responses)
        .json(&reply)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    let mut stranger = reply.clone();
    stranger["from_id"] = json!(w.kwrist);
    let refused = app
        .with_token(&w.editor_a)
        .post(&responses)
        .json(&stranger)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.json()["errors"][0]["code"], "not_an_addressee");
    let mut early = reply.clone();
    early["received_on"] = json!("2024-03-01");
    let refused = app
        .with_token(&w.editor_a)
        .post(&responses)
        .json(&early)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["received_on"]);
    let count: i64 = app.with_conn(|conn| {
        position_responses::table
            .filter(position_responses::position_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(count, 0, "refused replies are not stored");

    let recorded = app
        .with_token(&w.editor_a)
        .post(&responses)
        .json(&reply)
        .send()
        .await
        .assert_status(201);
    assert_eq!(
        recorded.header("location"),
        Some(format!("/api/v1/positions/{id}").as_str())
    );
    assert_eq!(recorded.json()["status"], "answered");
    let response = &recorded.json()["responses"][0];
    assert_eq!(response["from_id"], w.ministry);
    assert_eq!(response["from"]["name"], "Ministerstwo Infrastruktury");
    assert_eq!(response["received_on"], "2024-04-22");
    assert_eq!(response["attachment"]["media_type"], "application/pdf");
    let history = app
        .anonymous()
        .get(format!("/api/v1/positions/{id}/history"))
        .send()
        .await;
    let last = history.json()["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["from"].clone(), last["to"].clone(), last["on"].clone()),
        (json!("sent"), json!("answered"), json!("2024-04-22"))
    );
    assert_eq!(last["actor_user_id"], w.editor_a_id);

    let mut second = reply.clone();
    second["received_on"] = json!("2024-05-02");
    let again = app
        .as_admin()
        .post(&responses)
        .json(&second)
        .send()
        .await
        .assert_status(201);
    assert_eq!(again.json()["status"], "answered");
    assert_eq!(again.json()["responses"].as_array().unwrap().len(), 2);
    let actions = app.audit_actions("position", id);
    assert_eq!(
        actions,
        vec![
            "create",
            "transition",
            "transition",
            "response",
            "transition",
            "response"
        ]
    );
}

/// A private draft, a withdrawn draft and an adopted position of OPOS: their ids.
async fn drafts_and_a_public_one(app: &TestApp, w: &World) -> (i64, i64, i64) {
    let private = create(app, &w.editor_a, draft(w.opos, "Projekt poufny")).await;
    let private_id = private.id();
    let abandoned = create(app, &w.editor_a, draft(w.opos, "Projekt porzucony")).await;
    let abandoned_id = abandoned.id();
    walk(
        app,
        &w.editor_a,
        abandoned_id,
        &[("withdrawn", "2024-02-01")],
    )
    .await;
    let public = create(app, &w.editor_a, draft(w.opos, "Stanowisko jawne")).await;
    let public_id = public.id();
    walk(app, &w.editor_a, public_id, &[("adopted", "2024-03-08")]).await;

    (private_id, abandoned_id, public_id)
}

#[actix_web::test]
async fn drafts_are_visible_only_to_editors_of_the_association_and_admins() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (private_id, abandoned_id, public_id) = drafts_and_a_public_one(&app, &w).await;
    let roles: [(&str, Option<&str>, bool); 5] = [
        ("anonymous", None, false),
        ("viewer", Some(&w.viewer), false),
        ("editor of A", Some(&w.editor_a), true),
        ("editor of B", Some(&w.editor_b), false),
        ("admin", Some(&w.admin), true),
    ];
    for (role, token, sees_drafts) in roles {
        for id in [private_id, abandoned_id] {
            let single = app
                .caller(token)
                .get(format!("/api/v1/positions/{id}"))
                .send()
                .await;
            let history = app
                .caller(token)
                .get(format!("/api/v1/positions/{id}/history"))
                .send()
                .await;
            if sees_drafts {
                assert_eq!(single.status(), StatusCode::OK, "{role}");
                assert_eq!(history.status(), StatusCode::OK, "{role}");
            } else {
                single.assert_problem(404, "not_found");
                history.assert_problem(404, "not_found");
            }
        }
        app.caller(token)
            .get(format!("/api/v1/positions/{public_id}"))
            .send()
            .await
            .assert_status(200);
        for query in [
            "limit=100",
            "status=draft&limit=100",
            "status=withdrawn&limit=100",
            "association={opos}&limit=100",
        ] {
            let query = query.replace("{opos}", &w.opos.to_string());
            let list = app
                .caller(token)
                .get(format!("/api/v1/positions?{query}"))
                .send()
                .await
                .assert_status(200);
            let listed = list.ids();
            for id in [private_id, abandoned_id] {
                let expected = sees_drafts
                    && (query.starts_with("limit")
                        || query.starts_with("association")
                        || (query.starts_with("status=draft") && id == private_id)
                        || (query.starts_with("status=withdrawn") && id == abandoned_id));
                assert_eq!(
                    listed.contains(&id),
                    expected,
                    "{role}, {query}, position {id}"
                );
            }
            if !query.starts_with("status") {
                assert!(listed.contains(&public_id), "{role}, {query}");
            }
        }
    }
    // The demo set has one private draft too: its editors and admins only.
    let demo_drafts = app
        .with_token(&w.editor_b)
        .get("/api/v1/positions?status=draft")
        .send()
        .await;
    assert_eq!(demo_drafts.ids(), Vec::<i64>::new());
}

#[actix_web::test]
async fn writes_to_a_draft_one_cannot_see_are_404_and_change_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (private_id, _, public_id) = drafts_and_a_public_one(&app, &w).await;
    // Writes: the invisible is 404, the visible but not yours is 403, nothing changes.
    app.with_token(&w.editor_b)
        .patch(format!("/api/v1/positions/{private_id}"))
        .json(json!({"title": "X"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&w.editor_b)
        .patch(format!("/api/v1/positions/{public_id}"))
        .json(json!({"title": "X"}))
        .if_match(2)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&w.viewer)
        .patch(format!("/api/v1/positions/{public_id}"))
        .json(json!({"title": "X"}))
        .if_match(2)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .patch(format!("/api/v1/positions/{public_id}"))
        .json(json!({"title": "X"}))
        .if_match(2)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    app.with_token(&w.editor_b)
        .post(format!("/api/v1/positions/{private_id}/transitions"))
        .json(json!({"to": "adopted", "on": "2024-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&w.editor_b)
        .delete(format!("/api/v1/positions/{private_id}"))
        .if_match(1)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&w.editor_b)
        .post("/api/v1/positions")
        .json(draft(w.opos, "Cudze"))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&w.viewer)
        .post("/api/v1/positions")
        .json(draft(w.opos, "Cudze"))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let titles: Vec<Option<String>> = app.with_conn(|conn| {
        positions::table
            .filter(positions::id.eq_any([private_id, public_id]))
            .select(positions::title)
            .order(positions::id)
            .load(conn)
            .unwrap()
    });
    assert_eq!(
        titles,
        vec![
            Some("Projekt poufny".to_owned()),
            Some("Stanowisko jawne".to_owned())
        ]
    );
    assert_eq!(
        app.with_conn(|conn| stored_status_and_version(conn, private_id)),
        ("draft".to_owned(), 1)
    );
    assert_eq!(app.audit_actions("position", private_id), vec!["create"]);
}

/// Every sort walks every visible position exactly once, in its order with ties broken
/// by id, over more than three pages, for admins (drafts included) and anonymous callers.
#[actix_web::test]
async fn pagination_walks_every_position_once_in_each_sort() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let association = app
        .as_admin()
        .post("/api/v1/associations")
        .json(json!({"name": "Związek Testowy", "kind": "association"}))
        .send()
        .await
        .assert_status(201);
    let association_id = association.id();
    let mut created = Vec::new();
    for i in 0..26 {
        let position = create(
            &app,
            &admin,
            draft(association_id, &format!("Stanowisko {i}")),
        )
        .await;
        let id = position.id();
        created.push(id);
        if i % 5 != 0 {
            // Seven distinct dates for 21 positions: plenty of ties.
            let on = format!("2015-{:02}-01", i % 7 + 1);
            let response = move_to(&app, &admin, id, "adopted", Some(&on)).await;
            assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        }
    }
    // Ties on updated_at too.
    let tie = NaiveDateTime::parse_from_str("2025-01-01 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    app.with_conn(|conn| {
        diesel::update(positions::table.filter(positions::id.eq_any(created[3..11].to_vec())))
            .set(positions::updated_at.eq(tie))
            .execute(conn)
            .unwrap()
    });
    let rows: Vec<(i64, NaiveDate, NaiveDateTime, bool)> = app.with_conn(|conn| {
        positions::table
            .select((
                positions::id,
                positions::adopted_sort,
                positions::updated_at,
                positions::published,
            ))
            .load(conn)
            .unwrap()
    });
    for (who, token) in [("admin", Some(admin.as_str())), ("anonymous", None)] {
        let visible: Vec<&(i64, NaiveDate, NaiveDateTime, bool)> =
            rows.iter().filter(|r| token.is_some() || r.3).collect();
        for sort in ["-adopted_on", "adopted_on", "-updated_at", "updated_at"] {
            let mut expected = visible.clone();
            match sort {
                "adopted_on" => expected.sort_by_key(|r| (r.1, r.0)),
                "-adopted_on" => expected.sort_by_key(|r| std::cmp::Reverse((r.1, r.0))),
                "updated_at" => expected.sort_by_key(|r| (r.2, r.0)),
                _ => expected.sort_by_key(|r| std::cmp::Reverse((r.2, r.0))),
            }
            let expected: Vec<i64> = expected.iter().map(|r| r.0).collect();
            let mut seen = Vec::new();
            let mut pages = 0;
            let base = format!("/api/v1/positions?limit=4&sort={sort}");
            let mut next = base.clone();
            loop {
                let page = app.caller(token).get(&next).send().await.assert_status(200);
                pages += 1;
                let items = page.json()["items"].as_array().unwrap();
                assert!(
                    items.iter().all(|i| i.get("body").is_none()),
                    "list items omit the body"
                );
                seen.extend(page.ids());
                match page.json()["next_cursor"].as_str() {
                    Some(cursor) => next = format!("{base}&cursor={cursor}"),
                    None => break,
                }
            }
            assert!(pages > 3, "{who} {sort}: {pages} pages");
            let unique: HashSet<i64> = seen.iter().copied().collect();
            assert_eq!(unique.len(), seen.len(), "{who} {sort}: nothing repeated");
            assert_eq!(
                seen, expected,
                "{who} {sort}: every position once, in order"
            );
        }
    }
    // Drafts (no adoption date) come first newest-first and last oldest-first.
    let newest = app.as_admin().get("/api/v1/positions?limit=1").send().await;
    assert_eq!(newest.json()["items"][0]["adopted_on"], Value::Null);
    let oldest = app
        .as_admin()
        .get("/api/v1/positions?limit=1&sort=adopted_on")
        .send()
        .await;
    assert_eq!(oldest.json()["items"][0]["adopted_on"], "2015-01-01");

    let first = app
        .anonymous()
        .get("/api/v1/positions?limit=2")
        .send()
        .await;
    let cursor = first.json()["next_cursor"].as_str().unwrap();
    app.anonymous()
        .get(format!(
            "/api/v1/positions?sort=-updated_at&cursor={cursor}"
        ))
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
}

#[actix_web::test]
async fn filters_narrow_the_list_and_bad_values_are_400() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let kprm = app.id_of("kancelaria-prezesa-rady-ministrow").await;
    let count = |response: &TestResponse| {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        response.json()["items"].as_array().unwrap().len()
    };
    let cases: Vec<(String, usize)> = vec![
        ("limit=100".into(), 8),
        (format!("association={}", w.opos), 5),
        ("kind=appeal".into(), 2),
        ("status=closed".into(), 3),
        ("status=draft".into(), 0),
        (
            format!("topic={}", urlencode("Gospodarka  Wodno-Ściekowa")),
            2,
        ),
        ("adopted_from=2020-01-01&adopted_to=2022-12-31".into(), 2),
        ("adopted_from=2025-01-01".into(), 1),
        ("register_number=UD439".into(), 1),
        (format!("addressee={}", w.ministry), 1),
        (format!("addressee={kprm}"), 3),
        (format!("co_signer={}", w.slaski), 1),
        (format!("q={}", urlencode("ZAOPATRZENIU w wode")), 1),
        ("q=ud439".into(), 1),
        ("q=%25".into(), 0),
        ("updated_since=2999-01-01T00:00:00Z".into(), 0),
        ("updated_since=2000-01-01T00:00:00Z&limit=100".into(), 8),
        (
            format!("association={}&kind=appeal&status=answered", w.opos),
            1,
        ),
    ];
    for (query, expected) in &cases {
        let response = app
            .anonymous()
            .get(format!("/api/v1/positions?{query}"))
            .send()
            .await;
        assert_eq!(
            count(&response),
            *expected,
            "anonymous ?{query}: {}",
            response.text()
        );
    }
    let admin_drafts = app
        .as_admin()
        .get("/api/v1/positions?status=draft")
        .send()
        .await;
    assert_eq!(count(&admin_drafts), 1, "the demo draft, for admins");
    let opos_all = app
        .with_token(&w.editor_a)
        .get(format!("/api/v1/positions?association={}", w.opos))
        .send()
        .await;
    assert_eq!(count(&opos_all), 6, "OPOS editors also see the OPOS draft");
    let water = app
        .anonymous()
        .get(format!(
            "/api/v1/positions?q={}",
            urlencode("zaopatrzeniu w wodę")
        ))
        .send()
        .await;
    assert_eq!(water.json()["items"][0]["number"], "4/2023");
    assert_eq!(water.json()["items"][0]["kind"], "opinion");

    for query in [
        "kind=martian",
        "status=lost",
        "sort=title",
        "register_number=ud439",
        "adopted_from=yesterday",
        "adopted_from=2024-01-01&adopted_to=2023-01-01",
        "association=opos",
        "association=0",
        "limit=0",
        "colour=red",
        "cursor=bm9wZQ",
    ] {
        let response = app
            .anonymous()
            .get(format!("/api/v1/positions?{query}"))
            .send()
            .await
            .assert_status(400);
        assert!(
            ["invalid_query", "invalid_cursor"]
                .contains(&response.json()["code"].as_str().unwrap()),
            "?{query}: {}",
            response.text()
        );
    }
}

#[actix_web::test]
async fn preconditions_guard_every_write() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let position = create(&app, &w.editor_a, draft(w.opos, "Stanowisko")).await;
    let id = position.id();
    let path = format!("/api/v1/positions/{id}");
    let transitions = format!("{path}/transitions");
    let adopt = json!({"to": "adopted", "on": "2024-03-08"});

    app.with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"title": "X"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"title": "X"}))
        .if_match(9)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.with_token(&w.editor_a)
        .post(&transitions)
        .json(&adopt)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.editor_a)
        .post(&transitions)
        .json(&adopt)
        .if_match(9)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.with_token(&w.editor_a)
        .post(&transitions)
        .json(&adopt)
        .if_match("garbage")
        .send()
        .await
        .assert_problem(400, "invalid_if_match");
    app.with_token(&w.editor_a)
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    assert_eq!(
        app.with_conn(|conn| stored_status_and_version(conn, id)),
        ("draft".to_owned(), 1)
    );
    assert_eq!(app.audit_actions("position", id), vec!["create"]);

    // Two writers from the same version: the second loses, nothing is lost silently.
    app.with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"title": "Pierwszy"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .patch(&path)
        .json(json!({"title": "Drugi"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .post(&transitions)
        .json(&adopt)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    let adopted = app
        .as_admin()
        .post(&transitions)
        .json(&adopt)
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(adopted.json()["title"], "Pierwszy");
    assert_eq!(adopted.etag_version(), 3);

    // Adopted positions are part of the record: withdraw before deleting.
    app.with_token(&w.editor_a)
        .delete(&path)
        .if_match(3)
        .send()
        .await
        .assert_problem(409, "position_not_deletable");
    walk(&app, &w.editor_a, id, &[("withdrawn", "2024-04-01")]).await;
    app.with_token(&w.editor_a)
        .delete(&path)
        .if_match(4)
        .send()
        .await
        .assert_status(204);
    assert_eq!(
        app.audit_actions("position", id),
        vec!["create", "update", "transition", "transition", "delete"]
    );
}

#[actix_web::test]
async fn invalid_positions_are_422_naming_the_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before: i64 = app.with_conn(|conn| positions::table.count().get_result(conn).unwrap());
    let base = draft(w.opos, "Stanowisko");
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (
            with("kind", json!("petition")),
            "kind",
            "invalid_enum_value",
        ),
        (
            with("number", json!("07/2024")),
            "number",
            "invalid_position_number",
        ),
        (
            with(
                "legislation",
                json!({"register_number": "ud383", "title": "Projekt"}),
            ),
            "legislation.register_number",
            "invalid_register_number",
        ),
        (
            with("legislation", json!({"url": "ftp://x.pl"})),
            "legislation.url",
            "invalid_url",
        ),
        (
            with("association_id", json!(w.ministry)),
            "association_id",
            "not_an_association",
        ),
        (
            with("association_id", json!(99999)),
            "association_id",
            "not_found",
        ),
        (
            with("addressee_ids", json!([99999])),
            "addressee_ids",
            "not_found",
        ),
        (
            with("addressee_ids", json!([w.ministry, w.ministry])),
            "addressee_ids",
            "duplicate_value",
        ),
        (
            with(
                "co_signers",
                json!([{"organization_id": w.opos, "signed_on": "2024-01-01"}]),
            ),
            "co_signers",
            "own_association",
        ),
        (
            with("co_signers", json!([{"organization_id": w.slaski}])),
            "co_signers[0].signed_on",
            "required",
        ),
        (
            with(
                "attachments",
                json!([{"title": "PDF", "url": "https://x.example.org/a.pdf", "media_type": "PDF"}]),
            ),
            "attachments[0].media_type",
            "invalid_media_type",
        ),
        (
            with("topics", json!(["x".repeat(61)])),
            "topics",
            "invalid_topic",
        ),
        (with("title", json!("   ")), "title", "blank"),
        (with("status", json!("adopted")), "status", "unknown_field"),
        (
            with("adopted_on", json!("2024-02-30")),
            "adopted_on",
            "invalid_value",
        ),
        (
            with("consultation_id", json!(0)),
            "consultation_id",
            "range",
        ),
        (
            with("adopted_on", json!("1989-12-31")),
            "adopted_on",
            "date_out_of_range",
        ),
    ];
    for (body, field, code) in cases {
        let response = app
            .as_admin()
            .post("/api/v1/positions")
            .json(&body)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        let error = response.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error on {field} for {body}: {}", response.text()));
        assert_eq!(error["code"], code, "for {body}: {}", response.text());
    }
    let after: i64 = app.with_conn(|conn| positions::table.count().get_result(conn).unwrap());
    assert_eq!(after, before, "nothing invalid was stored");

    // Rules of a changed position.
    let position = create(&app, &w.editor_a, base.clone()).await;
    let id = position.id();
    let path = format!("/api/v1/positions/{id}");
    let refused = move_to(&app, &w.editor_a, id, "adopted", Some("2101-01-01")).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.json()["errors"][0]["code"], "date_out_of_range");
    let refused = app
        .with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"sent_on": "2024-03-01"}))
        .if_match(1)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.json()["errors"][0]["code"], "set_by_transition");
    app.with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"association_id": w.slaski}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    walk(&app, &w.editor_a, id, &[("adopted", "2024-03-08")]).await;
    let refused = app
        .with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"body": null}))
        .if_match(2)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["body"]);
    let refused = app
        .with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"adopted_on": "2023-12-01"}))
        .if_match(2)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.json()["errors"][0]["code"], "number_year_mismatch");
    app.as_admin()
        .patch(&path)
        .json(json!({"association_id": w.slaski}))
        .if_match(2)
        .send()
        .await
        .assert_problem(409, "position_not_draft");
    let fixed = app
        .with_token(&w.editor_a)
        .patch(&path)
        .json(json!({"adopted_on": "2023-12-01", "number": "9/2023"}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(fixed.json()["number"], "9/2023");
    assert_eq!(
        app.with_conn(|conn| stored_status_and_version(conn, id)),
        ("adopted".to_owned(), 3)
    );
}

#[actix_web::test]
async fn the_demo_opinion_on_the_water_supply_act_is_served() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let total: i64 = app.with_conn(|conn| positions::table.count().get_result(conn).unwrap());
    assert_eq!(total, 9, "seeding twice adds nothing");
    let found = app
        .anonymous()
        .get(format!(
            "/api/v1/positions?q={}",
            urlencode("zbiorowym zaopatrzeniu w wodę")
        ))
        .send()
        .await;
    let id = found.ids()[0];
    let opinion = app
        .anonymous()
        .get(format!("/api/v1/positions/{id}"))
        .send()
        .await
        .assert_status(200);
    let body = &opinion.json();
    assert_eq!(body["association"]["slug"], "opos");
    assert_eq!(body["kind"], "opinion");
    assert_eq!(body["status"], "sent");
    assert!(body["adopted_on"].is_string() && body["sent_on"].is_string());
    assert_eq!(body["addressees"][0]["name"], "Ministerstwo Infrastruktury");
    assert_eq!(body["addressees"][0]["kind"], "government_body");
    assert!(body["co_signers"].as_array().unwrap().len() >= 3);
    assert!(
        body["co_signers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["organization"]["kind"] == "association")
    );
    assert!(
        body["legislation"]["register_number"]
            .as_str()
            .unwrap()
            .starts_with("UD")
    );
    assert!(
        body["body"]
            .as_str()
            .unwrap()
            .contains("## Uwagi szczegółowe")
    );
    let history = app
        .anonymous()
        .get(format!("/api/v1/positions/{id}/history"))
        .send()
        .await;
    let moves: Vec<&str> = history.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, vec!["draft", "adopted", "sent"]);
    let years: HashSet<String> = app
        .anonymous()
        .get("/api/v1/positions?limit=100")
        .send()
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["adopted_on"].as_str().unwrap()[..4].to_owned())
        .collect();
    assert!(years.len() >= 6, "positions across the years: {years:?}");
    let attachments: i64 = app.with_conn(|conn| {
        position_attachments::table
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(attachments, 0);
}

#[actix_web::test]
async fn a_co_signer_path_naming_organization_zero_is_400() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let position = create(&app, &w.editor_a, draft(w.opos, "Stanowisko do podpisu")).await;
    let path = format!("/api/v1/positions/{}/co-signers/0", position["id"]);
    app.as_admin()
        .delete(&path)
        .if_match(7)
        .send()
        .await
        .assert_problem(400, "invalid_path");
    app.as_admin()
        .post(&path)
        .json(json!({}))
        .send()
        .await
        .assert_problem(400, "invalid_path");
}

/// The co-signers stored for a position, in organization order.
fn stored_co_signers(app: &TestApp, id: i64) -> Vec<(i64, NaiveDate)> {
    app.with_conn(|conn| {
        position_co_signers::table
            .filter(position_co_signers::position_id.eq(id))
            .select((
                position_co_signers::organization_id,
                position_co_signers::signed_on,
            ))
            .order(position_co_signers::organization_id.asc())
            .load(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn co_signers_in_a_position_body_need_the_same_right_as_the_co_signer_endpoints() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let march = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
    let signer =
        |organization: i64, on: &str| json!({"organization_id": organization, "signed_on": on});
    let count =
        || -> i64 { app.with_conn(|conn| positions::table.count().get_result(conn).unwrap()) };

    // An editor of OPOS cannot sign in the Śląski Związek's name when creating...
    let before = count();
    let mut forged = draft(w.opos, "Stanowisko z cudzym podpisem");
    forged["co_signers"] = json!([signer(w.slaski, "2024-03-12")]);
    app.with_token(&w.editor_a)
        .post("/api/v1/positions")
        .json(&forged)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(count(), before, "nothing is stored");
    // ...an administrator can.
    let position = create(&app, &w.admin, forged).await;
    let id = position.id();
    let path = format!("/api/v1/positions/{id}");
    assert_eq!(stored_co_signers(&app, id), vec![(w.slaski, march)]);

    // Nor drop, redate or add signatures of others when changing it.
    for (what, co_signers) in [
        ("drop", json!([])),
        ("redate", json!([signer(w.slaski, "2024-03-01")])),
        (
            "add",
            json!([
                signer(w.slaski, "2024-03-12"),
                signer(w.wielkopolska, "2024-03-12")
            ]),
        ),
    ] {
        let refused = app
            .with_token(&w.editor_a)
            .patch(&path)
            .json(json!({"co_signers": co_signers}))
            .if_match(1)
            .send()
            .await
            .assert_status(403);
        refused.assert_problem(403, "forbidden");
        assert_eq!(
            stored_co_signers(&app, id),
            vec![(w.slaski, march)],
            "{what}"
        );
        assert_eq!(
            app.with_conn(|conn| stored_status_and_version(conn, id)).1,
            1,
            "{what}"
        );
    }
    // The dedicated endpoint refuses the same editor the same way.
    app.with_token(&w.editor_a)
        .delete(format!("/api/v1/positions/{id}/co-signers/{}", w.slaski))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");

    // Signatures left as they were do not stand in the way of other changes.
    app.with_token(&w.editor_a)
        .patch(&path)
        .json(
            json!({"title": "Stanowisko wspólne", "co_signers": [signer(w.slaski, "2024-03-12")]}),
        )
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(stored_co_signers(&app, id), vec![(w.slaski, march)]);

    // An editor of both associations may drop and add the Śląski Związek's signature.
    let both = app
        .person(
            "redakcja@obie.example.org",
            Role::Editor,
            &[w.opos, w.slaski],
        )
        .await
        .token;
    app.with_token(&both)
        .patch(&path)
        .json(json!({"co_signers": []}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(stored_co_signers(&app, id), vec![]);
    app.with_token(&both)
        .patch(&path)
        .json(json!({"co_signers": [signer(w.slaski, "2024-03-12")]}))
        .if_match(3)
        .send()
        .await
        .assert_status(200);
    assert_eq!(stored_co_signers(&app, id), vec![(w.slaski, march)]);
    // And an administrator may drop it too.
    app.as_admin()
        .patch(&path)
        .json(json!({"co_signers": []}))
        .if_match(4)
        .send()
        .await
        .assert_status(200);
    assert_eq!(stored_co_signers(&app, id), vec![]);
}
