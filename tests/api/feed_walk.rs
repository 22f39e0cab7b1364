//! Every write endpoint, called over HTTP, adds exactly the change events it should to
//! the feed (`GET /changes` as an administrator sees it): its type, id and action.
//!
//! The walk is a table of steps, in order; a step names the ids it creates (`saves`),
//! later steps use them as `{name}` in paths and `"$name"` in bodies. A resource added
//! later adds its rows here.

use std::collections::HashMap;

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::changes::{read_all, settle, summary};
use crate::helpers::{PASSWORD, spawn_app};

struct Step {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    status: u16,
    /// `(name, JSON pointer)`: what to keep of the response for later steps.
    saves: Vec<(&'static str, &'static str)>,
    /// `(type, name of the id, action)`: the events the step adds, and nothing else.
    events: Vec<(&'static str, &'static str, &'static str)>,
}

fn step(method: Method, path: &'static str, body: Option<Value>) -> Step {
    let status = match method {
        Method::POST => 201,
        Method::DELETE => 204,
        _ => 200,
    };
    Step {
        method,
        path,
        body,
        status,
        saves: Vec::new(),
        events: Vec::new(),
    }
}

fn post(path: &'static str, body: Value) -> Step {
    step(Method::POST, path, Some(body))
}

fn patch(path: &'static str, body: Value) -> Step {
    step(Method::PATCH, path, Some(body))
}

fn put(path: &'static str, body: Value) -> Step {
    step(Method::PUT, path, Some(body))
}

fn delete(path: &'static str) -> Step {
    step(Method::DELETE, path, None)
}

impl Step {
    fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Keeps the response's `id` as `name`.
    fn saves(self, name: &'static str) -> Self {
        self.keeps(name, "/id")
    }

    fn keeps(mut self, name: &'static str, pointer: &'static str) -> Self {
        self.saves.push((name, pointer));
        self
    }

    fn emits(mut self, object_type: &'static str, id: &'static str, action: &'static str) -> Self {
        self.events.push((object_type, id, action));
        self
    }

    /// A create that adds the `created` event of what it saves.
    fn creates(self, object_type: &'static str, name: &'static str) -> Self {
        self.saves(name).emits(object_type, name, "created")
    }
}

fn at(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The walk: every resource, every kind of write.
fn steps() -> Vec<Step> {
    vec![
        // Organizations, and associations (their view of organizations).
        post("/api/v1/organizations", json!({"name": "Fundacja Przejścia", "kind": "ngo"}))
            .creates("organization", "ngo"),
        patch("/api/v1/organizations/{ngo}", json!({"short_name": "FP"}))
            .emits("organization", "ngo", "updated"),
        post(
            "/api/v1/organizations",
            json!({"name": "Gmina Przejściowa", "kind": "jst", "teryt": "1661011"}),
        )
        .creates("organization", "jst"),
        post(
            "/api/v1/organizations",
            json!({"name": "Gmina Sąsiednia", "kind": "jst", "teryt": "0264011"}),
        )
        .creates("organization", "neighbour"),
        post(
            "/api/v1/organizations",
            json!({"name": "Ministerstwo Przejścia", "kind": "government_body"}),
        )
        .creates("organization", "ministry"),
        post(
            "/api/v1/organizations",
            json!({"name": "Porozumienie Przejścia", "kind": "alliance"}),
        )
        .creates("organization", "alliance")
        .keeps("alliance_slug", "/slug"),
        post(
            "/api/v1/associations",
            json!({"name": "Związek Gmin Przejścia", "kind": "association"}),
        )
        .creates("organization", "association"),
        patch("/api/v1/associations/{association}", json!({"short_name": "ZGP"}))
            .emits("organization", "association", "updated"),
        post(
            "/api/v1/associations",
            json!({"name": "Związek do rozwiązania", "kind": "association"}),
        )
        .creates("organization", "dissolved"),
        delete("/api/v1/associations/{dissolved}").emits("organization", "dissolved", "deleted"),
        post("/api/v1/organizations", json!({"name": "Fundacja do usunięcia", "kind": "ngo"}))
            .creates("organization", "gone"),
        delete("/api/v1/organizations/{gone}").emits("organization", "gone", "deleted"),
        // Memberships, presidencies, milestones.
        post(
            "/api/v1/associations/{alliance}/members",
            json!({"member_id": "$association", "joined_on": "2014-01-01"}),
        )
        .creates("membership", "alliance_member"),
        post(
            "/api/v1/associations/{association}/members",
            json!({"member_id": "$jst", "joined_on": "2015-01-01"}),
        )
        .creates("membership", "member"),
        patch(
            "/api/v1/associations/{association}/members/{member}",
            json!({"basis": "Uchwała nr 1/2015"}),
        )
        .emits("membership", "member", "updated"),
        delete("/api/v1/associations/{association}/members/{member}")
            .emits("membership", "member", "deleted"),
        post(
            "/api/v1/associations/{alliance}/presidencies",
            json!({"holder_id": "$association", "starts_on": "2014-01-01", "ends_on": "2014-06-30"}),
        )
        .creates("presidency", "presidency"),
        patch(
            "/api/v1/associations/{alliance}/presidencies/{presidency}",
            json!({"ends_on": "2014-05-31"}),
        )
        .emits("presidency", "presidency", "updated"),
        delete("/api/v1/associations/{alliance}/presidencies/{presidency}")
            .emits("presidency", "presidency", "deleted"),
        post(
            "/api/v1/associations/{association}/milestones",
            json!({"date": "2013-05-17", "title": "Założenie związku"}),
        )
        .creates("milestone", "milestone"),
        patch(
            "/api/v1/associations/{association}/milestones/{milestone}",
            json!({"place": "Opole"}),
        )
        .emits("milestone", "milestone", "updated"),
        delete("/api/v1/associations/{association}/milestones/{milestone}")
            .emits("milestone", "milestone", "deleted"),
        // Positions: the draft, its lifecycle, co-signers and replies (changes of the
        // position), and a deleted draft.
        post(
            "/api/v1/positions",
            json!({"association_id": "$association", "kind": "position",
                   "title": "Stanowisko w sprawie przejścia", "summary": "S.", "body": "T.",
                   "topics": ["finanse"], "addressee_ids": ["$ministry"]}),
        )
        .creates("position", "position"),
        patch("/api/v1/positions/{position}", json!({"summary": "Streszczenie."}))
            .emits("position", "position", "updated"),
        post(
            "/api/v1/positions/{position}/transitions",
            json!({"to": "adopted", "on": "2024-03-08"}),
        )
        .status(200)
        .emits("position", "position", "updated"),
        post("/api/v1/positions/{position}/co-signers/{alliance}", json!({}))
            .status(200)
            .emits("position", "position", "updated"),
        delete("/api/v1/positions/{position}/co-signers/{alliance}")
            .emits("position", "position", "updated"),
        post(
            "/api/v1/positions/{position}/transitions",
            json!({"to": "sent", "on": "2024-03-15"}),
        )
        .status(200)
        .emits("position", "position", "updated"),
        post(
            "/api/v1/positions/{position}/responses",
            json!({"received_on": "2024-04-22", "from_id": "$ministry", "summary": "Odpowiedź."}),
        )
        .emits("position", "position", "updated"),
        post(
            "/api/v1/positions",
            json!({"association_id": "$association", "kind": "position", "title": "Szkic",
                   "summary": "S.", "body": "T.", "topics": ["finanse"]}),
        )
        .creates("position", "sketch"),
        delete("/api/v1/positions/{sketch}").emits("position", "sketch", "deleted"),
        // Consultations and their comments.
        post(
            "/api/v1/consultations",
            json!({"organizer_id": "$association", "direction": "outbound",
                   "title": "Konsultacje programu przejścia", "subject_kind": "programme",
                   "forms": ["online"], "eligibility": "public",
                   "opens_at": at(-1), "closes_at": at(24 * 20)}),
        )
        .creates("consultation", "consultation"),
        patch(
            "/api/v1/consultations/{consultation}",
            json!({"title": "Konsultacje programu przejścia 2027"}),
        )
        .emits("consultation", "consultation", "updated"),
        post(
            "/api/v1/consultations/{consultation}/transitions",
            json!({"to": "announced"}),
        )
        .status(200)
        .emits("consultation", "consultation", "updated"),
        post(
            "/api/v1/consultations/{consultation}/comments",
            json!({"submitter_id": "$ngo", "content": "Uwaga do § 5."}),
        )
        .creates("consultation_comment", "comment"),
        patch(
            "/api/v1/consultations/{consultation}/comments/{comment}",
            json!({"content": "Uwaga do § 5 ust. 2."}),
        )
        .emits("consultation_comment", "comment", "updated"),
        put(
            "/api/v1/consultations/{consultation}/comments/{comment}/disposition",
            json!({"status": "accepted"}),
        )
        .emits("consultation_comment", "comment", "updated"),
        post(
            "/api/v1/consultations",
            json!({"organizer_id": "$association", "direction": "outbound",
                   "title": "Konsultacje odwołane", "subject_kind": "programme",
                   "forms": ["online"], "eligibility": "public",
                   "opens_at": at(24), "closes_at": at(24 * 20)}),
        )
        .creates("consultation", "cancelled"),
        delete("/api/v1/consultations/{cancelled}").emits("consultation", "cancelled", "deleted"),
        // Projects, their indicators and events.
        post(
            "/api/v1/projects",
            json!({"code": "PRZ/2026", "title": "Projekt przejścia", "lead_id": "$association",
                   "starts_on": "2020-01-01"}),
        )
        .creates("project", "project"),
        patch("/api/v1/projects/{project}", json!({"summary": "Streszczenie projektu."}))
            .emits("project", "project", "updated"),
        post(
            "/api/v1/projects/{project}/indicators",
            json!({"name": "Szkolenia", "unit": "szkolenia", "target": 29}),
        )
        .creates("project_indicator", "indicator")
        // The project embeds its indicators: it changes with them.
        .emits("project", "project", "updated"),
        patch(
            "/api/v1/projects/{project}/indicators/{indicator}",
            json!({"achieved": 3}),
        )
        .emits("project_indicator", "indicator", "updated")
        .emits("project", "project", "updated"),
        delete("/api/v1/projects/{project}/indicators/{indicator}")
            .emits("project_indicator", "indicator", "deleted")
            .emits("project", "project", "updated"),
        post(
            "/api/v1/projects/{project}/events",
            json!({"kind": "conference", "title": "Konferencja", "starts_on": "2016-04-18"}),
        )
        .creates("project_event", "event"),
        patch("/api/v1/projects/{project}/events/{event}", json!({"city": "Opole"}))
            .emits("project_event", "event", "updated"),
        // Registration for the event (the settings, registrations and their moves) and
        // invitations.
        put(
            "/api/v1/events/{event}/registration",
            json!({"opens_at": at(-1), "closes_at": at(24), "capacity": 2,
                   "waitlist": true, "requires_approval": true}),
        )
        .status(201)
        .creates("registration_settings", "settings"),
        post(
            "/api/v1/events/{event}/registrations",
            json!({"name": "Anna Przejście", "email": "anna@example.org", "function": "staff",
                   "organization_name": "Urząd Gminy", "consent": true}),
        )
        .creates("event_registration", "anna"),
        post(
            "/api/v1/events/{event}/registrations",
            json!({"name": "Jan Przejście", "email": "jan@example.org", "function": "council",
                   "organization_id": "$jst", "consent": true}),
        )
        .creates("event_registration", "jan"),
        post(
            "/api/v1/events/{event}/registrations",
            json!({"name": "Ewa Przejście", "email": "ewa@example.org", "function": "ngo",
                   "organization_id": "$ngo", "consent": true}),
        )
        .creates("event_registration", "ewa")
        .keeps("ewa_code", "/cancel_code"),
        post("/api/v1/events/{event}/registrations/{anna}/approve", json!({}))
            .status(200)
            .emits("event_registration", "anna", "updated"),
        post("/api/v1/events/{event}/registrations/{anna}/check-in", json!({}))
            .status(200)
            .emits("event_registration", "anna", "updated")
            .emits("project_event", "event", "updated"),
        post("/api/v1/events/{event}/registrations/{jan}/reject", json!({}))
            .status(200)
            .emits("event_registration", "jan", "updated"),
        delete("/api/v1/registrations/{ewa_code}").emits("event_registration", "ewa", "updated"),
        post(
            "/api/v1/events/{event}/registrations",
            json!({"name": "Olga Przejście", "email": "olga@example.org", "function": "other",
                   "organization_name": "Stowarzyszenie", "consent": true}),
        )
        .creates("event_registration", "olga"),
        post("/api/v1/events/{event}/registrations/{olga}/cancel", json!({}))
            .status(200)
            .emits("event_registration", "olga", "updated"),
        put(
            "/api/v1/events/{event}/registration",
            json!({"opens_at": at(-1), "closes_at": at(48), "capacity": 3}),
        )
        .emits("registration_settings", "settings", "updated"),
        delete("/api/v1/events/{event}/registration").status(409),
        post(
            "/api/v1/events/{event}/invitations",
            json!({"members_of": "$alliance_slug"}),
        )
        .keeps("invitation", "/invited/0/id")
        .emits("event_invitation", "invitation", "created"),
        // Deleting the event deletes what registration keeps under it, each with a
        // tombstone.
        delete("/api/v1/projects/{project}/events/{event}")
            .emits("event_invitation", "invitation", "deleted")
            .emits("event_registration", "anna", "deleted")
            .emits("event_registration", "jan", "deleted")
            .emits("event_registration", "ewa", "deleted")
            .emits("event_registration", "olga", "deleted")
            .emits("registration_settings", "settings", "deleted")
            .emits("project_event", "event", "deleted"),
        delete("/api/v1/projects/{project}").emits("project", "project", "deleted"),
        // Good practices: categories, the lifecycle, adoptions (changes of the practice).
        post("/api/v1/practice-categories", json!({"name": "Kategoria przejścia"}))
            .creates("practice_category", "category"),
        post(
            "/api/v1/practices",
            json!({"title": "Praktyka przejścia", "summary": "Praktyka.",
                   "category_ids": ["$category"], "implementer_id": "$jst", "jst_id": "$jst",
                   "location": {"lat": 50.6751, "lon": 17.9213}}),
        )
        .creates("practice", "practice"),
        patch("/api/v1/practices/{practice}", json!({"summary": "Praktyka godna uwagi."}))
            .emits("practice", "practice", "updated"),
        post("/api/v1/practices/{practice}/transitions", json!({"to": "submitted"}))
            .status(200)
            .emits("practice", "practice", "updated"),
        post("/api/v1/practices/{practice}/transitions", json!({"to": "published"}))
            .status(200)
            .emits("practice", "practice", "updated"),
        post(
            "/api/v1/practices/{practice}/adoptions",
            json!({"organization_id": "$neighbour", "adopted_on": "2025-01-01"}),
        )
        .saves("adoption")
        .emits("practice", "practice", "updated"),
        delete("/api/v1/practices/{practice}/adoptions/{adoption}")
            .emits("practice", "practice", "updated"),
        delete("/api/v1/practices/{practice}").emits("practice", "practice", "deleted"),
        // Working groups, their members and meetings.
        post(
            "/api/v1/associations/{association}/working-groups",
            json!({"name": "Zespół przejścia"}),
        )
        .creates("working_group", "group"),
        patch("/api/v1/working-groups/{group}", json!({"mandate": "Sprawy przejścia."}))
            .emits("working_group", "group", "updated"),
        post(
            "/api/v1/working-groups/{group}/members",
            json!({"organization_id": "$jst", "role": "chair", "from": "2024-01-01"}),
        )
        .creates("working_group_member", "group_member"),
        post(
            "/api/v1/working-groups/{group}/meetings",
            json!({"date": "2024-03-01", "place": "Opole", "position_ids": ["$position"]}),
        )
        .creates("working_group_meeting", "meeting"),
        patch(
            "/api/v1/working-groups/{group}/members/{group_member}",
            json!({"role": "member", "to": "2024-12-31"}),
        )
        .emits("working_group_member", "group_member", "updated"),
        patch(
            "/api/v1/working-groups/{group}/meetings/{meeting}",
            json!({"minutes": "Przyjęto uwagi.", "position_ids": []}),
        )
        .emits("working_group_meeting", "meeting", "updated"),
        delete("/api/v1/working-groups/{group}/meetings/{meeting}")
            .emits("working_group_meeting", "meeting", "deleted"),
        delete("/api/v1/working-groups/{group}/members/{group_member}")
            .emits("working_group_member", "group_member", "deleted"),
        post(
            "/api/v1/associations/{association}/working-groups",
            json!({"name": "Zespół do rozwiązania"}),
        )
        .creates("working_group", "short_group"),
        delete("/api/v1/working-groups/{short_group}")
            .emits("working_group", "short_group", "deleted"),
        // The cooperation standard: a catalogue version, an assessment's lifecycle; survey
        // codes and the anonymous answers are no objects of the feed.
        post(
            "/api/v1/cooperation-standard/versions",
            json!({"title": "Standard przejścia", "planes": [{"code": "I", "title": "Polityki publiczne",
                   "areas": [{"code": "I.1", "title": "Strategie", "tools": ["programy współpracy"],
                              "indicators": [{"code": "I.1.1", "question": "Czy jest program?"}]}]}]}),
        )
        .creates("cooperation_standard", "standard"),
        post(
            "/api/v1/cooperation-assessments",
            json!({"jst_id": "$jst", "year": 2014, "area_codes": ["I.1"]}),
        )
        .creates("cooperation_assessment", "assessment"),
        patch("/api/v1/cooperation-assessments/{assessment}", json!({"min_group_size": 1}))
            .emits("cooperation_assessment", "assessment", "updated"),
        post("/api/v1/cooperation-assessments/{assessment}/transitions", json!({"to": "collecting"}))
            .status(200)
            .emits("cooperation_assessment", "assessment", "updated"),
        post(
            "/api/v1/cooperation-assessments/{assessment}/invitations",
            json!({"group": "ngo", "count": 1}),
        )
        .keeps("survey_code", "/codes/0"),
        post(
            "/api/v1/cooperation-surveys/{survey_code}/responses",
            json!({"answers": [{"indicator_code": "I.1.1", "score": 4}]}),
        ),
        post(
            "/api/v1/cooperation-assessments",
            json!({"jst_id": "$jst", "year": 2015, "area_codes": ["I.1"]}),
        )
        .creates("cooperation_assessment", "draft_assessment"),
        delete("/api/v1/cooperation-assessments/{draft_assessment}")
            .emits("cooperation_assessment", "draft_assessment", "deleted"),
        // People, their sessions (no versioned object: nothing in the feed) and tokens.
        post(
            "/api/v1/users",
            json!({"email": "przejscie@example.org", "name": "Biuro ZGP", "role": "editor",
                   "password": PASSWORD, "associations": ["$association"]}),
        )
        .creates("user", "user"),
        patch("/api/v1/users/{user}", json!({"role": "viewer"})).emits("user", "user", "updated"),
        post(
            "/api/v1/auth/login",
            json!({"email": "przejscie@example.org", "password": PASSWORD}),
        )
        .status(200)
        .keeps("refresh", "/refresh_token"),
        post("/api/v1/auth/refresh", json!({"refresh_token": "$refresh"}))
            .status(200)
            .keeps("refreshed", "/refresh_token"),
        post("/api/v1/auth/logout", json!({"refresh_token": "$refreshed"})).status(204),
        post(
            "/api/v1/tokens",
            json!({"name": "Portal ZGP", "organization_id": "$association",
                   "scopes": ["positions:read"]}),
        )
        .keeps("token", "/api_token/id")
        .emits("api_token", "token", "created"),
        delete("/api/v1/tokens/{token}").emits("api_token", "token", "updated"),
        // Webhooks: subscriptions are versioned; a ping and a retry are deliveries only.
        post(
            "/api/v1/webhooks",
            json!({"organization_id": "$association", "url": "http://127.0.0.1:9/hook",
                   "types": ["position"]}),
        )
        .keeps("webhook", "/webhook/id")
        .emits("webhook", "webhook", "created"),
        patch("/api/v1/webhooks/{webhook}", json!({"active": false}))
            .emits("webhook", "webhook", "updated"),
        post("/api/v1/webhooks/{webhook}/ping", json!({}))
            .status(202)
            .saves("delivery"),
        post("/api/v1/webhooks/{webhook}/deliveries/{delivery}/retry", json!({})).status(202),
        delete("/api/v1/webhooks/{webhook}").emits("webhook", "webhook", "deleted"),
    ]
}

/// `"$name"` strings in a body become the saved values.
fn fill(body: &Value, saved: &HashMap<&str, Value>) -> Value {
    match body {
        Value::String(text) => match text.strip_prefix('$') {
            Some(name) => saved.get(name).cloned().unwrap_or(Value::Null),
            None => body.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, saved)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), fill(value, saved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn path_of(template: &str, saved: &HashMap<&str, Value>) -> Option<String> {
    let mut path = template.to_owned();
    for (name, value) in saved {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        path = path.replace(&format!("{{{name}}}"), &text);
    }
    (!path.contains('{')).then_some(path)
}

fn id_of(saved: &HashMap<&str, Value>, name: &str) -> i64 {
    saved.get(name).and_then(Value::as_i64).unwrap_or(-1)
}

#[actix_web::test]
async fn every_write_endpoint_adds_exactly_its_events_to_the_feed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    settle(&app).await;
    let (_, mut cursor) = read_all(&app, Some(&admin), "", None).await;
    let mut saved: HashMap<&str, Value> = HashMap::new();
    let mut failures: Vec<String> = Vec::new();
    for step in steps() {
        let Some(path) = path_of(step.path, &saved) else {
            failures.push(format!("{}: skipped, an id is missing", step.path));
            continue;
        };
        let what = format!("{} {path}", step.method);
        let mut request = app.as_admin().request(step.method.clone(), &path);
        if let Some(body) = &step.body {
            request = request.json(fill(body, &saved));
        }
        if matches!(step.method, Method::PATCH | Method::PUT | Method::DELETE) {
            request = request.if_match("*");
        }
        // Transitions and the co-signer's removal also name the version they change.
        if step.method == Method::POST && path.ends_with("/transitions") {
            request = request.if_match("*");
        }
        let response = request.send().await;
        if response.status().as_u16() != step.status {
            failures.push(format!(
                "{what}: {} instead of {}: {}",
                response.status(),
                step.status,
                response.text()
            ));
        }
        for (name, pointer) in &step.saves {
            if let Some(value) = response.json().pointer(pointer) {
                saved.insert(name, value.clone());
            }
        }
        settle(&app).await;
        let (items, next) = read_all(&app, Some(&admin), "", Some(cursor)).await;
        cursor = next;
        let mut got = summary(&items);
        let mut expected: Vec<(String, i64, String)> = step
            .events
            .iter()
            .map(|(object_type, id, action)| {
                (
                    (*object_type).to_owned(),
                    id_of(&saved, id),
                    (*action).to_owned(),
                )
            })
            .collect();
        got.sort();
        expected.sort();
        if got != expected {
            failures.push(format!("{what}: added {got:?}, expected {expected:?}"));
        }
    }
    // Every step is checked (one run names every write that goes wrong).
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `/a/{x}/b` and `/a/{y}/b` are one operation.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_walk_calls_every_write_operation_of_the_contract() {
    let document: Value = serde_json::from_str(&razem::server::document_json()).expect("JSON");
    let walked: Vec<String> = steps()
        .iter()
        .map(|step| format!("{} {}", step.method, shape(step.path)))
        .collect();
    let mut missing = Vec::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for method in ["post", "put", "patch", "delete"] {
            if operations.get(method).is_some() {
                let operation = format!("{} {}", method.to_uppercase(), shape(path));
                if !walked.contains(&operation) {
                    missing.push(operation);
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "write operations without a step in feed_walk::steps: {missing:?}"
    );
}
