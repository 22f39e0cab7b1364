//! Consultations: CRUD, the status by the clock (time is moved by the data: windows in
//! the past or the future, never by sleeping), minimum periods, transitions and history,
//! visibility of drafts, the authorization matrix, lists, positions answering, demo data.

use actix_web::http::StatusCode;
use chrono::{Duration, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use razem::db::schema::{
    consultation_comments, consultation_documents, consultation_invitees, consultation_transitions,
    consultations,
};
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app, spawn_app_with};

/// The people and organizations most tests need, on top of the demo data set.
///
/// Editors are editors of associations, so the organizer of most test consultations is
/// an association (the Śląski Związek Gmin i Powiatów consulting its members and
/// partners); local governments and NGOs act through API tokens.
pub struct World {
    /// Śląski Związek Gmin i Powiatów, the organizer of most test consultations.
    pub organizer: i64,
    /// Gmina Miasto Szczecin (a local government of the demo set).
    pub szczecin: i64,
    pub opos: i64,
    pub slaski: i64,
    pub wielkopolska: i64,
    /// Związek Gmin Pomorskich, whose editor comments.
    pub pomorskie: i64,
    pub lubelszczyzna: i64,
    pub ministry: i64,
    /// NGOs of the demo set.
    pub aktywni: i64,
    pub przystan: i64,
    pub pionier: i64,
    pub admin: String,
    /// Editor of the organizer.
    pub organizer_editor: String,
    pub organizer_editor_id: i64,
    /// Editor of the Stowarzyszenie Gmin i Powiatów Wielkopolski.
    pub other_editor: String,
    /// Editor of the Związek Gmin Pomorskich only.
    pub commenter_editor: String,
    pub viewer: String,
}

pub async fn world(app: &TestApp) -> World {
    app.seed_demo();
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let szczecin = app.id_of("gmina-miasto-szczecin").await;
    let opos = app.id_of("opos").await;
    let wielkopolska = app
        .id_of("stowarzyszenie-gmin-i-powiatow-wielkopolski")
        .await;
    let pomorskie = app.id_of("zwiazek-gmin-pomorskich").await;
    let lubelszczyzna = app.id_of("zwiazek-gmin-lubelszczyzny").await;
    let ministry = app.id_of("ministerstwo-infrastruktury").await;
    let aktywni = app.id_of("stowarzyszenie-aktywni-razem-szczecin").await;
    let przystan = app.id_of("fundacja-przystan-seniora").await;
    let pionier = app.id_of("uczniowski-klub-sportowy-pionier-szczecin").await;
    let admin = app.admin().await;
    let (organizer_editor_id, organizer_editor) = app
        .user("konsultacje@silesia.example.org", Role::Editor, &[slaski])
        .await;
    let other_editor = app
        .person(
            "redakcja@wielkopolska.example.org",
            Role::Editor,
            &[wielkopolska],
        )
        .await
        .token;
    let commenter_editor = app
        .person("biuro@pomorskie.example.org", Role::Editor, &[pomorskie])
        .await
        .token;
    let viewer = app.as_viewer().person().await.token;
    World {
        organizer: slaski,
        szczecin,
        opos,
        slaski,
        wielkopolska,
        pomorskie,
        lubelszczyzna,
        ministry,
        aktywni,
        przystan,
        pionier,
        admin,
        organizer_editor,
        organizer_editor_id,
        other_editor,
        commenter_editor,
        viewer,
    }
}

/// An instant `days` from now, RFC 3339.
pub fn days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant `hours` from now, RFC 3339.
pub fn hours(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A complete consultation of a programme with this window.
pub fn programme(organizer_id: i64, opens_at: &str, closes_at: &str) -> Value {
    json!({
        "organizer_id": organizer_id,
        "direction": "outbound",
        "title": "Konsultacje projektu programu współpracy z organizacjami pozarządowymi",
        "subject_kind": "programme",
        "forms": ["online", "written"],
        "eligibility": "public",
        "opens_at": opens_at,
        "closes_at": closes_at
    })
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app
        .with_token(token)
        .post("/api/v1/consultations")
        .json(&body)
        .send()
        .await
        .assert_status(201);
    response.into_json()
}

/// Moves a consultation (with its current ETag) and returns the response.
pub async fn move_to(app: &TestApp, token: &str, id: i64, to: &str) -> TestResponse {
    let current = app
        .with_token(token)
        .get(format!("/api/v1/consultations/{id}"))
        .send()
        .await
        .assert_status(200);
    app.with_token(token)
        .post(format!("/api/v1/consultations/{id}/transitions"))
        .json(json!({"to": to}))
        .if_match(current.etag())
        .send()
        .await
}

/// A consultation of the organizer announced with this window; returns its id.
pub async fn announced(app: &TestApp, w: &World, opens_at: &str, closes_at: &str) -> i64 {
    let created = create(app, &w.admin, programme(w.organizer, opens_at, closes_at)).await;
    let id = created.id();
    let moved = move_to(app, &w.admin, id, "announced").await;
    assert_eq!(moved.status(), StatusCode::OK, "announce: {}", moved.text());
    id
}

/// A consultation of the organizer open now (for another 20 days).
pub async fn open(app: &TestApp, w: &World) -> i64 {
    announced(app, w, &days(-1), &days(20)).await
}

/// A consultation of the organizer whose window ended yesterday.
pub async fn closed(app: &TestApp, w: &World) -> i64 {
    announced(app, w, &days(-30), &days(-1)).await
}

pub fn stored_status_and_version(conn: &mut razem::db::DbConnection, id: i64) -> (String, i64) {
    consultations::table
        .find(id)
        .select((consultations::status, consultations::version))
        .first(conn)
        .unwrap()
}

/// A strategy consultation of the organizer with every field, created by its editor.
async fn strategy_with_every_field(app: &TestApp, w: &World) -> TestResponse {
    app.with_token(&w.organizer_editor).post("/api/v1/consultations").json(json!({
                "organizer_id": w.organizer, "direction": "outbound",
                "title": "  Konsultacje Strategii Rozwoju Związku na lata 2026–2035  ",
                "description": "Zapraszamy do udziału w konsultacjach **strategii**.",
                "subject_kind": "strategy",
                "legislation": {"register_number": "UD100", "title": "Projekt uchwały w sprawie strategii", "url": "https://bip.szczecin.example/uchwala"},
                "legal_basis": "art. 6 ust. 3 ustawy o zasadach prowadzenia polityki rozwoju",
                "forms": ["survey", "meeting", "online", "meeting"],
                "eligibility": "invited",
                "invited_ids": [w.pionier, w.aktywni, w.aktywni],
                "opens_at": "2030-03-01T08:00:00+01:00", "closes_at": "2030-04-05T07:00:00Z",
                "documents": [
                    {"title": "Projekt strategii", "url": "https://bip.szczecin.example/strategia.pdf", "version": "1"},
                    {"title": "Streszczenie", "text": "## Cele\n\n1. Miasto zielone."}
                ]
            })).send()
        .await.assert_status(201)
}

#[actix_web::test]
async fn a_consultation_is_created_and_stored_with_every_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = strategy_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/consultations/{id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag_version(), 1);
    let body = &created.json();
    assert_eq!(body["status"], "draft");
    assert_eq!(
        body["title"],
        "Konsultacje Strategii Rozwoju Związku na lata 2026–2035"
    );
    assert_eq!(body["organizer_id"], w.organizer);
    assert_eq!(body["organizer"]["slug"], "slaski-zwiazek-gmin-i-powiatow");
    assert_eq!(body["organizer"]["kind"], "association");
    assert_eq!(body["direction"], "outbound");
    assert_eq!(body["subject_kind"], "strategy");
    assert_eq!(body["legislation"]["register_number"], "UD100");
    assert_eq!(
        body["forms"],
        json!(["online", "meeting", "survey"]),
        "a set, in a fixed order"
    );
    assert_eq!(body["eligibility"], "invited");
    let mut invited = vec![w.aktywni, w.pionier];
    invited.sort();
    assert_eq!(body["invited_ids"], json!(invited));
    assert_eq!(body["invited"].as_array().unwrap().len(), 2);
    assert_eq!(body["opens_at"], "2030-03-01T07:00:00Z", "stored in UTC");
    assert_eq!(body["closes_at"], "2030-04-05T07:00:00Z");
    assert_eq!(body["minimum_days"], 35);
    assert_eq!(body["shortened_reason"], Value::Null);
    assert_eq!(body["documents"][0]["version"], "1");
    assert_eq!(body["documents"][1]["url"], Value::Null);
    assert_eq!(body["documents"][1]["version"], "1", "the default version");
    assert!(
        body["documents"][1]["text"]
            .as_str()
            .unwrap()
            .contains("## Cele")
    );
    assert_eq!(body["comment_count"], 0);
    assert_eq!(body["positions"], json!([]));
    assert_eq!(body["announced_at"], Value::Null);
    assert_eq!(body["report_published_on"], Value::Null);

    let stored: String = app.with_conn(|conn| {
        consultations::table
            .find(id)
            .select(consultations::forms)
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored, "online,meeting,survey");
    let indexed = app.indexed_words("consultation", id);
    assert!(indexed.contains("strategii rozwoju zwiazku"), "{indexed}");
    let documents: i64 = app.with_conn(|conn| {
        consultation_documents::table
            .filter(consultation_documents::consultation_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(documents, 2);
}

#[actix_web::test]
async fn a_consultation_reads_back_and_is_patched_under_if_match() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = strategy_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/consultations/{id}");
    let read = app
        .with_token(&w.organizer_editor)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    assert_eq!(read.json(), created.json());
    assert_eq!(read.etag_version(), 1);

    let patched = app.with_token(&w.organizer_editor).patch(&path).json(json!({"title": "Konsultacje Strategii 2035 (wersja 2)", "eligibility": "public", "invited_ids": [],
                    "documents": [], "legislation": null, "description": null, "forms": ["online"]})).if_match(1).send()
        .await.assert_status(200);
    assert_eq!(patched.etag_version(), 2);
    assert_eq!(
        patched.json()["title"],
        "Konsultacje Strategii 2035 (wersja 2)"
    );
    assert_eq!(patched.json()["invited_ids"], json!([]));
    assert_eq!(patched.json()["documents"], json!([]));
    assert_eq!(patched.json()["legislation"], Value::Null);
    assert_eq!(patched.json()["description"], Value::Null);
    assert_eq!(patched.json()["forms"], json!(["online"]));
    assert_eq!(
        patched.json()["legal_basis"],
        created.json()["legal_basis"],
        "absent fields stay"
    );
    let invitees: i64 = app.with_conn(|conn| {
        consultation_invitees::table
            .filter(consultation_invitees::consultation_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(invitees, 0);

    // Preconditions.
    app.with_token(&w.organizer_editor)
        .patch(&path)
        .json(json!({"title": "Bez If-Match"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.organizer_editor)
        .patch(&path)
        .json(json!({"title": "Nieaktualna wersja"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    let unchanged = app
        .with_token(&w.organizer_editor)
        .patch(&path)
        .json(json!({}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        unchanged.etag_version(),
        2,
        "an empty patch changes nothing"
    );

    assert_eq!(app.audit_count("consultation", id), 2);
}

#[actix_web::test]
async fn a_consultation_is_deleted_under_if_match_with_its_related_rows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = strategy_with_every_field(&app, &w).await;
    let id = created.id();
    let path = format!("/api/v1/consultations/{id}");
    app.with_token(&w.organizer_editor)
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.organizer_editor)
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
    let leftovers: (i64, i64) = app.with_conn(|conn| {
        (
            consultation_documents::table
                .filter(consultation_documents::consultation_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
            consultation_transitions::table
                .filter(consultation_transitions::consultation_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    });
    assert_eq!(leftovers, (0, 0), "related rows go with it");
    assert_eq!(app.audit_count("consultation", id), 2);
}

#[actix_web::test]
async fn the_status_follows_the_clock() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let future = announced(&app, &w, &days(5), &days(30)).await;
    let current = announced(&app, &w, &days(-2), &days(20)).await;
    let past = announced(&app, &w, &days(-40), &days(-2)).await;
    let draft = create(&app, &w.admin, programme(w.organizer, &days(-2), &days(20))).await;
    let draft = draft.id();
    for (id, expected) in [
        (future, "announced"),
        (current, "open"),
        (past, "closed"),
        (draft, "draft"),
    ] {
        let response = app
            .as_admin()
            .get(format!("/api/v1/consultations/{id}"))
            .send()
            .await;
        assert_eq!(response.json()["status"], expected, "{}", response.text());
    }
    // Only the person-made moves are stored; open and closed are computed.
    let stored: Vec<String> = app.with_conn(|conn| {
        consultations::table
            .filter(consultations::id.eq_any([future, current, past]))
            .select(consultations::status)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, vec!["announced"; 3]);

    // The list filters by the computed status (in SQL).
    for (status, expected) in [
        ("announced", vec![future]),
        ("open", vec![current]),
        ("closed", vec![past]),
    ] {
        let list = app
            .anonymous()
            .get(format!(
                "/api/v1/consultations?status={status}&organizer={}",
                w.organizer
            ))
            .send()
            .await;
        let ids: Vec<i64> = list.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.id())
            .collect();
        assert_eq!(ids, expected, "status={status}");
    }

    // Moving the window moves the status: the future one opens when opens_at is now past.
    let current_tag = app
        .as_admin()
        .get(format!("/api/v1/consultations/{future}"))
        .send()
        .await
        .etag();
    let moved = app
        .as_admin()
        .patch(format!("/api/v1/consultations/{future}"))
        .json(json!({"opens_at": hours(-1)}))
        .if_match(&current_tag)
        .send()
        .await
        .assert_status(200);
    assert_eq!(moved.json()["status"], "open");

    // The history puts the clock's moves among the stored ones.
    let history = app
        .anonymous()
        .get(format!("/api/v1/consultations/{past}/history"))
        .send()
        .await
        .assert_status(200);
    let moves: Vec<(Value, Value, bool)> = history.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["from"].clone(),
                i["to"].clone(),
                i["automatic"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, json!("draft"), false),
            (json!("draft"), json!("announced"), false),
            (json!("announced"), json!("closed"), true),
        ],
        "announced after the window ended: straight to closed"
    );
    let history = app
        .anonymous()
        .get(format!("/api/v1/consultations/{current}/history"))
        .send()
        .await;
    let last = history.json()["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["to"], "open");
    assert_eq!(last["automatic"], true);
    assert_eq!(last["id"], Value::Null);
    assert_eq!(last["actor_user_id"], Value::Null);
}

#[actix_web::test]
async fn minimum_periods_depend_on_the_subject_kind() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let window = |kind: &str, length: i64| {
        let mut body = programme(w.organizer, "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z");
        body["subject_kind"] = json!(kind);
        let closes = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap()
            + Duration::hours(length);
        body["closes_at"] = json!(closes.to_rfc3339_opts(SecondsFormat::Secs, true));
        body
    };
    for (kind, minimum_days) in [
        ("strategy", 35),
        ("draft_act", 30),
        ("programme", 14),
        ("regulation", 14),
        ("other", 7),
    ] {
        let exact = app
            .as_admin()
            .post("/api/v1/consultations")
            .json(window(kind, minimum_days * 24))
            .send()
            .await
            .assert_status(201);
        assert_eq!(exact.json()["minimum_days"], minimum_days);
        let short = app
            .as_admin()
            .post("/api/v1/consultations")
            .json(window(kind, minimum_days * 24 - 1))
            .send()
            .await;
        short.assert_problem(422, "validation_failed");
        assert_eq!(short.error_fields(), vec!["shortened_reason"], "{kind}");
        assert_eq!(short.json()["errors"][0]["code"], "window_too_short");
        let mut reasoned = window(kind, minimum_days * 24 - 1);
        reasoned["shortened_reason"] =
            json!("Termin skrócony ze względu na konieczność uchwalenia programu do 30 listopada.");
        let with_reason = app
            .as_admin()
            .post("/api/v1/consultations")
            .json(&reasoned)
            .send()
            .await
            .assert_status(201);
        assert!(with_reason.json()["shortened_reason"].is_string());
    }
    let backwards = app
        .as_admin()
        .post("/api/v1/consultations")
        .json(programme(
            w.organizer,
            "2030-02-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        ))
        .send()
        .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.error_fields(), vec!["closes_at"]);

    // Shortening a window by PATCH is held to the same rule; dropping the reason too.
    let created = create(&app, &w.admin, window("programme", 20 * 24)).await;
    let path = format!("/api/v1/consultations/{}", created["id"]);
    app.as_admin()
        .patch(&path)
        .json(json!({"closes_at": "2030-01-10T00:00:00Z"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let stored: NaiveDateTime = app.with_conn(|conn| {
        consultations::table
            .find(created.id())
            .select(consultations::closes_at)
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored.to_string(), "2030-01-21 00:00:00", "unchanged");
    app.as_admin().patch(&path).json(json!({"closes_at": "2030-01-10T00:00:00Z", "shortened_reason": "Pilna zmiana przepisów."})).if_match(1).send()
        .await.assert_status(200);
    app.as_admin()
        .patch(&path)
        .json(json!({"shortened_reason": null}))
        .if_match(2)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn minimum_periods_are_configuration() {
    let app = spawn_app_with(|config| config.consultation_min_days.programme = 21).await;
    let w = world(&app).await;
    let fourteen_days = app
        .as_admin()
        .post("/api/v1/consultations")
        .json(programme(
            w.organizer,
            "2030-01-01T00:00:00Z",
            "2030-01-15T00:00:00Z",
        ))
        .send()
        .await;
    fourteen_days.assert_problem(422, "validation_failed");
    assert!(
        fourteen_days.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at least 21 days")
    );
    let three_weeks = app
        .as_admin()
        .post("/api/v1/consultations")
        .json(programme(
            w.organizer,
            "2030-01-01T00:00:00Z",
            "2030-01-22T00:00:00Z",
        ))
        .send()
        .await
        .assert_status(201);
    assert_eq!(three_weeks.json()["minimum_days"], 21);
}

#[actix_web::test]
async fn transitions_follow_the_lifecycle_and_refuse_the_rest() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = create(
        &app,
        &w.organizer_editor,
        programme(w.organizer, &days(3), &days(30)),
    )
    .await;
    let id = created.id();
    let transitions = format!("/api/v1/consultations/{id}/transitions");

    app.with_token(&w.organizer_editor)
        .post(&transitions)
        .json(json!({"to": "announced"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.organizer_editor)
        .post(&transitions)
        .json(json!({"to": "announced"}))
        .if_match(7)
        .send()
        .await
        .assert_problem(412, "precondition_failed");

    for (to, allowed) in [
        ("open", "announced, cancelled"),
        ("closed", "announced, cancelled"),
        ("report_published", "announced, cancelled"),
        ("draft", "announced, cancelled"),
    ] {
        let refused = move_to(&app, &w.organizer_editor, id, to).await;
        refused.assert_problem(409, "illegal_transition");
        let detail = refused.json()["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("allowed: {allowed}")), "{detail}");
        if to == "open" || to == "closed" {
            assert!(detail.contains("follow the clock"), "{detail}");
        }
    }
    assert_eq!(
        app.with_conn(|conn| stored_status_and_version(conn, id)),
        ("draft".to_owned(), 1),
        "refused moves leave the row alone"
    );

    let announced = app
        .with_token(&w.organizer_editor)
        .post(&transitions)
        .json(json!({"to": "announced", "note": "Ogłoszenie w BIP."}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(announced.json()["status"], "announced");
    assert_eq!(announced.etag_version(), 2);
    assert!(announced.json()["announced_at"].is_string());
    let again = move_to(&app, &w.organizer_editor, id, "announced").await;
    again.assert_problem(409, "illegal_transition");
    assert!(
        again.json()["detail"]
            .as_str()
            .unwrap()
            .contains("allowed: cancelled")
    );
    move_to(&app, &w.organizer_editor, id, "report_published")
        .await
        .assert_problem(409, "illegal_transition");

    let cancelled = move_to(&app, &w.organizer_editor, id, "cancelled").await;
    assert_eq!(cancelled.status(), StatusCode::OK, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "cancelled");
    let final_move = move_to(&app, &w.organizer_editor, id, "announced").await;
    final_move.assert_problem(409, "illegal_transition");
    assert!(
        final_move.json()["detail"]
            .as_str()
            .unwrap()
            .contains("none ('cancelled' is final)")
    );

    // An open consultation is cancelled; a closed one only gets its report.
    let open = open(&app, &w).await;
    let cancelled_open = move_to(&app, &w.admin, open, "cancelled").await;
    assert_eq!(
        cancelled_open.status(),
        StatusCode::OK,
        "{}",
        cancelled_open.text()
    );
    let closed = closed(&app, &w).await;
    let refused = move_to(&app, &w.admin, closed, "cancelled").await;
    refused.assert_problem(409, "illegal_transition");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("allowed: report_published")
    );
    let published = move_to(&app, &w.admin, closed, "report_published").await;
    assert_eq!(
        published.status(),
        StatusCode::OK,
        "no comments: nothing pending"
    );
    assert_eq!(
        published.json()["report_published_on"],
        Utc::now().date_naive().to_string()
    );

    let history = app
        .anonymous()
        .get(format!("/api/v1/consultations/{id}/history"))
        .send()
        .await;
    let items = history.json()["items"].as_array().unwrap();
    let moves: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["from"].as_str().unwrap_or("-"), i["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        vec![
            ("-", "draft"),
            ("draft", "announced"),
            ("announced", "cancelled")
        ]
    );
    assert_eq!(items[1]["note"], "Ogłoszenie w BIP.");
    assert_eq!(items[1]["actor_user_id"], w.organizer_editor_id);
    let audits: Vec<String> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "consultation", &id.to_string())
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect()
    });
    assert_eq!(audits, vec!["create", "transition", "transition"]);
}

#[actix_web::test]
async fn the_window_changes_only_as_far_as_its_status_allows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = open(&app, &w).await;
    let path = format!("/api/v1/consultations/{id}");
    let tag = app.as_admin().get(&path).send().await.etag();
    for (patch, code) in [
        (json!({"opens_at": days(-2)}), "window_started"),
        (json!({"closes_at": days(19)}), "window_shortened"),
        (
            json!({"eligibility": "invited", "invited_ids": [w.aktywni]}),
            "window_started",
        ),
        (json!({"organizer_id": w.opos}), "consultation_not_draft"),
    ] {
        app.as_admin()
            .patch(&path)
            .json(&patch)
            .if_match(&tag)
            .send()
            .await
            .assert_problem(409, code);
    }
    app.as_admin()
        .patch(&path)
        .json(json!({"closes_at": days(25)}))
        .if_match(&tag)
        .send()
        .await
        .assert_status(200);

    let closed = closed(&app, &w).await;
    let path = format!("/api/v1/consultations/{closed}");
    let tag = app.as_admin().get(&path).send().await.etag();
    app.as_admin()
        .patch(&path)
        .json(json!({"closes_at": days(5)}))
        .if_match(&tag)
        .send()
        .await
        .assert_problem(409, "consultation_closed");
    app.as_admin()
        .patch(&path)
        .json(json!({"description": "Dodano link do nagrania spotkania."}))
        .if_match(&tag)
        .send()
        .await
        .assert_status(200);
    let published = move_to(&app, &w.admin, closed, "report_published").await;
    assert_eq!(published.status(), StatusCode::OK, "{}", published.text());
    app.as_admin()
        .patch(&path)
        .json(json!({"title": "Po publikacji"}))
        .if_match(published.etag())
        .send()
        .await
        .assert_problem(409, "consultation_final");
    app.as_admin()
        .delete(&path)
        .if_match(published.etag())
        .send()
        .await
        .assert_problem(409, "consultation_not_deletable");
}

#[actix_web::test]
async fn drafts_are_visible_to_the_organizer_and_admins_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let read_token = app
        .api_token(&w.admin, w.organizer, &["consultations:read"])
        .await;
    let other_token = app
        .api_token(&w.admin, w.wielkopolska, &["consultations:read"])
        .await;
    let scopeless = app
        .api_token(&w.admin, w.organizer, &["positions:read"])
        .await;
    let draft = create(
        &app,
        &w.organizer_editor,
        programme(w.organizer, &days(1), &days(20)),
    )
    .await;
    let id = draft.id();
    let path = format!("/api/v1/consultations/{id}");
    let in_list = |response: &TestResponse| {
        response.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
    };
    for (who, token, visible) in [
        ("admin", Some(w.admin.as_str()), true),
        ("organizer editor", Some(w.organizer_editor.as_str()), true),
        ("organizer token", Some(read_token.as_str()), true),
        ("other editor", Some(w.other_editor.as_str()), false),
        ("other token", Some(other_token.as_str()), false),
        ("viewer", Some(w.viewer.as_str()), false),
        ("anonymous", None, false),
    ] {
        let single = app.caller(token).get(&path).send().await;
        let list = app
            .caller(token)
            .get("/api/v1/consultations?limit=100")
            .send()
            .await;
        let history = app
            .caller(token)
            .get(format!("{path}/history"))
            .send()
            .await;
        if visible {
            assert_eq!(single.status(), StatusCode::OK, "{who}: {}", single.text());
            assert_eq!(history.status(), StatusCode::OK, "{who}");
        } else {
            single.assert_problem(404, "not_found");
            history.assert_problem(404, "not_found");
        }
        assert_eq!(in_list(&list), visible, "{who} in the list");
    }
    app.with_token(&scopeless)
        .get(&path)
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    app.with_token(&scopeless)
        .get("/api/v1/consultations")
        .send()
        .await
        .assert_problem(403, "insufficient_scope");

    let announced = move_to(&app, &w.organizer_editor, id, "announced").await;
    assert_eq!(announced.status(), StatusCode::OK);
    app.anonymous().get(&path).send().await.assert_status(200);

    // A draft cancelled before announcement stays private.
    let abandoned = create(
        &app,
        &w.organizer_editor,
        programme(w.organizer, &days(1), &days(20)),
    )
    .await;
    let abandoned = abandoned.id();
    let cancelled = move_to(&app, &w.organizer_editor, abandoned, "cancelled").await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    app.anonymous()
        .get(format!("/api/v1/consultations/{abandoned}"))
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn writes_follow_the_authorization_matrix_and_refusals_change_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let write_token = app
        .api_token(
            &w.admin,
            w.organizer,
            &["consultations:read", "consultations:write"],
        )
        .await;
    let comment_token = app
        .api_token(
            &w.admin,
            w.organizer,
            &["consultations:read", "consultations:comment"],
        )
        .await;
    let other_write_token = app
        .api_token(&w.admin, w.wielkopolska, &["consultations:write"])
        .await;
    let body = programme(w.organizer, &days(1), &days(20));
    let refused: [(&str, Option<&str>, u16, &str); 5] = [
        ("anonymous", None, 401, "authentication_required"),
        ("viewer", Some(w.viewer.as_str()), 403, "forbidden"),
        (
            "other editor",
            Some(w.other_editor.as_str()),
            403,
            "forbidden",
        ),
        (
            "token without write",
            Some(comment_token.as_str()),
            403,
            "insufficient_scope",
        ),
        (
            "other organization's token",
            Some(other_write_token.as_str()),
            403,
            "forbidden",
        ),
    ];
    for (_, token, status, code) in refused {
        let response = app
            .caller(token)
            .post("/api/v1/consultations")
            .json(&body)
            .send()
            .await;
        response.assert_problem(status, code);
    }
    let count: i64 = app.with_conn(|conn| consultations::table.count().get_result(conn).unwrap());
    assert_eq!(count, 2, "only the demo consultations");

    for (who, token) in [
        ("admin", &w.admin),
        ("organizer editor", &w.organizer_editor),
        ("organizer token", &write_token),
    ] {
        let created = app
            .with_token(token)
            .post("/api/v1/consultations")
            .json(&body)
            .send()
            .await
            .assert_status(201);
        let id = created.id();
        let path = format!("/api/v1/consultations/{id}");
        // The others may not change, move or delete it; the row stays as it was.
        for (other, token, status, code) in refused {
            let other_token = token.map(str::to_owned);
            let patch = app
                .caller(other_token.as_deref())
                .patch(&path)
                .json(json!({"title": "Cudza zmiana"}))
                .if_match(1)
                .send()
                .await;
            let moved = app
                .caller(other_token.as_deref())
                .post(format!("{path}/transitions"))
                .json(json!({"to": "announced"}))
                .if_match(1)
                .send()
                .await;
            let deleted = app
                .caller(other_token.as_deref())
                .delete(&path)
                .if_match(1)
                .send()
                .await;
            for response in [patch, moved, deleted] {
                // Drafts are invisible to those who may not see them: 404 rather than 403.
                if status == 403 && response.status() == StatusCode::NOT_FOUND {
                    response.assert_problem(404, "not_found");
                } else {
                    response.assert_problem(status, code);
                }
            }
            assert_eq!(
                app.with_conn(|conn| stored_status_and_version(conn, id)),
                ("draft".to_owned(), 1),
                "{other} changed nothing"
            );
        }
        assert_eq!(
            app.audit_count("consultation", id),
            1,
            "{who}: only the creation"
        );
        let moved = move_to(&app, token, id, "announced").await;
        assert_eq!(moved.status(), StatusCode::OK, "{who}: {}", moved.text());
        // Once public, the others see it and get 403.
        let refused_patch = app
            .with_token(&w.other_editor)
            .patch(&path)
            .json(json!({"title": "Cudza zmiana"}))
            .if_match(2)
            .send()
            .await;
        refused_patch.assert_problem(403, "forbidden");
        let refused_token = app
            .with_token(&other_write_token)
            .patch(&path)
            .json(json!({"title": "Cudza zmiana"}))
            .if_match(2)
            .send()
            .await;
        refused_token.assert_problem(403, "forbidden");
        assert_eq!(
            app.with_conn(|conn| stored_status_and_version(conn, id)),
            ("announced".to_owned(), 2)
        );
    }
}

#[actix_web::test]
async fn positions_answer_consultations() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let opos_editor = app
        .person("redakcja@opos.example.org", Role::Editor, &[w.opos])
        .await
        .token;
    let consultation = announced(&app, &w, &days(-5), &days(25)).await;
    let position = app
        .with_token(&opos_editor)
        .post("/api/v1/positions")
        .json(
            json!({"association_id": w.opos, "kind": "opinion", "title": "Opinia OPOS do programu",
                    "consultation_id": consultation}),
        )
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/consultations/{consultation}");
    let for_opos = app.with_token(&opos_editor).get(&path).send().await;
    assert_eq!(for_opos.json()["positions"][0]["id"], position.json()["id"]);
    assert_eq!(for_opos.json()["positions"][0]["status"], "draft");
    assert_eq!(
        for_opos.json()["positions"][0]["association"]["slug"],
        "opos"
    );
    let for_public = app.anonymous().get(&path).send().await;
    assert_eq!(
        for_public.json()["positions"],
        json!([]),
        "a draft position is not shown to the public"
    );

    let nowhere = app.with_token(&opos_editor).post("/api/v1/positions").json(json!({"association_id": w.opos, "kind": "opinion", "title": "Opinia", "consultation_id": 999999})).send()
        .await;
    nowhere.assert_problem(422, "validation_failed");
    assert_eq!(nowhere.error_fields(), vec!["consultation_id"]);

    // A consultation that positions answer is not deleted.
    let draft = create(&app, &w.admin, programme(w.organizer, &days(1), &days(20))).await;
    let draft_id = draft.id();
    app.as_admin().post("/api/v1/positions").json(json!({"association_id": w.opos, "kind": "opinion", "title": "Opinia 2", "consultation_id": draft_id})).send()
        .await.assert_status(201);
    app.as_admin()
        .delete(format!("/api/v1/consultations/{draft_id}"))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "still_referenced");
}

#[actix_web::test]
async fn a_draft_consultation_the_writer_cannot_see_is_answered_as_a_missing_one() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let opos_editor = app
        .person("redakcja@opos.example.org", Role::Editor, &[w.opos])
        .await
        .token;
    let draft = create(
        &app,
        &w.organizer_editor,
        programme(w.organizer, &days(1), &days(20)),
    )
    .await;
    let draft_id = draft.id();
    let missing_id = 999_999;
    let answering = |consultation: i64| {
        json!({"association_id": w.opos, "kind": "opinion", "title": "Opinia OPOS",
               "consultation_id": consultation})
    };
    let count = || -> i64 {
        app.with_conn(|conn| {
            razem::db::schema::positions::table
                .count()
                .get_result(conn)
                .unwrap()
        })
    };
    // The same answer, but for the id it names.
    let same = |a: &TestResponse, b: &TestResponse| {
        assert_eq!(a.status(), b.status(), "{} / {}", a.text(), b.text());
        assert_eq!(
            a.text().replace(&draft_id.to_string(), "ID"),
            b.text().replace(&missing_id.to_string(), "ID")
        );
    };

    let before = count();
    let hidden = app
        .with_token(&opos_editor)
        .post("/api/v1/positions")
        .json(answering(draft_id))
        .send()
        .await;
    let missing = app
        .with_token(&opos_editor)
        .post("/api/v1/positions")
        .json(answering(missing_id))
        .send()
        .await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.error_fields(), vec!["consultation_id"]);
    same(&hidden, &missing);
    assert_eq!(count(), before, "nothing is stored");

    // Changing a position to answer it: the same.
    let position = app
        .with_token(&opos_editor)
        .post("/api/v1/positions")
        .json(json!({"association_id": w.opos, "kind": "opinion", "title": "Opinia OPOS"}))
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/positions/{}", position.json()["id"]);
    let hidden = app
        .with_token(&opos_editor)
        .patch(&path)
        .json(json!({"consultation_id": draft_id}))
        .if_match(1)
        .send()
        .await;
    let missing = app
        .with_token(&opos_editor)
        .patch(&path)
        .json(json!({"consultation_id": missing_id}))
        .if_match(1)
        .send()
        .await;
    missing.assert_problem(422, "validation_failed");
    same(&hidden, &missing);
    let stored = app.with_token(&opos_editor).get(&path).send().await;
    assert_eq!(stored.json()["consultation_id"], Value::Null);
    assert_eq!(stored.etag_version(), 1);

    // Those who see the draft may answer it: an administrator, an editor of both.
    let both = app
        .person(
            "redakcja@obie.example.org",
            Role::Editor,
            &[w.opos, w.organizer],
        )
        .await
        .token;
    for token in [&w.admin, &both] {
        let created = app
            .with_token(token)
            .post("/api/v1/positions")
            .json(answering(draft_id))
            .send()
            .await
            .assert_status(201);
        assert_eq!(created.json()["consultation_id"], draft_id);
    }
    app.as_admin()
        .patch(&path)
        .json(json!({"consultation_id": draft_id}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    // The consultation answered already stays when its editor changes something else.
    let retitled = app
        .with_token(&opos_editor)
        .patch(&path)
        .json(json!({"title": "Opinia OPOS do programu"}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(retitled.json()["consultation_id"], draft_id);
}

#[actix_web::test]
async fn invalid_bodies_are_422_naming_the_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let with = |field: &str, value: Value| {
        let mut body = programme(w.organizer, "2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z");
        body[field] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("forms", json!([])), "forms"),
        (with("forms", json!(["fax"])), "forms[0]"),
        (with("subject_kind", json!("law")), "subject_kind"),
        (with("eligibility", json!("everyone")), "eligibility"),
        (with("invited_ids", json!([w.aktywni])), "invited_ids"),
        (with("eligibility", json!("invited")), "invited_ids"),
        (
            {
                let mut body = with("eligibility", json!("members"));
                body["organizer_id"] = json!(w.szczecin);
                body
            },
            "eligibility",
        ),
        (with("organizer_id", json!(999999)), "organizer_id"),
        (with("opens_at", json!("1989-12-31T00:00:00Z")), "opens_at"),
        (with("opens_at", json!("jutro")), "opens_at"),
        (
            with("legislation", json!({"register_number": "ud1"})),
            "legislation.register_number",
        ),
        (with("legislation", json!(["UD1"])), "legislation"),
        (
            with(
                "documents",
                json!([{"title": "Projekt", "url": "https://example.org/a.pdf", "text": "Tekst"}]),
            ),
            "documents[0]",
        ),
        (
            with("documents", json!([{"title": "Projekt"}])),
            "documents[0]",
        ),
        (with("colour", json!("red")), "colour"),
        (with("title", json!("   ")), "title"),
    ];
    for (body, field) in cases {
        let response = app
            .as_admin()
            .post("/api/v1/consultations")
            .json(&body)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert!(
            response.error_fields().iter().any(|f| f == field),
            "{field}: {}",
            response.text()
        );
    }
    let count: i64 = app.with_conn(|conn| consultations::table.count().get_result(conn).unwrap());
    assert_eq!(count, 2, "only the demo consultations");
}

#[actix_web::test]
async fn lists_filter_sort_and_walk_every_row_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for offset in 0..5 {
        announced(&app, &w, &days(offset * 3 - 10), &days(offset * 3 + 20)).await;
    }
    let count = |response: &TestResponse| {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        response.json()["items"].as_array().unwrap().len()
    };
    for (query, expected) in [
        ("limit=100".to_owned(), 7),
        (format!("organizer={}", w.organizer), 5),
        (format!("organizer={}", w.szczecin), 1),
        (format!("organizer={}", w.ministry), 1),
        ("direction=inbound".to_owned(), 1),
        ("subject_kind=draft_act".to_owned(), 1),
        ("register_number=UD439".to_owned(), 1),
        ("status=report_published".to_owned(), 1),
        ("eligibility=members".to_owned(), 0),
        ("q=PROGRAMU%20wspolpracy".to_owned(), 6),
        ("q=zaopatrzeniu".to_owned(), 1),
        ("updated_since=2999-01-01T00:00:00Z".to_owned(), 0),
    ] {
        let response = app
            .anonymous()
            .get(format!("/api/v1/consultations?{query}"))
            .send()
            .await;
        assert_eq!(count(&response), expected, "?{query}");
    }
    for sort in [
        "-opens_at",
        "opens_at",
        "closes_at",
        "-closes_at",
        "-updated_at",
        "updated_at",
    ] {
        let mut seen: Vec<(chrono::DateTime<chrono::FixedOffset>, i64)> = Vec::new();
        let mut next = format!("/api/v1/consultations?limit=2&sort={sort}");
        loop {
            let response = app.anonymous().get(&next).send().await.assert_status(200);
            let key = sort.trim_start_matches('-');
            for item in response.json()["items"].as_array().unwrap() {
                let instant =
                    chrono::DateTime::parse_from_rfc3339(item[key].as_str().unwrap()).unwrap();
                seen.push((instant, item.id()));
            }
            match response.json()["next_cursor"].as_str() {
                Some(cursor) => {
                    next = format!("/api/v1/consultations?limit=2&sort={sort}&cursor={cursor}")
                }
                None => break,
            }
        }
        let mut expected = seen.clone();
        expected.sort();
        if sort.starts_with('-') {
            expected.reverse();
        }
        assert_eq!(seen.len(), 7, "{sort}: every row once");
        assert_eq!(seen, expected, "{sort}: in order");
    }
    app.anonymous()
        .get("/api/v1/consultations?sort=title")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/consultations?status=open&sort=-closes_at&cursor=bm9wZQ")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
}

#[actix_web::test]
async fn demo_consultations_load_once() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let list = app.anonymous().get("/api/v1/consultations").send().await;
    let items = list.json()["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", list.text());
    let programme = items
        .iter()
        .find(|i| i["subject_kind"] == "programme")
        .unwrap();
    assert_eq!(programme["status"], "report_published");
    assert_eq!(programme["organizer"]["slug"], "gmina-miasto-szczecin");
    assert_eq!(programme["comment_count"], 6);
    assert_eq!(programme["report_published_on"], "2025-10-30");
    let teryt = app
        .anonymous()
        .get("/api/v1/organizations/gmina-miasto-szczecin")
        .send()
        .await;
    assert_eq!(teryt.json()["teryt"], "3262011");
    let water = items.iter().find(|i| i["direction"] == "inbound").unwrap();
    assert_eq!(water["status"], "closed");
    assert_eq!(water["organizer"]["slug"], "ministerstwo-infrastruktury");
    assert_eq!(water["legislation"]["register_number"], "UD439");
    assert_eq!(water["positions"][0]["number"], "4/2023");
    assert_eq!(water["positions"][0]["association"]["slug"], "opos");
    let report = app
        .anonymous()
        .get(format!("/api/v1/consultations/{}/report", programme["id"]))
        .send()
        .await;
    assert_eq!(report.json()["by_disposition"]["pending"], 0);
    assert_eq!(report.json()["by_disposition"]["accepted"], 2);
    let mut submitters: Vec<Option<i64>> = app.with_conn(|conn| {
        consultation_comments::table
            .select(consultation_comments::submitter_id)
            .load(conn)
            .unwrap()
    });
    submitters.sort_unstable();
    submitters.dedup();
    let submitters = submitters.iter().flatten().count();
    assert!(submitters >= 4, "comments from several NGOs: {submitters}");
}

/// The list item of `id` on the first page of `/consultations` as `caller` gets it.
async fn listed(caller: crate::helpers::Caller<'_>, id: i64) -> Value {
    let page = caller
        .get("/api/v1/consultations?limit=100&sort=-updated_at")
        .send()
        .await
        .assert_status(200);
    page.items()
        .iter()
        .find(|item| item["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("consultation {id} is not on the page: {}", page.text()))
}

#[actix_web::test]
async fn the_consultation_list_serves_stored_items_while_they_are_true_and_only_to_the_public() {
    use razem::db::schema::read_docs;
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = announced(&app, &w, &days(1), &days(40)).await;
    let title = listed(app.anonymous(), id).await["title"].clone();
    // Mark the stored item, so that the page shows where its item came from.
    let marked = app.with_conn(|conn| {
        let item: String = read_docs::table
            .find(("consultation", id))
            .select(read_docs::item)
            .first(conn)
            .expect("a stored item");
        let mut item: Value = serde_json::from_str(&item).expect("json");
        item["title"] = json!("Z modelu odczytu");
        diesel::update(read_docs::table.find(("consultation", id)))
            .set(read_docs::item.eq(item.to_string()))
            .execute(conn)
            .expect("marked");
        item
    });
    assert_eq!(
        listed(app.anonymous(), id).await,
        marked,
        "served as stored"
    );
    // Who sees draft positions among the answering ones gets the page rendered for them.
    assert_eq!(listed(app.as_admin(), id).await["title"], title);
    assert_eq!(listed(app.as_editor(w.organizer), id).await["title"], title);
    // A stored rendering the clock made untrue is not served: the item is rendered now.
    app.with_conn(|conn| {
        diesel::update(read_docs::table.find(("consultation", id)))
            .set(read_docs::valid_until.eq(Some(Utc::now().naive_utc() - Duration::seconds(1))))
            .execute(conn)
            .expect("expired")
    });
    let fresh = listed(app.anonymous(), id).await;
    assert_eq!(fresh["title"], title);
    assert_eq!(fresh["status"], "announced");
}
