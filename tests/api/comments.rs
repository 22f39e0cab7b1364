//! Comments on consultations: the window (before, inside, after), who submits and who
//! records, eligibility, numbering under concurrent submissions, amendments,
//! dispositions, the publication rule and the report as JSON and CSV byte for byte.

use actix_web::http::StatusCode;
use chrono::Utc;
use diesel::prelude::*;
use razem::db::schema::consultation_comments;
use razem::domain::Role;
use serde_json::{Value, json};

use crate::consultations::{
    World, announced, closed, create, days, hours, move_to, open, programme, world,
};
use crate::helpers::{Resource, TestApp, TestResponse, spawn_app};

fn comments_path(id: i64) -> String {
    format!("/api/v1/consultations/{id}/comments")
}

/// A comment as a submitter sends it.
fn comment(content: &str) -> Value {
    json!({
        "unit_reference": "§ 5 ust. 2",
        "content": content,
        "proposed_change": "Dodać pkt 4: „zlecanie zadań w ramach umów wieloletnich”.",
        "justification": "Umowy wieloletnie zapewniają ciągłość usług."
    })
}

/// A comment the organizer records.
fn recorded(submitter: Value, channel: &str, received_at: &str, content: &str) -> Value {
    let mut body = json!({"channel": channel, "received_at": received_at, "content": content});
    for (key, value) in submitter.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn get_accept(
    app: &TestApp,
    path: &str,
    accept: Option<&str>,
    token: Option<&str>,
) -> TestResponse {
    let request = app.caller(token).get(path);
    match accept {
        Some(accept) => request.header("Accept", accept),
        None => request,
    }
    .send()
    .await
}

async fn submit(app: &TestApp, id: i64, body: &Value, token: &str) -> Value {
    let response = app
        .with_token(token)
        .post(comments_path(id))
        .json(body)
        .send()
        .await
        .assert_status(201);
    response.into_json()
}

/// Decides on a comment (with its current ETag) as `token`.
async fn decide(app: &TestApp, token: &str, id: i64, comment_id: i64, body: Value) -> TestResponse {
    let path = format!("{}/{comment_id}", comments_path(id));
    let current = app
        .with_token(token)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    app.with_token(token)
        .put(format!("{path}/disposition"))
        .json(&body)
        .if_match(current.etag())
        .send()
        .await
}

fn comment_count(app_conn: &mut razem::db::DbConnection, id: i64) -> i64 {
    consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(id))
        .count()
        .get_result(app_conn)
        .unwrap()
}

fn stored_disposition(
    conn: &mut razem::db::DbConnection,
    comment_id: i64,
) -> (String, Option<String>, i64) {
    consultation_comments::table
        .find(comment_id)
        .select((
            consultation_comments::disposition_status,
            consultation_comments::disposition_response,
            consultation_comments::version,
        ))
        .first(conn)
        .unwrap()
}

async fn comment_token(app: &TestApp, w: &World, organization_id: i64) -> String {
    app.api_token(
        &w.admin,
        organization_id,
        &["consultations:read", "consultations:comment"],
    )
    .await
}

#[actix_web::test]
async fn comments_are_taken_only_inside_the_window() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = comment_token(&app, &w, w.aktywni).await;
    let future = announced(&app, &w, &days(2), &days(30)).await;
    let current = open(&app, &w).await;
    let past = closed(&app, &w).await;
    let cancelled = open(&app, &w).await;
    assert_eq!(
        move_to(&app, &w.admin, cancelled, "cancelled")
            .await
            .status(),
        StatusCode::OK
    );
    let draft = create(&app, &w.admin, programme(w.organizer, &days(-1), &days(20))).await["id"]
        .as_i64()
        .unwrap();

    let body = comment("Program przewiduje wyłącznie roczne konkursy ofert.");
    app.with_token(&token)
        .post(comments_path(future))
        .json(&body)
        .send()
        .await
        .assert_problem(409, "consultation_not_open");
    app.with_token(&token)
        .post(comments_path(past))
        .json(&body)
        .send()
        .await
        .assert_problem(409, "consultation_closed");
    app.with_token(&token)
        .post(comments_path(cancelled))
        .json(&body)
        .send()
        .await
        .assert_problem(409, "consultation_cancelled");
    app.with_token(&token)
        .post(comments_path(draft))
        .json(&body)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .post(comments_path(current))
        .json(&body)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    for id in [future, past, cancelled, draft] {
        assert_eq!(app.with_conn(|conn| comment_count(conn, id)), 0);
    }

    let before = Utc::now();
    let created = app
        .with_token(&token)
        .post(comments_path(current))
        .json(&body)
        .send()
        .await
        .assert_status(201);
    let comment_id = created.id();
    let path = format!("{}/{comment_id}", comments_path(current));
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag_version(), 1);
    let body = &created.json();
    assert_eq!(body["number"], 1);
    assert_eq!(body["consultation_id"], current);
    assert_eq!(body["submitter_id"], w.aktywni);
    assert_eq!(body["submitter"]["kind"], "ngo");
    assert_eq!(
        body["submitter_label"],
        "Stowarzyszenie „Aktywni Razem” – Szczecin"
    );
    assert_eq!(body["submitter_name"], Value::Null);
    assert_eq!(body["channel"], "api");
    assert_eq!(body["unit_reference"], "§ 5 ust. 2");
    assert_eq!(body["disposition"]["status"], "pending");
    assert_eq!(body["disposition"]["decided_at"], Value::Null);
    let received: chrono::DateTime<Utc> = body["received_at"].as_str().unwrap().parse().unwrap();
    assert!(received >= before - chrono::Duration::seconds(1) && received <= Utc::now());
    let read = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(read.json(), created.json());
    assert_eq!(app.with_conn(|conn| comment_count(conn, current)), 1);
    assert_eq!(app.audit_count("consultation_comment", comment_id), 1);
    let consultation = app
        .anonymous()
        .get(format!("/api/v1/consultations/{current}"))
        .send()
        .await;
    assert_eq!(consultation.json()["comment_count"], 1);
    assert_eq!(
        consultation.etag_version(),
        2,
        "comments do not change the consultation's version"
    );
}

#[actix_web::test]
async fn a_token_comments_for_its_own_organization_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = comment_token(&app, &w, w.aktywni).await;
    let read_only = app
        .api_token(&w.admin, w.aktywni, &["consultations:read"])
        .await;
    let id = open(&app, &w).await;
    let path = comments_path(id);

    let mut impersonating = comment("W imieniu innej organizacji.");
    impersonating["submitter_id"] = json!(w.przystan);
    app.with_token(&token)
        .post(&path)
        .json(&impersonating)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&read_only)
        .post(&path)
        .json(comment("Bez uprawnień."))
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    let recording = recorded(
        json!({"submitter_id": w.przystan}),
        "email",
        &days(-1),
        "Przez token.",
    );
    app.with_token(&token)
        .post(&path)
        .json(&recording)
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    let mut dated = comment("Z datą.");
    dated["received_at"] = json!(days(-1));
    let response = app.with_token(&token).post(&path).json(&dated).send().await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.error_fields(), vec!["received_at"]);
    let mut person = comment("Jako osoba.");
    person["submitter_name"] = json!("Jan Kowalski");
    let response = app
        .with_token(&token)
        .post(&path)
        .json(&person)
        .send()
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.error_fields(), vec!["submitter_name"]);
    assert_eq!(
        app.with_conn(|conn| comment_count(conn, id)),
        0,
        "refused comments leave nothing"
    );

    let mut own = comment("We własnym imieniu.");
    own["submitter_id"] = json!(w.aktywni);
    let first = submit(&app, id, &own, &token).await;
    assert_eq!(first["submitter_id"], w.aktywni);
    let second = submit(&app, id, &comment("Bez submitter_id."), &token).await;
    assert_eq!(second["submitter_id"], w.aktywni);
    assert_eq!(second["number"], 2);
    let audit = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "consultation_comment", &second.id().to_string())
            .unwrap()
    });
    assert_eq!(audit.len(), 1);
    assert!(audit[0].actor_token_id.is_some(), "the token is the actor");
}

#[actix_web::test]
async fn editors_comment_for_their_associations() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let two_hats = app
        .person(
            "zarzad@zwiazki.example.org",
            Role::Editor,
            &[w.pomorskie, w.lubelszczyzna],
        )
        .await
        .token;
    let id = open(&app, &w).await;
    let path = comments_path(id);

    let mine = submit(
        &app,
        id,
        &comment("Uwaga stowarzyszenia."),
        &w.commenter_editor,
    )
    .await;
    assert_eq!(
        mine["submitter_id"], w.pomorskie,
        "an editor of one association"
    );
    let mut other = comment("Cudza uwaga.");
    other["submitter_id"] = json!(w.lubelszczyzna);
    app.with_token(&w.commenter_editor)
        .post(&path)
        .json(&other)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let ambiguous = app
        .with_token(&two_hats)
        .post(&path)
        .json(comment("Czyja?"))
        .send()
        .await;
    ambiguous.assert_problem(422, "validation_failed");
    assert_eq!(ambiguous.error_fields(), vec!["submitter_id"]);
    let chosen = submit(&app, id, &other, &two_hats).await;
    assert_eq!(chosen["submitter_id"], w.lubelszczyzna);
    app.with_token(&w.viewer)
        .post(&path)
        .json(comment("Czytelnik."))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let own = app
        .with_token(&w.organizer_editor)
        .post(&path)
        .json(comment("Własny projekt."))
        .send()
        .await;
    own.assert_problem(422, "validation_failed");
    assert_eq!(own.json()["errors"][0]["code"], "own_consultation");
    let mut for_club = comment("Administrator w imieniu klubu.");
    for_club["submitter_id"] = json!(w.pionier);
    let by_admin = submit(&app, id, &for_club, &w.admin).await;
    assert_eq!(by_admin["number"], 3);
    assert_eq!(app.with_conn(|conn| comment_count(conn, id)), 3);
}

#[actix_web::test]
async fn the_organizer_records_comments_from_other_channels() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = announced(&app, &w, &days(-10), &days(10)).await;
    let path = comments_path(id);
    let letter = recorded(
        json!({"submitter_id": w.pionier}),
        "letter",
        "2000-01-01T00:00:00Z",
        "Pismo klubu.",
    );
    let received_at = days(-5);
    let mut in_window = letter.clone();
    in_window["received_at"] = json!(received_at);

    app.with_token(&w.other_editor)
        .post(&path)
        .json(&in_window)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&w.commenter_editor)
        .post(&path)
        .json(&in_window)
        .send()
        .await
        .assert_problem(403, "forbidden");
    for (when, code) in [
        (days(-11), "outside_window"),
        (hours(2), "in_future"),
        (days(11), "outside_window"),
    ] {
        let mut body = letter.clone();
        body["received_at"] = json!(when);
        let response = app
            .with_token(&w.organizer_editor)
            .post(&path)
            .json(&body)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.json()["errors"][0]["code"], code, "{when}");
    }
    let mut undated = letter.clone();
    undated.as_object_mut().unwrap().remove("received_at");
    let response = app
        .with_token(&w.organizer_editor)
        .post(&path)
        .json(&undated)
        .send()
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.error_fields(), vec!["received_at"]);
    let mut both = in_window.clone();
    both["submitter_name"] = json!("Jan Kowalski");
    app.with_token(&w.organizer_editor)
        .post(&path)
        .json(&both)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let mut neither = in_window.clone();
    neither.as_object_mut().unwrap().remove("submitter_id");
    app.with_token(&w.organizer_editor)
        .post(&path)
        .json(&neither)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.with_conn(|conn| comment_count(conn, id)), 0);

    let stored = submit(&app, id, &in_window, &w.organizer_editor).await;
    assert_eq!(stored["channel"], "letter");
    assert_eq!(stored["received_at"], received_at);
    assert_eq!(stored["submitter_id"], w.pionier);
    let person = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_name": "Jan Kowalski"}),
            "meeting",
            &days(-3),
            "Pytanie zadane na spotkaniu konsultacyjnym.",
        ),
        &w.organizer_editor,
    )
    .await;
    assert_eq!(person["number"], 2);
    assert_eq!(
        person["submitter_name"], "Jan Kowalski",
        "the organizer sees the name"
    );
    let person_path = format!("{path}/{}", person["id"]);
    let public = app.anonymous().get(&person_path).send().await;
    assert_eq!(
        public.json()["submitter_name"],
        Value::Null,
        "personal data"
    );
    assert_eq!(public.json()["submitter_label"], "osoba fizyczna");
    let other = app
        .with_token(&w.other_editor)
        .get(&person_path)
        .send()
        .await;
    assert_eq!(other.json()["submitter_label"], "osoba fizyczna");
    let write_token = app
        .api_token(&w.admin, w.organizer, &["consultations:write"])
        .await;
    let by_system = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_id": w.przystan}),
            "email",
            &days(-1),
            "E-mail fundacji.",
        ),
        &write_token,
    )
    .await;
    assert_eq!(by_system["number"], 3);

    // After the window closed, letters still arrive and are recorded, dated inside it.
    let past = closed(&app, &w).await;
    let late_letter = submit(
        &app,
        past,
        &recorded(
            json!({"submitter_id": w.pionier}),
            "letter",
            &days(-2),
            "List nadany w terminie.",
        ),
        &w.organizer_editor,
    )
    .await;
    assert_eq!(late_letter["number"], 1);
    app.with_token(&w.commenter_editor)
        .post(comments_path(past))
        .json(comment("Przez API po terminie."))
        .send()
        .await
        .assert_problem(409, "consultation_closed");
}

#[actix_web::test]
async fn numbers_are_sequential_without_gaps_under_concurrent_submissions() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = open(&app, &w).await;
    let kcwis = app
        .id_of("koszalinskie-centrum-wspierania-inicjatyw-spolecznych")
        .await;
    let mut tokens = Vec::new();
    for organization in [w.aktywni, w.przystan, w.pionier, kcwis] {
        tokens.push(comment_token(&app, &w, organization).await);
    }
    let path = comments_path(id);
    let mut numbers = Vec::new();
    for round in 0..3 {
        let (app, path) = (&app, path.as_str());
        let requests = tokens.iter().enumerate().map(|(i, token)| async move {
            app.with_token(token)
                .post(path)
                .json(comment(&format!("Uwaga {i} w rundzie {round}")))
                .send()
                .await
        });
        for response in futures_util::future::join_all(requests).await {
            assert_eq!(
                response.status(),
                StatusCode::CREATED,
                "{}",
                response.text()
            );
            numbers.push(response.json()["number"].as_i64().unwrap());
        }
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>(), "no gaps, no repeats");
    let stored: Vec<i32> = app.with_conn(|conn| {
        consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .select(consultation_comments::number)
            .order(consultation_comments::number)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, (1..=12).collect::<Vec<_>>());
    // Numbering is per consultation.
    let other = open(&app, &w).await;
    let first = submit(&app, other, &comment("Pierwsza."), &tokens[0]).await;
    assert_eq!(first["number"], 1);
}

#[actix_web::test]
async fn eligibility_admits_members_or_the_invited_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let zmp = app.id_of("zmp").await;
    let wielkopolska = app
        .id_of("stowarzyszenie-gmin-i-powiatow-wielkopolski")
        .await;
    let opos_editor = app
        .person("redakcja@opos.example.org", Role::Editor, &[w.opos])
        .await
        .token;
    // ZMP joins OPOS only tomorrow: not a member today.
    app.as_admin().post(format!("/api/v1/associations/{}/members", w.opos)).json(json!({"member_id": zmp, "joined_on": (Utc::now().date_naive() + chrono::Duration::days(1)).to_string()})).send()
        .await.assert_status(201);
    let mut body = programme(w.opos, &days(-1), &days(20));
    body["eligibility"] = json!("members");
    body["subject_kind"] = json!("other");
    let members_only = create(&app, &opos_editor, body).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        move_to(&app, &opos_editor, members_only, "announced")
            .await
            .status(),
        StatusCode::OK
    );
    let path = comments_path(members_only);
    let member = comment_token(&app, &w, w.slaski).await;
    let outsider = comment_token(&app, &w, zmp).await;
    let accepted = submit(&app, members_only, &comment("Uwaga członka."), &member).await;
    assert_eq!(accepted["submitter_id"], w.slaski);
    let refused = app
        .with_token(&outsider)
        .post(&path)
        .json(comment("Uwaga spoza porozumienia."))
        .send()
        .await;
    refused.assert_problem(403, "not_eligible");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("not a member")
    );
    for (submitter, field) in [
        (json!({"submitter_id": zmp}), "submitter_id"),
        (json!({"submitter_name": "Jan Kowalski"}), "submitter_name"),
    ] {
        let response = app
            .with_token(&opos_editor)
            .post(&path)
            .json(recorded(submitter, "letter", &hours(-1), "Pismo."))
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.error_fields(), vec![field]);
        assert_eq!(response.json()["errors"][0]["code"], "not_eligible");
    }
    let recorded_member = submit(
        &app,
        members_only,
        &recorded(
            json!({"submitter_id": wielkopolska}),
            "letter",
            &hours(-1),
            "Pismo członka.",
        ),
        &opos_editor,
    )
    .await;
    assert_eq!(recorded_member["number"], 2);
    assert_eq!(app.with_conn(|conn| comment_count(conn, members_only)), 2);

    let mut invited = programme(w.organizer, &days(-1), &days(20));
    invited["eligibility"] = json!("invited");
    invited["invited_ids"] = json!([w.pionier]);
    let invited = create(&app, &w.organizer_editor, invited).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        move_to(&app, &w.organizer_editor, invited, "announced")
            .await
            .status(),
        StatusCode::OK
    );
    let guest = comment_token(&app, &w, w.pionier).await;
    submit(&app, invited, &comment("Uwaga zaproszonego klubu."), &guest).await;
    app.with_token(&w.commenter_editor)
        .post(comments_path(invited))
        .json(comment("Bez zaproszenia."))
        .send()
        .await
        .assert_problem(403, "not_eligible");
    assert_eq!(app.with_conn(|conn| comment_count(conn, invited)), 1);
}

#[actix_web::test]
async fn only_the_organizer_decides_and_reasons_are_required() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = open(&app, &w).await;
    let token = comment_token(&app, &w, w.aktywni).await;
    let created = submit(&app, id, &comment("Uwaga do decyzji."), &token).await;
    let comment_id = created.id();
    let disposition = format!("{}/{comment_id}/disposition", comments_path(id));
    let rejected =
        json!({"status": "rejected", "response": "Wysokość środków określa uchwała budżetowa."});

    let refusals: [(Option<&str>, u16, &str); 5] = [
        (None, 401, "authentication_required"),
        (Some(w.viewer.as_str()), 403, "forbidden"),
        (Some(w.other_editor.as_str()), 403, "forbidden"),
        (Some(w.commenter_editor.as_str()), 403, "forbidden"),
        (Some(token.as_str()), 403, "insufficient_scope"),
    ];
    for (who, status, code) in refusals {
        app.caller(who)
            .put(&disposition)
            .json(&rejected)
            .if_match(1)
            .send()
            .await
            .assert_problem(status, code);
    }
    app.with_token(&w.organizer_editor)
        .put(&disposition)
        .json(&rejected)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.organizer_editor)
        .put(&disposition)
        .json(&rejected)
        .if_match(5)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    for status in [
        "rejected",
        "partially_accepted",
        "explained",
        "out_of_scope",
    ] {
        let response = app
            .with_token(&w.organizer_editor)
            .put(&disposition)
            .json(json!({"status": status}))
            .if_match(1)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.error_fields(), vec!["response"], "{status}");
    }
    app.with_token(&w.organizer_editor)
        .put(&disposition)
        .json(json!({"status": "rejected", "response": "  "}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        app.with_conn(|conn| stored_disposition(conn, comment_id)),
        ("pending".to_owned(), None, 1),
        "refusals change nothing"
    );

    let decided = app
        .with_token(&w.organizer_editor)
        .put(&disposition)
        .json(&rejected)
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(decided.etag_version(), 2);
    assert_eq!(decided.json()["disposition"]["status"], "rejected");
    assert_eq!(
        decided.json()["disposition"]["decided_by"],
        w.organizer_editor_id
    );
    let decided_at = decided.json()["disposition"]["decided_at"].clone();
    assert!(decided_at.is_string());
    let repeated = app
        .with_token(&w.organizer_editor)
        .put(&disposition)
        .json(&rejected)
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        repeated.etag_version(),
        2,
        "the same decision changes nothing"
    );
    assert_eq!(repeated.json()["disposition"]["decided_at"], decided_at);

    let accepted = app
        .as_admin()
        .put(&disposition)
        .json(json!({"status": "accepted"}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(accepted.json()["disposition"]["response"], Value::Null);
    assert_ne!(
        accepted.json()["disposition"]["decided_by"],
        w.organizer_editor_id
    );
    let write_token = app
        .api_token(&w.admin, w.organizer, &["consultations:write"])
        .await;
    let taken_back = app
        .with_token(&write_token)
        .put(&disposition)
        .json(json!({"status": "pending"}))
        .if_match(3)
        .send()
        .await
        .assert_status(200);
    assert_eq!(taken_back.json()["disposition"]["decided_at"], Value::Null);
    assert_eq!(taken_back.json()["disposition"]["decided_by"], Value::Null);
    assert_eq!(
        app.with_conn(|conn| stored_disposition(conn, comment_id)),
        ("pending".to_owned(), None, 4)
    );
    let actions: Vec<String> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "consultation_comment", &comment_id.to_string())
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect()
    });
    assert_eq!(actions, vec!["create", "decide", "decide", "decide"]);
    app.with_token(&w.organizer_editor)
        .get(format!("{}/999999/disposition", comments_path(id)))
        .send()
        .await
        .assert_problem(405, "method_not_allowed");
    app.with_token(&w.organizer_editor)
        .put(format!("{}/999999/disposition", comments_path(id)))
        .json(&rejected)
        .if_match(1)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_report_is_published_once_closed_and_every_comment_decided() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let open_id = open(&app, &w).await;
    move_to(&app, &w.admin, open_id, "report_published")
        .await
        .assert_problem(409, "illegal_transition");

    let id = closed(&app, &w).await;
    let first = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_id": w.pionier}),
            "letter",
            &days(-5),
            "Pismo klubu.",
        ),
        &w.organizer_editor,
    )
    .await;
    let second = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_id": w.przystan}),
            "email",
            &days(-4),
            "E-mail fundacji.",
        ),
        &w.organizer_editor,
    )
    .await;
    let decided = decide(
        &app,
        &w.organizer_editor,
        id,
        first.id(),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let pending = move_to(&app, &w.organizer_editor, id, "report_published").await;
    pending.assert_problem(409, "comments_pending");
    assert!(
        pending.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 comment")
    );
    let (status, version) =
        app.with_conn(|conn| crate::consultations::stored_status_and_version(conn, id));
    assert_eq!((status.as_str(), version), ("announced", 2));

    let decided = decide(
        &app,
        &w.organizer_editor,
        id,
        second.id(),
        json!({"status": "explained", "response": "Wyjaśniono zasady udzielania dotacji."}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let published = move_to(&app, &w.organizer_editor, id, "report_published").await;
    assert_eq!(published.status(), StatusCode::OK, "{}", published.text());
    assert_eq!(published.json()["status"], "report_published");
    let today = Utc::now().date_naive().to_string();
    assert_eq!(published.json()["report_published_on"], today);
    let report = app
        .anonymous()
        .get(format!("/api/v1/consultations/{id}/report"))
        .send()
        .await;
    assert_eq!(report.json()["report_published_on"], today);

    // The published table no longer changes.
    let first_path = format!("{}/{}", comments_path(id), first["id"]);
    let current = app.anonymous().get(&first_path).send().await;
    app.with_token(&w.organizer_editor)
        .put(format!("{first_path}/disposition"))
        .json(json!({"status": "rejected", "response": "Zmiana zdania."}))
        .if_match(current.etag())
        .send()
        .await
        .assert_problem(409, "report_published");
    app.with_token(&w.organizer_editor)
        .patch(&first_path)
        .json(json!({"content": "Poprawka."}))
        .if_match(current.etag())
        .send()
        .await
        .assert_problem(409, "report_published");
    app.with_token(&w.organizer_editor)
        .post(comments_path(id))
        .json(recorded(
            json!({"submitter_id": w.pionier}),
            "letter",
            &days(-3),
            "Spóźnione.",
        ))
        .send()
        .await
        .assert_problem(409, "report_published");
    assert_eq!(app.with_conn(|conn| comment_count(conn, id)), 2);
}

/// A closed consultation with three decided comments (one a letter with every field);
/// returns its id and the path of its report.
async fn decided_report(app: &TestApp, w: &World) -> (i64, String) {
    let id = closed(app, w).await;
    let mut club = recorded(
        json!({"submitter_id": w.pionier}),
        "letter",
        &days(-9),
        "Zwiększyć środki; o 20%.",
    );
    club["unit_reference"] = json!("§ 10");
    club["proposed_change"] = json!("Kwota 5 040 000 zł");
    club["justification"] = json!("Więcej \"dzieci\" trenuje.\nDruga linia.");
    let first = submit(app, id, &club, &w.organizer_editor).await;
    let second = submit(
        app,
        id,
        &recorded(
            json!({"submitter_name": "Jan Kowalski"}),
            "meeting",
            &days(-8),
            "=SUMA(A1)",
        ),
        &w.organizer_editor,
    )
    .await;
    let third = submit(
        app,
        id,
        &recorded(
            json!({"submitter_id": w.aktywni}),
            "email",
            &days(-7),
            "Dodać umowy wieloletnie.",
        ),
        &w.organizer_editor,
    )
    .await;
    for (comment, disposition) in [
        (
            &first,
            json!({"status": "rejected", "response": "Budżet; nie program."}),
        ),
        (
            &second,
            json!({"status": "explained", "response": "Wyjaśniono."}),
        ),
        (&third, json!({"status": "accepted"})),
    ] {
        let response = decide(app, &w.organizer_editor, id, comment.id(), disposition).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
    }
    (id, format!("/api/v1/consultations/{id}/report"))
}

#[actix_web::test]
async fn the_report_as_the_csv_comment_table_byte_for_byte() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, path) = decided_report(&app, &w).await;
    let csv = get_accept(&app, &path, Some("text/csv"), None).await;
    assert_eq!(csv.status(), StatusCode::OK, "{}", csv.text());
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header("content-disposition"),
        Some(format!("attachment; filename=\"konsultacje-{id}-uwagi.csv\"").as_str())
    );
    let expected = "\u{feff}Lp.;Podmiot zgłaszający;Jednostka redakcyjna;Treść uwagi;Propozycja zmiany;\
                    Uzasadnienie;Stanowisko;Uzasadnienie stanowiska\r\n\
                    1;Uczniowski Klub Sportowy „Pionier” Szczecin;§ 10;\"Zwiększyć środki; o 20%.\";\
                    Kwota 5 040 000 zł;\"Więcej \"\"dzieci\"\" trenuje.\nDruga linia.\";nieuwzględniona;\
                    \"Budżet; nie program.\"\r\n\
                    2;osoba fizyczna;;'=SUMA(A1);;;wyjaśniona;Wyjaśniono.\r\n\
                    3;Stowarzyszenie „Aktywni Razem” – Szczecin;;Dodać umowy wieloletnie.;;;uwzględniona;\r\n";
    assert_eq!(csv.text().as_bytes(), expected.as_bytes());
    assert_eq!(
        &csv.text().as_bytes()[..3],
        &[0xEF, 0xBB, 0xBF],
        "UTF-8 byte order mark"
    );
    let header =
        b"Lp.;Podmiot zg\xc5\x82aszaj\xc4\x85cy;Jednostka redakcyjna;Tre\xc5\x9b\xc4\x87 uwagi;\
                   Propozycja zmiany;Uzasadnienie;Stanowisko;Uzasadnienie stanowiska\r\n";
    assert_eq!(&csv.text().as_bytes()[3..3 + header.len()], header);

    // The organizer's copy names the person.
    let organizers = get_accept(&app, &path, Some("text/csv"), Some(&w.organizer_editor)).await;
    assert!(
        organizers.text().contains("\r\n2;Jan Kowalski;;"),
        "{}",
        organizers.text()
    );
}

#[actix_web::test]
async fn the_report_as_json() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, path) = decided_report(&app, &w).await;
    let json = get_accept(&app, &path, None, None).await;
    assert_eq!(json.status(), StatusCode::OK);
    assert_eq!(json.content_type(), "application/json");
    let report = &json.json();
    assert_eq!(report["consultation_id"], id);
    assert_eq!(report["status"], "closed");
    assert_eq!(
        report["report_published_on"],
        Value::Null,
        "a working version"
    );
    assert_eq!(report["comment_count"], 3);
    assert_eq!(
        report["by_disposition"],
        json!({"pending": 0, "accepted": 1, "partially_accepted": 0, "rejected": 1, "explained": 1, "out_of_scope": 0})
    );
    let by_submitter: Vec<(Value, i64)> = report["by_submitter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["submitter_label"].clone(),
                s["comments"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_submitter,
        vec![
            (json!("Uczniowski Klub Sportowy „Pionier” Szczecin"), 1),
            (json!("osoba fizyczna"), 1),
            (json!("Stowarzyszenie „Aktywni Razem” – Szczecin"), 1),
        ]
    );
    assert_eq!(report["by_submitter"][0]["by_disposition"]["rejected"], 1);
    let numbers: Vec<i64> = report["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(report["comments"][1]["submitter_name"], Value::Null);
}

#[actix_web::test]
async fn the_report_is_negotiated_scoped_and_only_for_closed_consultations() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (_, path) = decided_report(&app, &w).await;
    for (accept, expected) in [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/csv;q=0.5, application/json", "application/json"),
        (
            "application/json;q=0.5, text/csv",
            "text/csv; charset=utf-8",
        ),
        ("text/*", "text/csv; charset=utf-8"),
        ("text/csv, application/json", "application/json"),
    ] {
        let response = get_accept(&app, &path, Some(accept), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(response.content_type(), expected, "{accept}");
    }
    get_accept(&app, &path, Some("image/png"), None)
        .await
        .assert_problem(406, "not_acceptable");
    get_accept(&app, &path, Some("text/csv;q=0"), None)
        .await
        .assert_problem(406, "not_acceptable");
    let scopeless = app
        .api_token(&w.admin, w.aktywni, &["consultations:comment"])
        .await;
    get_accept(&app, &path, None, Some(&scopeless))
        .await
        .assert_problem(403, "insufficient_scope");
    let draft = create(&app, &w.admin, programme(w.organizer, &days(1), &days(20))).await;
    get_accept(
        &app,
        &format!("/api/v1/consultations/{}/report", draft["id"]),
        Some("text/csv"),
        None,
    )
    .await
    .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn submitters_amend_their_comments_and_the_organizer_corrects_its_records() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = announced(&app, &w, &days(-10), &days(10)).await;
    let token = comment_token(&app, &w, w.pomorskie).await;
    let other_token = comment_token(&app, &w, w.przystan).await;
    let own = submit(&app, id, &comment("Pierwsza wersja."), &token).await;
    let path = format!("{}/{}", comments_path(id), own["id"]);

    app.with_token(&token)
        .patch(&path)
        .json(json!({"content": "Bez If-Match."}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    for (who, code) in [
        (other_token.as_str(), "forbidden"),
        (w.organizer_editor.as_str(), "forbidden"),
        (w.viewer.as_str(), "forbidden"),
    ] {
        app.with_token(who)
            .patch(&path)
            .json(json!({"content": "Cudza zmiana."}))
            .if_match(1)
            .send()
            .await
            .assert_problem(403, code);
    }
    let redated = app
        .with_token(&token)
        .patch(&path)
        .json(json!({"received_at": days(-9)}))
        .if_match(1)
        .send()
        .await;
    redated.assert_problem(422, "validation_failed");
    assert_eq!(redated.json()["errors"][0]["code"], "not_editable");
    let amended = app
        .with_token(&token)
        .patch(&path)
        .json(json!({"content": "Druga wersja.", "justification": null}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(amended.etag_version(), 2);
    assert_eq!(amended.json()["content"], "Druga wersja.");
    assert_eq!(amended.json()["justification"], Value::Null);
    assert_eq!(amended.json()["number"], own["number"]);
    app.with_token(&w.commenter_editor)
        .patch(&path)
        .json(json!({"unit_reference": "§ 6"}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);

    let decided = decide(
        &app,
        &w.organizer_editor,
        id,
        own.id(),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    app.with_token(&token)
        .patch(&path)
        .json(json!({"content": "Po decyzji."}))
        .if_match(4)
        .send()
        .await
        .assert_problem(409, "comment_decided");

    // The organizer corrects what it recorded.
    let letter = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_id": w.pionier}),
            "letter",
            &days(-5),
            "Pismo.",
        ),
        &w.organizer_editor,
    )
    .await;
    let letter_path = format!("{}/{}", comments_path(id), letter["id"]);
    app.with_token(&w.commenter_editor)
        .patch(&letter_path)
        .json(json!({"content": "Przez klub."}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let outside = app
        .with_token(&w.organizer_editor)
        .patch(&letter_path)
        .json(json!({"received_at": days(-20)}))
        .if_match(1)
        .send()
        .await;
    outside.assert_problem(422, "validation_failed");
    assert_eq!(outside.json()["errors"][0]["code"], "outside_window");
    app.with_token(&w.organizer_editor)
        .patch(&letter_path)
        .json(json!({"channel": "api"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.with_token(&w.organizer_editor)
        .patch(&letter_path)
        .json(json!({"submitter_id": null}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let corrected = app.with_token(&w.organizer_editor).patch(&letter_path).json(json!({"received_at": days(-6), "channel": "email", "submitter_id": null, "submitter_name": "Jan Kowalski"})).if_match(1).send()
        .await.assert_status(200);
    assert_eq!(corrected.json()["channel"], "email");
    assert_eq!(corrected.json()["submitter_id"], Value::Null);
    assert_eq!(corrected.json()["submitter_name"], "Jan Kowalski");
    let actions: Vec<String> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "consultation_comment", &letter.id().to_string())
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect()
    });
    assert_eq!(actions, vec!["create", "update"]);
}

#[actix_web::test]
async fn comment_lists_filter_sort_and_paginate() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = announced(&app, &w, &days(-10), &days(10)).await;
    let token = comment_token(&app, &w, w.aktywni).await;
    for i in 0..4 {
        submit(&app, id, &comment(&format!("Uwaga {i}.")), &token).await;
    }
    let letter = submit(
        &app,
        id,
        &recorded(
            json!({"submitter_id": w.pionier}),
            "letter",
            &days(-5),
            "Pismo.",
        ),
        &w.organizer_editor,
    )
    .await;
    let decided = decide(
        &app,
        &w.organizer_editor,
        id,
        letter.id(),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let path = comments_path(id);
    let numbers = |response: &TestResponse| -> Vec<i64> {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        response.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["number"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        numbers(&app.anonymous().get(&path).send().await),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(
        numbers(
            &app.anonymous()
                .get(format!("{path}?sort=-number"))
                .send()
                .await
        ),
        vec![5, 4, 3, 2, 1]
    );
    assert_eq!(
        numbers(
            &app.anonymous()
                .get(format!("{path}?disposition=accepted"))
                .send()
                .await
        ),
        vec![5]
    );
    assert_eq!(
        numbers(
            &app.anonymous()
                .get(format!("{path}?channel=api"))
                .send()
                .await
        ),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        numbers(
            &app.anonymous()
                .get(format!("{path}?submitter={}", w.pionier))
                .send()
                .await
        ),
        vec![5]
    );
    let mut walked = Vec::new();
    let mut next = format!("{path}?limit=2&sort=-number");
    loop {
        let page = app.anonymous().get(&next).send().await;
        walked.extend(numbers(&page));
        match page.json()["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}?limit=2&sort=-number&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, vec![5, 4, 3, 2, 1]);
    app.anonymous()
        .get(format!("{path}?disposition=maybe"))
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get(format!("{path}?limit=2&sort=number&cursor=bm9wZQ"))
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    // A comment is found only under its own consultation.
    let other = open(&app, &w).await;
    app.anonymous()
        .get(format!("{}/{}", comments_path(other), letter["id"]))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get(comments_path(999999))
        .send()
        .await
        .assert_problem(404, "not_found");
}
