//! Event registrations (issue 18): settings, public registration with consent and a
//! cancel code, the capacity under concurrent registrations, the waiting list,
//! approval, check-in, the organizers' lists (JSON, CSV), personal data (who sees it,
//! the audit record, erasure), the rate limit and invitations.

use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use razem::db::schema::{
    audit_log, event_invitations, event_registration_settings, event_registrations, project_events,
};
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app_with};
use crate::projects::{World, create, project_body, world};

/// An app that lets the tests' one client address register often.
async fn app() -> TestApp {
    spawn_app_with(|config| config.registration_rate_limit = 1000).await
}

/// An event of a ZMP project on `day`, made by the lead's editor; its id.
async fn event_on(app: &TestApp, w: &World, code: &str, day: &str) -> i64 {
    let project = create(app, &w.editor_lead, project_body(w.zmp, code)).await;
    app.with_token(&w.editor_lead)
        .post(format!("/api/v1/projects/{}/events", project.id()))
        .json(json!({"kind": "conference", "title": "Konferencja w Opolu", "starts_on": day, "city": "Opole"}))
        .send()
        .await
        .assert_status(201)
        .id()
}

fn window(capacity: Option<i64>, waitlist: bool, requires_approval: bool) -> Value {
    json!({
        "opens_at": (Utc::now() - Duration::hours(1)).to_rfc3339(),
        "closes_at": (Utc::now() + Duration::days(1)).to_rfc3339(),
        "capacity": capacity, "waitlist": waitlist, "requires_approval": requires_approval
    })
}

/// An event taking registrations now with these settings: (world, event id).
async fn open_event(app: &TestApp, settings: Value) -> (World, i64) {
    let w = world(app).await;
    let event = event_on(app, &w, "REJESTRACJA", "2030-04-18").await;
    app.with_token(&w.editor_lead)
        .put(format!("/api/v1/events/{event}/registration"))
        .json(settings)
        .send()
        .await
        .assert_status(201);
    (w, event)
}

fn person(n: usize) -> Value {
    json!({
        "name": format!("Uczestnik {n}"), "email": format!("Uczestnik{n}@Gmina.example.pl"),
        "organization_name": "Urząd Gminy", "function": "staff", "consent": true
    })
}

async fn register(app: &TestApp, event: i64, body: Value) -> TestResponse {
    app.anonymous()
        .post(format!("/api/v1/events/{event}/registrations"))
        .json(body)
        .send()
        .await
}

fn stored(app: &TestApp, id: i64) -> (String, Option<String>, Option<String>, Option<String>) {
    app.with_conn(|conn| {
        event_registrations::table
            .find(id)
            .select((
                event_registrations::status,
                event_registrations::name,
                event_registrations::email,
                event_registrations::cancel_code_hash,
            ))
            .first(conn)
            .unwrap()
    })
}

fn statuses(app: &TestApp, event: i64) -> Vec<String> {
    app.with_conn(|conn| {
        event_registrations::table
            .filter(event_registrations::event_id.eq(event))
            .order(event_registrations::id)
            .select(event_registrations::status)
            .load(conn)
            .unwrap()
    })
}

/// Registrations of the event (the demo data set has one of its own).
fn registration_count(app: &TestApp, event: i64) -> i64 {
    app.with_conn(|conn| {
        event_registrations::table
            .filter(event_registrations::event_id.eq(event))
            .count()
            .get_result(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn registering_needs_consent_and_answers_a_cancel_code_stored_hashed() {
    let app = app().await;
    let (_, event) = open_event(&app, window(Some(10), false, false)).await;
    let mut body = person(1);
    body["consent"] = json!(false);
    register(&app, event, body.clone())
        .await
        .assert_invalid("consent", "consent_required");
    body["consent"] = json!(true);
    body["organization_name"] = Value::Null;
    register(&app, event, body)
        .await
        .assert_invalid("organization_name", "required");
    assert_eq!(
        registration_count(&app, event),
        0,
        "a refusal stores nothing"
    );

    let receipt = register(&app, event, person(1)).await.assert_status(201);
    let id = receipt.id();
    let code = receipt.json()["cancel_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("rzc_") && code.len() == 36, "{code}");
    assert_eq!(
        *receipt.json(),
        json!({
            "id": id, "event_id": event, "status": "confirmed",
            "cancel_code": code, "cancel_url": format!("/api/v1/registrations/{code}"),
            "version": 1, "created_at": receipt.json()["created_at"]
        })
    );
    let (status, name, email, hash) = stored(&app, id);
    assert_eq!(status, "confirmed");
    assert_eq!(name.as_deref(), Some("Uczestnik 1"));
    assert_eq!(email.as_deref(), Some("uczestnik1@gmina.example.pl"));
    let expected = razem::digest::sha256_hex(&code);
    assert_eq!(
        hash.as_deref(),
        Some(expected.as_str()),
        "only the hash is kept"
    );
    // The audit record masks the person.
    let changes: Vec<Option<String>> = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::object_type.eq("event_registration"))
            .filter(audit_log::object_id.eq(id.to_string()))
            .select(audit_log::changes)
            .load(conn)
            .unwrap()
    });
    let record = changes[0].clone().unwrap();
    assert!(record.contains("u***@gmina.example.pl"), "{record}");
    assert!(!record.contains("uczestnik1@") && !record.contains("Uczestnik 1"));
    assert!(!record.contains(&expected), "no hash in the audit record");
    // The same address once per event.
    register(&app, event, person(1))
        .await
        .assert_problem(409, "already_registered");
    assert_eq!(registration_count(&app, event), 1);
}

#[actix_web::test]
async fn concurrent_registrations_never_exceed_the_capacity() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(10), true, false)).await;
    let responses = join_all((0..30).map(|n| register(&app, event, person(n)))).await;
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for response in &responses {
        assert_eq!(response.status(), 201, "{}", response.text());
        match response.json()["status"].as_str() {
            Some("confirmed") => confirmed += 1,
            Some("waitlisted") => waitlisted += 1,
            other => panic!("unexpected status {other:?}"),
        }
    }
    assert_eq!((confirmed, waitlisted), (10, 20));
    let stored = statuses(&app, event);
    assert_eq!(stored.iter().filter(|s| *s == "confirmed").count(), 10);
    assert_eq!(stored.iter().filter(|s| *s == "waitlisted").count(), 20);
    let settings = app
        .anonymous()
        .get(format!("/api/v1/events/{event}/registration"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        settings.json()["counts"],
        json!({"pending": 0, "confirmed": 10, "waitlisted": 20, "attended": 0})
    );
    assert_eq!(settings.json()["seats_left"], 0);
    assert_eq!(settings.json()["open"], true);
    assert!(
        !settings.text().contains("@"),
        "the public settings carry no e-mail"
    );
    // The lead's editor sees all thirty, in the order they came in.
    let list = app
        .with_token(&w.editor_lead)
        .get(format!("/api/v1/events/{event}/registrations?limit=100"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(list.items().len(), 30);
}

#[actix_web::test]
async fn a_full_event_without_a_waiting_list_refuses() {
    let app = app().await;
    let (_, event) = open_event(&app, window(Some(1), false, false)).await;
    register(&app, event, person(1)).await.assert_status(201);
    register(&app, event, person(2))
        .await
        .assert_problem(409, "event_full");
    assert_eq!(statuses(&app, event), ["confirmed"]);
}

#[actix_web::test]
async fn cancelling_by_code_erases_the_person_and_promotes_the_first_waitlisted() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(1), true, false)).await;
    let first = register(&app, event, person(1)).await.assert_status(201);
    let second = register(&app, event, person(2)).await.assert_status(201);
    let third = register(&app, event, person(3)).await.assert_status(201);
    assert_eq!(second.json()["status"], "waitlisted");
    let code = first.json()["cancel_code"].as_str().unwrap().to_owned();
    let own = format!("/api/v1/registrations/{code}");
    let mine = app.anonymous().get(&own).send().await.assert_status(200);
    assert_eq!(mine.json()["status"], "confirmed");
    assert_eq!(mine.json()["email"], "uczestnik1@gmina.example.pl");
    app.anonymous()
        .delete(&own)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    assert_eq!(stored(&app, first.id()).0, "confirmed");
    app.anonymous()
        .delete(&own)
        .if_match(mine.etag())
        .send()
        .await
        .assert_status(204);
    let (status, name, email, hash) = stored(&app, first.id());
    assert_eq!(
        (status.as_str(), name, email, hash),
        ("cancelled", None, None, None),
        "the personal data is gone"
    );
    assert_eq!(
        statuses(&app, event),
        ["cancelled", "confirmed", "waitlisted"]
    );
    // The organizer sees the erasure.
    let erased = app
        .with_token(&w.editor_lead)
        .get(format!(
            "/api/v1/events/{event}/registrations/{}",
            first.id()
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(erased.json()["name"], Value::Null);
    assert_eq!(erased.json()["email"], Value::Null);
    assert!(erased.json()["erased_at"].is_string());
    // The code works once.
    app.anonymous()
        .delete(&own)
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get(&own)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .delete("/api/v1/registrations/not-a-code")
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    // The organizer cancels the promoted one: the third gets the seat.
    let cancelled = app
        .with_token(&w.editor_lead)
        .post(format!(
            "/api/v1/events/{event}/registrations/{}/cancel",
            second.id()
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(cancelled.json()["status"], "cancelled");
    assert_eq!(cancelled.json()["email"], Value::Null);
    assert_eq!(stored(&app, third.id()).0, "confirmed");
}

#[actix_web::test]
async fn registration_is_taken_only_while_the_window_is_open() {
    let app = app().await;
    let w = world(&app).await;
    let event = event_on(&app, &w, "OKNO", "2030-04-18").await;
    register(&app, event, person(1))
        .await
        .assert_problem(409, "registration_closed");
    let path = format!("/api/v1/events/{event}/registration");
    let later = json!({
        "opens_at": (Utc::now() + Duration::days(1)).to_rfc3339(),
        "closes_at": (Utc::now() + Duration::days(2)).to_rfc3339()
    });
    let created = app
        .with_token(&w.editor_lead)
        .put(&path)
        .json(later)
        .send()
        .await
        .assert_status(201);
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.json()["open"], false);
    register(&app, event, person(1))
        .await
        .assert_problem(409, "registration_not_open");
    let past = json!({
        "opens_at": (Utc::now() - Duration::days(2)).to_rfc3339(),
        "closes_at": (Utc::now() - Duration::days(1)).to_rfc3339()
    });
    app.with_token(&w.editor_lead)
        .put(&path)
        .json(&past)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.with_token(&w.editor_lead)
        .put(&path)
        .json(&past)
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    register(&app, event, person(1))
        .await
        .assert_problem(409, "registration_closed");
    assert_eq!(registration_count(&app, event), 0);
    // Only organizers set it; the window must be a window.
    app.with_token(&w.editor_partner)
        .put(&path)
        .json(&past)
        .if_match(2)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let backwards =
        json!({"opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"});
    app.with_token(&w.editor_lead)
        .put(&path)
        .json(backwards)
        .if_match(2)
        .send()
        .await
        .assert_invalid("closes_at", "invalid_date_range");
    let settings_id: i64 = app.with_conn(|conn| {
        event_registration_settings::table
            .filter(event_registration_settings::event_id.eq(event))
            .select(event_registration_settings::id)
            .first(conn)
            .unwrap()
    });
    assert_eq!(
        app.audit_actions("registration_settings", settings_id),
        ["create", "update"]
    );
}

#[actix_web::test]
async fn raising_the_capacity_gives_the_waiting_list_its_seats() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(1), true, false)).await;
    for n in 0..3 {
        register(&app, event, person(n)).await.assert_status(201);
    }
    let path = format!("/api/v1/events/{event}/registration");
    let mut settings = window(Some(2), true, false);
    let raised = app
        .with_token(&w.editor_lead)
        .put(&path)
        .json(&settings)
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(raised.json()["counts"]["confirmed"], 2);
    assert_eq!(
        statuses(&app, event),
        ["confirmed", "confirmed", "waitlisted"]
    );
    settings["capacity"] = json!(1);
    app.with_token(&w.editor_lead)
        .put(&path)
        .json(&settings)
        .if_match(2)
        .send()
        .await
        .assert_invalid("capacity", "below_taken");
    app.with_token(&w.editor_lead)
        .delete(&path)
        .if_match(2)
        .send()
        .await
        .assert_problem(409, "still_referenced");
}

#[actix_web::test]
async fn organizers_approve_and_reject_registrations_that_need_approval() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(1), true, true)).await;
    let first = register(&app, event, person(1)).await.assert_status(201);
    let second = register(&app, event, person(2)).await.assert_status(201);
    assert_eq!(first.json()["status"], "pending");
    assert_eq!(second.json()["status"], "pending");
    let act = |id: i64, action: &str| {
        app.with_token(&w.editor_lead)
            .post(format!(
                "/api/v1/events/{event}/registrations/{id}/{action}"
            ))
            .send()
    };
    let approved = act(first.id(), "approve").await.assert_status(200);
    assert_eq!(approved.json()["status"], "confirmed");
    assert_eq!(approved.etag(), "\"2\"");
    let waiting = act(second.id(), "approve").await.assert_status(200);
    assert_eq!(waiting.json()["status"], "waitlisted", "no seat left");
    act(second.id(), "approve")
        .await
        .assert_problem(409, "event_full");
    let rejected = act(second.id(), "reject").await.assert_status(200);
    assert_eq!(rejected.json()["status"], "rejected");
    act(first.id(), "reject")
        .await
        .assert_problem(409, "illegal_transition");
    assert_eq!(statuses(&app, event), ["confirmed", "rejected"]);
    assert_eq!(
        app.audit_actions("event_registration", first.id()),
        ["create", "update"]
    );
    // Not for others.
    app.with_token(&w.editor_partner)
        .post(format!(
            "/api/v1/events/{event}/registrations/{}/cancel",
            first.id()
        ))
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(stored(&app, first.id()).0, "confirmed");
}

#[actix_web::test]
async fn checking_in_sets_the_events_participants_count() {
    let app = app().await;
    let (w, event) = open_event(&app, window(None, false, false)).await;
    let first = register(&app, event, person(1)).await.assert_status(201);
    register(&app, event, person(2)).await.assert_status(201);
    let checked = app
        .with_token(&w.editor_lead)
        .post(format!(
            "/api/v1/events/{event}/registrations/{}/check-in",
            first.id()
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(checked.json()["status"], "attended");
    assert!(checked.json()["checked_in_at"].is_string());
    let (count, version): (Option<i64>, i64) = app.with_conn(|conn| {
        project_events::table
            .find(event)
            .select((project_events::participants_count, project_events::version))
            .first(conn)
            .unwrap()
    });
    assert_eq!((count, version), (Some(1), 2));
    app.with_token(&w.editor_lead)
        .post(format!(
            "/api/v1/events/{event}/registrations/{}/check-in",
            first.id()
        ))
        .send()
        .await
        .assert_problem(409, "illegal_transition");
    let code = checked.json()["id"].as_i64().unwrap();
    assert_eq!(code, first.id());
    app.anonymous()
        .delete(format!(
            "/api/v1/registrations/{}",
            first.json()["cancel_code"].as_str().unwrap()
        ))
        .if_match("*")
        .send()
        .await
        .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn only_organizers_see_registrations_and_their_emails() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(5), false, false)).await;
    register(&app, event, person(1)).await.assert_status(201);
    let path = format!("/api/v1/events/{event}/registrations");
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    for token in [&w.editor_partner, &w.viewer] {
        app.with_token(token)
            .get(&path)
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
    for token in [&w.editor_lead, &w.admin] {
        let list = app
            .with_token(token)
            .get(&path)
            .send()
            .await
            .assert_status(200);
        assert_eq!(list.items()[0]["email"], "uczestnik1@gmina.example.pl");
        assert_eq!(list.items()[0]["name"], "Uczestnik 1");
    }
    // The change feed shows registrations to organizers only, without data.
    crate::changes::settle(&app).await;
    let feed = |token: Option<&str>| {
        app.caller(token)
            .get("/api/v1/changes?types=event_registration")
            .send()
    };
    for token in [Some(w.editor_lead.as_str()), Some(w.admin.as_str())] {
        let page = feed(token).await.assert_status(200);
        let ours = page
            .items()
            .iter()
            .filter(|i| {
                i["url"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("/events/{event}/"))
            })
            .count();
        assert_eq!(ours, 1, "{}", page.text());
        assert!(!page.text().contains("@"));
    }
    for token in [Some(w.editor_partner.as_str()), None] {
        let page = feed(token).await.assert_status(200);
        assert!(page.items().is_empty(), "{}", page.text());
    }
}

#[actix_web::test]
async fn the_csv_list_has_a_bom_semicolons_and_defused_cells() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(5), false, false)).await;
    let mut body = person(1);
    body["name"] = json!("=HYPERLINK(\"http://example.org\")");
    body["organization_name"] = json!("Gmina; Opole");
    register(&app, event, body).await.assert_status(201);
    let csv = app
        .with_token(&w.editor_lead)
        .get(format!("/api/v1/events/{event}/registrations"))
        .header("Accept", "text/csv")
        .send()
        .await
        .assert_status(200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    assert!(text.starts_with("\u{feff}Lp.;Imię i nazwisko;E-mail;Instytucja;Funkcja;Status;Zgłoszenie;Obecność;Id\r\n"), "{text}");
    assert!(
        text.contains("1;\"'=HYPERLINK(\"\"http://example.org\"\")\";uczestnik1@gmina.example.pl;\"Gmina; Opole\";staff;confirmed;"),
        "{text}"
    );
    app.with_token(&w.editor_lead)
        .get(format!("/api/v1/events/{event}/registrations"))
        .header("Accept", "application/xml")
        .send()
        .await
        .assert_problem(406, "not_acceptable");
}

#[actix_web::test]
async fn public_registration_is_rate_limited_per_client_address() {
    let app = spawn_app_with(|config| config.registration_rate_limit = 2).await;
    let (_, event) = open_event(&app, window(None, false, false)).await;
    let from = |client: u8, n: usize| {
        TestRequest::post()
            .uri(&format!("/api/v1/events/{event}/registrations"))
            .peer_addr(std::net::SocketAddr::from(([10, 0, 0, client], 40_000)))
            .set_json(person(n))
    };
    app.send(from(1, 1)).await.assert_status(201);
    app.send(from(1, 2)).await.assert_status(201);
    let limited = app.send(from(1, 3)).await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    app.send(from(2, 4)).await.assert_status(201);
    assert_eq!(registration_count(&app, event), 3);
}

#[actix_web::test]
async fn personal_data_is_erased_after_the_retention_period() {
    let app = app().await;
    let w = world(&app).await;
    let past = event_on(&app, &w, "MINIONE", "2016-04-18").await;
    let coming = event_on(&app, &w, "PRZYSZLE", "2030-04-18").await;
    for event in [past, coming] {
        app.with_token(&w.editor_lead)
            .put(format!("/api/v1/events/{event}/registration"))
            .json(window(None, false, false))
            .send()
            .await
            .assert_status(201);
    }
    let old = register(&app, past, person(1)).await.assert_status(201);
    let new = register(&app, coming, person(2)).await.assert_status(201);
    let today = Utc::now().date_naive();
    let erased = app
        .with_conn(|conn| razem::registrations::service::purge_expired(conn, today, 30).unwrap());
    assert_eq!(erased, 2, "ours and the demo data set's (of 2016)");
    let (status, name, email, hash) = stored(&app, old.id());
    assert_eq!(
        (status.as_str(), name, email, hash),
        ("confirmed", None, None, None)
    );
    assert!(
        stored(&app, new.id()).2.is_some(),
        "a coming event keeps its data"
    );
    let shown = app
        .with_token(&w.editor_lead)
        .get(format!("/api/v1/events/{past}/registrations/{}", old.id()))
        .send()
        .await
        .assert_status(200);
    assert_eq!(shown.json()["email"], Value::Null);
    assert!(shown.json()["erased_at"].is_string());
    // Idempotent.
    let again = app
        .with_conn(|conn| razem::registrations::service::purge_expired(conn, today, 30).unwrap());
    assert_eq!(again, 0);
}

#[actix_web::test]
async fn inviting_the_members_of_an_association_invites_each_once() {
    let app = app().await;
    let w = world(&app).await;
    let event = event_on(&app, &w, "ZAPROSZENIA", "2030-04-18").await;
    let path = format!("/api/v1/events/{event}/invitations");
    let first = app
        .with_token(&w.editor_lead)
        .post(&path)
        .json(json!({"members_of": "opos"}))
        .send()
        .await
        .assert_status(201);
    let invited = first.json()["invited"].as_array().unwrap();
    assert_eq!(invited.len(), 9, "the nine OPOS members");
    assert_eq!(first.json()["already_invited"], 0);
    let opos = app.id_of("opos").await;
    assert_eq!(invited[0]["via_association_id"], opos);
    let again = app
        .with_token(&w.editor_lead)
        .post(&path)
        .json(json!({"members_of": opos.to_string()}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(*again.json(), json!({"invited": [], "already_invited": 9}));
    let stored: i64 = app.with_conn(|conn| {
        event_invitations::table
            .filter(event_invitations::event_id.eq(event))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(stored, 9);
    let list = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(list.items().len(), 9);
    let one = list.items()[0]["id"].as_i64().unwrap();
    app.anonymous()
        .get(format!("{path}/{one}"))
        .send()
        .await
        .assert_status(200);
    app.with_token(&w.editor_lead)
        .post(&path)
        .json(json!({"members_of": "no-such-association"}))
        .send()
        .await
        .assert_invalid("members_of", "not_found");
    app.with_token(&w.editor_partner)
        .post(&path)
        .json(json!({"members_of": "opos"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn deleting_the_event_deletes_its_registrations_through_the_write_path() {
    let app = app().await;
    let (w, event) = open_event(&app, window(Some(10), true, false)).await;
    let registered = register(&app, event, person(1)).await.assert_status(201);
    register(&app, event, person(2)).await.assert_status(201);
    app.with_token(&w.editor_lead)
        .post(format!("/api/v1/events/{event}/invitations"))
        .json(json!({"members_of": "opos"}))
        .send()
        .await
        .assert_status(201);
    let project: i64 = app.with_conn(|conn| {
        project_events::table
            .find(event)
            .select(project_events::project_id)
            .first(conn)
            .unwrap()
    });
    let path = format!("/api/v1/projects/{project}/events/{event}");

    // A stale If-Match deletes nothing, the registrations included.
    app.with_token(&w.editor_lead)
        .delete(&path)
        .if_match(99)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(registration_count(&app, event), 2);

    app.with_token(&w.editor_lead)
        .delete(&path)
        .if_match("*")
        .send()
        .await
        .assert_status(204);
    let left: (i64, i64, i64) = app.with_conn(|conn| {
        (
            event_registrations::table
                .filter(event_registrations::event_id.eq(event))
                .count()
                .get_result(conn)
                .unwrap(),
            event_invitations::table
                .filter(event_invitations::event_id.eq(event))
                .count()
                .get_result(conn)
                .unwrap(),
            event_registration_settings::table
                .filter(event_registration_settings::event_id.eq(event))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    });
    assert_eq!(left, (0, 0, 0));
    // Each registration's deletion is audited, with the personal data masked.
    let last: Option<String> = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::object_type.eq("event_registration"))
            .filter(audit_log::object_id.eq(registered.id().to_string()))
            .filter(audit_log::action.eq("delete"))
            .select(audit_log::changes)
            .first(conn)
            .unwrap()
    });
    let last = last.expect("the last state");
    assert!(last.contains("U***"), "{last}");
    assert!(!last.contains("Uczestnik1"), "{last}");
}
