//! Events of projects and the calendar: CRUD with local times, date rules, filters
//! (kind, from/to overlap, city ignoring diacritics, project), calendar order and keyset
//! pagination, preconditions and audit.

use std::collections::HashSet;

use diesel::prelude::*;
use razem::db::schema::project_events;
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app, urlencode};
use crate::projects::{World, create, project_body, world};

/// A project of ZMP with one event, the Opole conference, created by the lead's editor:
/// the project's id, its events' path and the created event.
async fn opole_conference(app: &TestApp, w: &World) -> (i64, String, TestResponse) {
    let project = create(app, &w.editor_lead, project_body(w.zmp, "WYDARZENIA")).await;
    let id = project.id();
    let base = format!("/api/v1/projects/{id}/events");
    let created = app.with_token(&w.editor_lead).post(&base).json(json!({
                "kind": "conference",
                "title": " Konferencja informacyjna w Opolu ",
                "description": "Dla samorządów tworzących partnerstwa.",
                "starts_on": "2016-04-18", "starts_at": "11:00", "ends_at": "15:30",
                "city": " Opole ", "venue": "Sala Herbowa, Opolski Urząd Wojewódzki", "address": "ul. Piastowska 14",
                "participants_count": 120, "organizations_count": 64
            })).send()
        .await.assert_status(201);
    (id, base, created)
}

#[actix_web::test]
async fn an_event_keeps_its_local_times_and_is_stored_for_the_calendar() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, base, created) = opole_conference(&app, &w).await;
    let event_id = created.id();
    let path = format!("{base}/{event_id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag_version(), 1);
    assert_eq!(
        *created.json(),
        json!({
            "id": event_id, "project_id": id,
            "project": {"id": id, "code": "WYDARZENIA", "title": "Projekt WYDARZENIA"},
            "kind": "conference", "title": "Konferencja informacyjna w Opolu",
            "description": "Dla samorządów tworzących partnerstwa.",
            "starts_on": "2016-04-18", "ends_on": null, "starts_at": "11:00", "ends_at": "15:30",
            "city": "Opole", "venue": "Sala Herbowa, Opolski Urząd Wojewódzki", "address": "ul. Piastowska 14",
            "participants_count": 120, "organizations_count": 64,
            "version": 1, "created_at": created.json()["created_at"], "updated_at": created.json()["updated_at"]
        })
    );
    let stored: (String, Option<String>, i64, chrono::NaiveDate) = app.with_conn(|conn| {
        project_events::table
            .find(event_id)
            .select((
                project_events::starts_at.assume_not_null(),
                project_events::city_folded,
                project_events::start_sort,
                project_events::last_day,
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored.0, "11:00");
    assert_eq!(stored.1.as_deref(), Some("opole"));
    let day = chrono::NaiveDate::from_ymd_opt(2016, 4, 18).unwrap();
    assert_eq!(
        stored.2,
        (i64::from(chrono::Datelike::num_days_from_ce(&day)) - 1) * 1440 + 660
    );
    assert_eq!(stored.3, day, "one day: the last day is the first");
    assert_eq!(
        app.anonymous().get(&path).send().await.json(),
        created.json()
    );
    // Events are not embedded in the project: its version stays.
    assert_eq!(
        app.anonymous()
            .get(format!("/api/v1/projects/{id}"))
            .send()
            .await
            .etag_version(),
        1
    );
}

#[actix_web::test]
async fn event_date_and_time_rules_are_422_and_refused_events_are_not_stored() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, base, _) = opole_conference(&app, &w).await;
    for (body, field, code) in [
        (
            json!({"starts_on": "2016-04-18", "ends_on": "2016-04-17"}),
            "ends_on",
            "ends_before_start",
        ),
        (
            json!({"starts_at": "15:00", "ends_at": "11:00"}),
            "ends_at",
            "ends_before_start",
        ),
        (
            json!({"starts_at": "11:00", "ends_at": "11:00"}),
            "ends_at",
            "ends_before_start",
        ),
        (json!({"starts_at": "25:00"}), "starts_at", "invalid_time"),
        (json!({"starts_at": "11:60"}), "starts_at", "invalid_time"),
        (json!({"starts_at": "11.00"}), "starts_at", "invalid_time"),
        (
            json!({"starts_at": "11:00:00"}),
            "starts_at",
            "invalid_time",
        ),
        (json!({"starts_at": 11}), "starts_at", "invalid_type"),
        (json!({"kind": "party"}), "kind", "invalid_enum_value"),
        (
            json!({"starts_on": "1989-01-01"}),
            "starts_on",
            "date_out_of_range",
        ),
        (
            json!({"participants_count": -1}),
            "participants_count",
            "range",
        ),
        (json!({"city": ""}), "city", "length"),
        (json!({"title": "  "}), "title", "blank"),
        (json!({"room": "A"}), "room", "unknown_field"),
    ] {
        let mut event =
            json!({"kind": "workshop", "title": "Warsztaty", "starts_on": "2016-04-18"});
        for (key, value) in body.as_object().unwrap() {
            event[key] = value.clone();
        }
        let response = app
            .with_token(&w.editor_lead)
            .post(&base)
            .json(&event)
            .send()
            .await;
        response.assert_invalid(field, code);
    }
    // Over several days the end time may come before the start time.
    app.with_token(&w.editor_lead).post(&base).json(json!({"kind": "study_visit", "title": "Wizyta studyjna w Norwegii", "starts_on": "2015-05-11",
                    "ends_on": "2015-05-15", "starts_at": "14:00", "ends_at": "09:00", "city": "Oslo"})).send()
        .await.assert_status(201);
    let count: i64 = app.with_conn(|conn| {
        project_events::table
            .filter(project_events::project_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(count, 2, "refused events are not stored");
}

#[actix_web::test]
async fn an_event_patch_checks_the_new_state_under_if_match() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (_, base, created) = opole_conference(&app, &w).await;
    let event_id = created.id();
    let path = format!("{base}/{event_id}");
    // PATCH checks the new state; a refused one changes nothing.
    let response = app
        .with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"ends_on": "2016-04-17"}))
        .if_match(1)
        .send()
        .await;
    response.assert_invalid("ends_on", "ends_before_start");
    let response = app
        .with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"starts_at": "16:00"}))
        .if_match(1)
        .send()
        .await;
    response.assert_invalid("ends_at", "ends_before_start");
    app.with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"city": "Kraków"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    let patched = app.with_token(&w.editor_lead).patch(&path).json(json!({"ends_on": "2016-04-19", "starts_at": null, "city": "Opole ", "participants_count": null})).if_match(1).send()
        .await.assert_status(200);
    assert_eq!(patched.etag_version(), 2);
    assert_eq!(patched.json()["ends_on"], "2016-04-19");
    assert_eq!(patched.json()["starts_at"], Value::Null);
    assert_eq!(patched.json()["ends_at"], "15:30");
    assert_eq!(patched.json()["participants_count"], Value::Null);
    assert_eq!(patched.json()["organizations_count"], 64);
    app.with_token(&w.editor_lead)
        .patch(&path)
        .json(json!({"city": "Opole"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
}

#[actix_web::test]
async fn an_event_is_found_only_under_its_project_and_its_deletion_is_audited() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (_, base, created) = opole_conference(&app, &w).await;
    let event_id = created.id();
    let path = format!("{base}/{event_id}");
    let other = create(&app, &w.admin, project_body(w.zmp, "INNE")).await;
    app.anonymous()
        .get(format!(
            "/api/v1/projects/{}/events/{event_id}",
            other["id"]
        ))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&w.editor_lead)
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
    let actions: Vec<String> = app.with_conn(|conn| {
        razem::audit::repo::for_object(conn, "project_event", &event_id.to_string())
            .unwrap()
            .into_iter()
            .map(|row| row.action)
            .collect()
    });
    assert_eq!(actions, vec!["create", "delete"]);
}

/// The demo project's five events (Warszawa 2015-12-16, Szczecin 2016-01-29, Lublin
/// 2016-03-17, Opole 2016-04-18 11:00, Poznań 2016-10-18) and four of another project of
/// ZPP: that project's id and its events' path.
async fn calendar_world(app: &TestApp) -> (i64, String) {
    let w = world(app).await;
    let other = create(app, &w.admin, project_body(w.zpp, "KALENDARZ")).await;
    let base = format!("/api/v1/projects/{}/events", other["id"]);
    for event in [
        json!({"kind": "training", "title": "Szkolenie rano", "starts_on": "2016-04-18", "starts_at": "09:00", "city": "Poznań"}),
        json!({"kind": "training", "title": "Szkolenie po południu", "starts_on": "2016-04-18", "starts_at": "13:30", "city": "POZNAŃ"}),
        json!({"kind": "workshop", "title": "Warsztaty trzydniowe", "starts_on": "2016-04-15", "ends_on": "2016-04-17", "city": "Łódź"}),
        json!({"kind": "meeting", "title": "Spotkanie bez miasta", "starts_on": "2016-04-18"}),
    ] {
        app.as_admin()
            .post(&base)
            .json(&event)
            .send()
            .await
            .assert_status(201);
    }
    (other.id(), base)
}

/// The titles the calendar answers for a query.
async fn calendar(app: &TestApp, query: &str) -> Vec<String> {
    app.anonymous()
        .get(format!("/api/v1/events?{query}"))
        .send()
        .await
        .assert_status(200)
        .item_strings("title")
}

/// Every title in calendar order, and reversed.
async fn in_order(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let all = calendar(app, "limit=100").await;
    let mut reversed = all.clone();
    reversed.reverse();
    (all, reversed)
}

#[actix_web::test]
async fn the_calendar_orders_by_day_then_time_then_id() {
    let app = spawn_app().await;
    let _ = calendar_world(&app).await;
    let all = calendar(&app, "limit=100").await;
    assert_eq!(
        all,
        vec![
            "Finał II edycji konkursu „Samorządowy Lider Zarządzania – Razem dla rozwoju”",
            "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Szczecinie",
            "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Lublinie",
            "Warsztaty trzydniowe",
            "Spotkanie bez miasta",
            "Szkolenie rano",
            "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu",
            "Szkolenie po południu",
            "Konferencja podsumowująca projekt",
        ],
        "by day, then time of day (no time: midnight), then id"
    );
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(calendar(&app, "limit=100&sort=-starts_on").await, reversed);
}

#[actix_web::test]
async fn the_calendar_filters_by_city_kind_project_and_days() {
    let app = spawn_app().await;
    let (other_id, base) = calendar_world(&app).await;
    // City: exact, case and diacritics ignored.
    for city in ["poznan", "Poznań", "POZNAN", "poznań"] {
        assert_eq!(
            calendar(&app, &format!("city={}", urlencode(city))).await,
            vec![
                "Szkolenie rano",
                "Szkolenie po południu",
                "Konferencja podsumowująca projekt"
            ],
            "{city}"
        );
    }
    assert_eq!(
        calendar(&app, "city=lodz").await,
        vec!["Warsztaty trzydniowe"]
    );
    assert_eq!(
        calendar(&app, "city=pozna").await,
        Vec::<String>::new(),
        "exact, not contains"
    );
    // Kind and project.
    assert_eq!(
        calendar(&app, "kind=training").await,
        vec!["Szkolenie rano", "Szkolenie po południu"]
    );
    assert_eq!(calendar(&app, "kind=competition").await.len(), 1);
    assert_eq!(
        calendar(&app, &format!("project={}", other_id)).await.len(),
        4
    );
    // from/to: events overlapping the days, both ends inclusive.
    assert_eq!(
        calendar(&app, "from=2016-04-16&to=2016-04-17").await,
        vec!["Warsztaty trzydniowe"]
    );
    assert_eq!(
        calendar(&app, "from=2016-04-17&to=2016-04-18").await.len(),
        5,
        "the workshop's last day and the four events of the 18th"
    );
    assert_eq!(
        calendar(&app, "from=2016-10-18").await,
        vec!["Konferencja podsumowująca projekt"]
    );
    assert_eq!(calendar(&app, "to=2015-12-31").await.len(), 1);
    assert_eq!(
        calendar(
            &app,
            "kind=conference&from=2016-01-01&to=2016-06-30&city=opole"
        )
        .await,
        vec![
            "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu"
        ]
    );
    // The same filters under one project.
    let within = app
        .anonymous()
        .get(format!("{base}?city=poznan&kind=training"))
        .send()
        .await;
    assert_eq!(
        within.item_strings("title"),
        vec!["Szkolenie rano", "Szkolenie po południu"]
    );
    app.anonymous()
        .get("/api/v1/projects/999999/events")
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn calendar_pages_walk_every_event_once_in_both_sorts() {
    let app = spawn_app().await;
    let _ = calendar_world(&app).await;
    let (all, reversed) = in_order(&app).await;
    // Pages walk every event once, in order, for both sorts.
    for sort in ["starts_on", "-starts_on"] {
        let mut seen = Vec::new();
        let mut url = format!("/api/v1/events?sort={sort}&limit=2");
        loop {
            let page = app.anonymous().get(&url).send().await.assert_status(200);
            seen.extend(page.item_strings("title"));
            match page.json()["next_cursor"].as_str() {
                Some(cursor) => url = format!("/api/v1/events?sort={sort}&limit=2&cursor={cursor}"),
                None => break,
            }
        }
        let expected = if sort == "starts_on" {
            all.clone()
        } else {
            reversed.clone()
        };
        assert_eq!(seen, expected, "{sort}");
    }
}

#[actix_web::test]
async fn the_calendar_lists_what_changed_since() {
    let app = spawn_app().await;
    let (_, base) = calendar_world(&app).await;
    // updated_since.
    let mark = chrono::Utc::now();
    app.as_admin()
        .post(&base)
        .json(json!({"kind": "meeting", "title": "Nowe spotkanie", "starts_on": "2017-01-10"}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(
        calendar(
            &app,
            &format!(
                "updated_since={}",
                urlencode(&mark.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            )
        )
        .await,
        vec!["Nowe spotkanie"]
    );
}

#[actix_web::test]
async fn bad_calendar_parameters_are_400() {
    let app = spawn_app().await;
    let _ = calendar_world(&app).await;
    // Bad parameters.
    for query in [
        "from=2016-05-01&to=2016-04-01",
        "kind=party",
        "from=2016-02-30",
        "city=",
        "project=0",
        "sort=title",
        "limit=101",
        "town=Opole",
    ] {
        app.anonymous()
            .get(format!("/api/v1/events?{query}"))
            .send()
            .await
            .assert_problem(400, "invalid_query");
    }
    app.anonymous()
        .get("/api/v1/events?cursor=abc")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    let ids: HashSet<i64> = app.with_conn(|conn| {
        project_events::table
            .select(project_events::id)
            .load::<i64>(conn)
            .unwrap()
            .into_iter()
            .collect()
    });
    assert_eq!(ids.len(), 9, "bad queries store nothing");
}
