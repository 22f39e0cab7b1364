//! Webhooks: subscriptions, signed deliveries to a local receiver, retries, restarts,
//! two instances, and what must not leak.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use razem::db::schema::{webhook_deliveries, webhooks};
use razem::domain::Role;
use razem::http::AppState;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Resource, TestApp, eventually, spawn_app, spawn_app_with, test_config};

/// A message the receiver got: its three signature headers and the body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

/// A webhook receiver on 127.0.0.1 answering `status`; stopped when dropped.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

impl Receiver {
    async fn start(status: u16) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(status));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("address").port();
        let (shared_got, shared_status) = (got.clone(), status.clone());
        let server = HttpServer::new(move || {
            let (got, status) = (shared_got.clone(), shared_status.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (got, status) = (got.clone(), status.clone());
                async move {
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    got.lock().unwrap().push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body: body.to_vec(),
                    });
                    HttpResponse::build(
                        StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap(),
                    )
                    .finish()
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hook"),
            got,
            status,
            handle,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// The worker of an instance on the app's database (the server runs it in the
/// background; here each round is called, so the test decides when it runs).
fn instance(app: &TestApp) -> AppState {
    let config = test_config(&app.database_url);
    let db = razem::db::Db::new(&config.pool).expect("pool");
    AppState::new(db, config)
}

/// Runs worker rounds until `done` holds (boundedly: on PostgreSQL a delivery waits
/// until its change is numbered, which other tests' transactions may delay briefly).
async fn deliver_until(state: &AppState, done: impl Fn() -> bool) {
    eventually(500, "the deliveries did not arrive", || async {
        razem::webhooks::worker::deliver_due(state)
            .await
            .expect("a round");
        done()
    })
    .await;
}

fn verify(secret: &str, message: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", message.id, message.timestamp).as_bytes());
    mac.update(&message.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    message.signature.split(' ').any(|s| s == expected)
}

async fn subscribe(app: &TestApp, token: &str, body: Value) -> Value {
    let created = app
        .with_token(token)
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "{}", created.text());
    created.into_json()
}

fn deliveries_of(app: &TestApp, webhook_id: i64) -> Vec<(String, Option<String>, i32)> {
    app.with_conn(|conn| {
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .order(webhook_deliveries::id.asc())
            .select((
                webhook_deliveries::status,
                webhook_deliveries::action,
                webhook_deliveries::attempts,
            ))
            .load(conn)
            .expect("deliveries")
    })
}

/// A receiver answering `status`, an administrator, an organization and its
/// subscription to `organization` changes with these `actions`.
struct Subscribed {
    receiver: Receiver,
    admin: String,
    ngo_id: i64,
    id: i64,
    created: Value,
}

async fn subscribed(app: &TestApp, name: &str, status: u16, actions: Value) -> Subscribed {
    let receiver = Receiver::start(status).await;
    let admin = app.admin().await;
    let ngo = app
        .organization(&admin, json!({"name": name, "kind": "ngo"}))
        .await;
    let ngo_id = ngo["id"].as_i64().unwrap();
    let mut body =
        json!({"organization_id": ngo_id, "url": receiver.url, "types": ["organization"]});
    if !actions.is_null() {
        body["actions"] = actions;
    }
    let created = subscribe(app, &admin, body).await;
    let id = created["webhook"]["id"].as_i64().unwrap();
    Subscribed {
        receiver,
        admin,
        ngo_id,
        id,
        created,
    }
}

#[actix_web::test]
async fn a_local_receiver_verifies_the_signature_of_a_real_delivery() {
    let app = spawn_app().await;
    let Subscribed {
        receiver,
        admin,
        ngo_id,
        id,
        created,
    } = subscribed(&app, "Fundacja Portal", 204, Value::Null).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let webhook = &created["webhook"];
    assert_eq!(webhook["types"], json!(["organization"]));
    assert_eq!(webhook["actions"], json!(["created", "updated", "deleted"]));
    assert_eq!(webhook["active"], true);
    let shown = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}"))
        .send()
        .await;
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(!shown.text().contains(&secret), "the secret is shown once");
    let listed = app.with_token(&admin).get("/api/v1/webhooks").send().await;
    assert_eq!(listed.json()["items"][0]["id"], id);
    assert!(!listed.text().contains(&secret));
    app.with_conn(|conn| {
        let (stored_url, stored_types): (String, String) = webhooks::table
            .find(id)
            .select((webhooks::url, webhooks::types))
            .first(conn)
            .unwrap();
        assert_eq!(stored_url, receiver.url);
        assert_eq!(stored_types, ",organization,");
    });
    assert!(app.audit_count("webhook", id) == 1);

    // A change of the organization is written to the outbox in its transaction.
    let patched = app
        .with_token(&admin)
        .patch(format!("/api/v1/organizations/{ngo_id}"))
        .json(json!({"short_name": "Portal"}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(patched.status(), StatusCode::OK, "{}", patched.text());
    assert_eq!(
        deliveries_of(&app, id),
        vec![("pending".into(), Some("updated".into()), 0)]
    );

    let worker = instance(&app);
    deliver_until(&worker, || !receiver.received().is_empty()).await;
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert!(verify(&secret, &got[0]), "the signature verifies: {got:?}");
    assert!(!verify("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &got[0]));
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["type"], "change");
    assert_eq!(body["data"]["type"], "organization");
    assert_eq!(body["data"]["id"], ngo_id);
    assert_eq!(body["data"]["action"], "updated");
    assert_eq!(body["data"]["version"], 2);
    assert_eq!(
        body["data"]["url"],
        json!(format!("/api/v1/organizations/{ngo_id}"))
    );
    assert!(body["data"]["seq"].as_i64().unwrap() > 0);
    assert_eq!(
        body["data"]["object"]["id"], ngo_id,
        "the object as it is now"
    );
    assert_eq!(body["data"]["object"]["short_name"], "Portal");
    let timestamp: i64 = got[0].timestamp.parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 300);

    let log = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}/deliveries"))
        .send()
        .await;
    assert_eq!(log.status(), StatusCode::OK, "{}", log.text());
    let entry = &log.json()["items"][0];
    assert_eq!(got[0].id, format!("msg_{}", entry["id"]));
    assert_eq!(entry["status"], "delivered");
    assert_eq!(entry["attempts"], 1);
    assert_eq!(entry["last_status_code"], 204);
    assert_eq!(entry["seq"], body["data"]["seq"]);
    assert!(entry["delivered_at"].is_string());

    // A ping checks the receiver.
    let ping = app
        .with_token(&admin)
        .post(format!("/api/v1/webhooks/{id}/ping"))
        .json(json!({}))
        .send()
        .await;
    assert_eq!(ping.status(), StatusCode::ACCEPTED, "{}", ping.text());
    assert_eq!(ping.json()["event"], "ping");
    deliver_until(&worker, || receiver.received().len() == 2).await;
    let ping_body: Value = serde_json::from_slice(&receiver.received()[1].body).unwrap();
    assert_eq!(ping_body["type"], "ping");
    assert_eq!(ping_body["data"], Value::Null);
    assert!(verify(&secret, &receiver.received()[1]));

    // Unsubscribed: nothing more is written to the outbox.
    let gone = app
        .with_token(&admin)
        .delete(format!("/api/v1/webhooks/{id}"))
        .if_match(1)
        .send()
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT, "{}", gone.text());
    app.with_token(&admin)
        .patch(format!("/api/v1/organizations/{ngo_id}"))
        .json(json!({"short_name": "Portal 2"}))
        .if_match(2)
        .send()
        .await;
    assert_eq!(deliveries_of(&app, id), vec![]);
}

/// Makes every pending delivery of `webhook_id` due now (as if its wait had passed).
fn make_due(app: &TestApp, webhook_id: i64) {
    app.with_conn(|conn| {
        diesel::update(
            webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(webhook_id)),
        )
        .set(webhook_deliveries::next_attempt_at.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)
        .unwrap();
    });
}

#[actix_web::test]
async fn a_failing_receiver_gets_retries_with_growing_delays_and_a_restart_loses_nothing() {
    let app = spawn_app().await;
    let Subscribed {
        receiver,
        admin,
        ngo_id,
        id,
        created,
    } = subscribed(&app, "Fundacja Awaria", 500, json!(["updated"])).await;
    assert_eq!(created["webhook"]["actions"], json!(["updated"]));
    app.with_token(&admin)
        .patch(format!("/api/v1/organizations/{ngo_id}"))
        .json(json!({"short_name": "A"}))
        .if_match(1)
        .send()
        .await;
    let worker = instance(&app);
    let mut waits = Vec::new();
    for attempt in 1..=4 {
        deliver_until(&worker, || receiver.received().len() == attempt).await;
        let (last, next, status, code): (
            Option<chrono::NaiveDateTime>,
            chrono::NaiveDateTime,
            String,
            Option<i32>,
        ) = app.with_conn(|conn| {
            webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(id))
                .select((
                    webhook_deliveries::last_attempt_at,
                    webhook_deliveries::next_attempt_at,
                    webhook_deliveries::status,
                    webhook_deliveries::last_status_code,
                ))
                .first(conn)
                .unwrap()
        });
        assert_eq!((status.as_str(), code), ("pending", Some(500)));
        waits.push(next - last.unwrap());
        make_due(&app, id);
    }
    assert!(
        waits.windows(2).all(|w| w[0] < w[1]),
        "each retry waits longer: {waits:?}"
    );
    assert!(waits[0] >= chrono::Duration::seconds(30));
    let ids: Vec<String> = receiver.received().iter().map(|r| r.id.clone()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "one message id: {ids:?}"
    );
    let shown = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}"))
        .send()
        .await;
    assert!(
        shown.json()["failing_since"].is_string(),
        "{}",
        shown.text()
    );

    // An instance claims the delivery and dies before sending it.
    let dying = instance(&app);
    let now = chrono::Utc::now().naive_utc();
    let claimed = dying
        .db
        .run(move |conn| {
            razem::webhooks::repo::claim(conn, now, now + chrono::Duration::seconds(60), 10)
        })
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    drop(dying);
    // The restarted one does not send it while the claim lasts …
    let restarted = instance(&app);
    razem::webhooks::worker::deliver_due(&restarted)
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 4);
    // … and does when it has run out: the receiver is back.
    receiver.status.store(200, Ordering::SeqCst);
    app.with_conn(|conn| {
        diesel::update(webhook_deliveries::table)
            .set(webhook_deliveries::locked_until.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1),
            )))
            .execute(conn)
            .unwrap();
    });
    deliver_until(&restarted, || receiver.received().len() == 5).await;
    assert_eq!(
        deliveries_of(&app, id),
        vec![("delivered".into(), Some("updated".into()), 5)]
    );
    let healthy = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}"))
        .send()
        .await;
    assert_eq!(healthy.json()["failing_since"], Value::Null);

    // Failing for three days deactivates the subscription, and says why.
    receiver.status.store(503, Ordering::SeqCst);
    app.with_conn(|conn| {
        diesel::update(webhooks::table.find(id))
            .set(webhooks::failing_since.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::days(4),
            )))
            .execute(conn)
            .unwrap();
    });
    let ping = app
        .with_token(&admin)
        .post(format!("/api/v1/webhooks/{id}/ping"))
        .json(json!({}))
        .send()
        .await;
    assert_eq!(ping.status(), StatusCode::ACCEPTED);
    deliver_until(&restarted, || receiver.received().len() == 6).await;
    let stopped = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}"))
        .send()
        .await;
    assert_eq!(stopped.json()["active"], false, "{}", stopped.text());
    assert!(
        stopped.json()["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 503")
    );
    // Its owner switches it back on.
    let version = stopped.json()["version"].as_i64().unwrap();
    let on = app
        .with_token(&admin)
        .patch(format!("/api/v1/webhooks/{id}"))
        .json(json!({"active": true}))
        .if_match(format!("\"{version}\""))
        .send()
        .await;
    assert_eq!(on.status(), StatusCode::OK, "{}", on.text());
    assert_eq!(on.json()["active"], true);
    assert_eq!(on.json()["disabled_reason"], Value::Null);
    // A failed delivery can be sent again by hand.
    let log = app
        .with_token(&admin)
        .get(format!("/api/v1/webhooks/{id}/deliveries"))
        .send()
        .await;
    let last = log.json()["items"][0]["id"].as_i64().unwrap();
    let retried = app
        .with_token(&admin)
        .post(format!("/api/v1/webhooks/{id}/deliveries/{last}/retry"))
        .json(json!({}))
        .send()
        .await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED, "{}", retried.text());
    assert_eq!(retried.json()["status"], "pending");
    app.with_token(&admin)
        .post(format!("/api/v1/webhooks/{id}/deliveries/999999/retry"))
        .json(json!({}))
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn two_instances_send_each_delivery_once() {
    const CHANGES: usize = 24;
    let app = spawn_app().await;
    let Subscribed {
        receiver,
        admin,
        id,
        ..
    } = subscribed(&app, "Fundacja Lustro", 200, json!(["created"])).await;
    for n in 0..CHANGES {
        app.organization(&admin, json!({"name": format!("Gmina {n}"), "kind": "ngo"}))
            .await;
    }
    let (first, second) = (instance(&app), instance(&app));
    eventually(500, "the deliveries did not arrive", || async {
        let (a, b) = futures_util::future::join(
            razem::webhooks::worker::deliver_due(&first),
            razem::webhooks::worker::deliver_due(&second),
        )
        .await;
        a.unwrap();
        b.unwrap();
        receiver.received().len() >= CHANGES
    })
    .await;
    let mut per_message: HashMap<String, usize> = HashMap::new();
    for message in receiver.received() {
        *per_message.entry(message.id).or_default() += 1;
    }
    assert_eq!(per_message.len(), CHANGES, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
    assert!(
        deliveries_of(&app, id)
            .iter()
            .all(|(status, _, attempts)| status == "delivered" && *attempts == 1)
    );
}

#[actix_web::test]
async fn drafts_do_not_leak_through_webhooks() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let admin = app.admin().await;
    let (_, editor) = app
        .user("redakcja@opos.example.org", Role::Editor, &[opos])
        .await;
    let url = "http://127.0.0.1:9/hook";
    let own = subscribe(
        &app,
        &admin,
        json!({"organization_id": opos, "url": url, "types": ["position"]}),
    )
    .await["webhook"]["id"]
        .as_i64()
        .unwrap();
    let others = subscribe(
        &app,
        &admin,
        json!({"organization_id": slaski, "url": url, "types": ["position"]}),
    )
    .await["webhook"]["id"]
        .as_i64()
        .unwrap();
    let created = app
        .with_token(&editor)
        .post("/api/v1/positions")
        .json(
            json!({"association_id": opos, "kind": "position", "title": "Projekt stanowiska",
                    "summary": "S.", "body": "T.", "topics": ["finanse"]}),
        )
        .send()
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "{}", created.text());
    let position = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        deliveries_of(&app, own),
        vec![("pending".into(), Some("created".into()), 0)]
    );
    assert_eq!(deliveries_of(&app, others), vec![], "nothing of a draft");
    let adopted = app
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/positions/{position}/transitions"))
                .insert_header(("Authorization", format!("Bearer {editor}")))
                .insert_header(("If-Match", "\"1\""))
                .set_json(json!({"to": "adopted", "on": "2024-03-08"})),
        )
        .await;
    assert_eq!(adopted.status(), StatusCode::OK, "{}", adopted.text());
    assert_eq!(
        deliveries_of(&app, others),
        vec![("pending".into(), Some("created".into()), 0)],
        "published: created, for others"
    );
    assert_eq!(deliveries_of(&app, own).len(), 2);
}

#[actix_web::test]
async fn urls_types_and_rights_are_checked() {
    let app = spawn_app_with(|config| config.webhook_allow_private = false).await;
    app.seed_demo();
    let admin = app.admin().await;
    let ngo_id = app.id_of("opos").await;
    let other_id = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    for url in [
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://user:pw@example.org/hook",
        "ftp://example.org/",
        "not a url",
    ] {
        let refused = app
            .with_token(&admin)
            .post("/api/v1/webhooks")
            .json(json!({"organization_id": ngo_id, "url": url, "types": ["organization"]}))
            .send()
            .await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(
            refused.error_fields(),
            vec!["url"],
            "{url}: {}",
            refused.text()
        );
    }
    for (body, field) in [
        (
            json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["user"]}),
            "types",
        ),
        (
            json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["martian"]}),
            "types",
        ),
        (
            json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": []}),
            "types",
        ),
        (
            json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["position"], "actions": ["exploded"]}),
            "actions",
        ),
        (
            json!({"organization_id": 999999, "url": "https://93.184.215.14/", "types": ["position"]}),
            "organization_id",
        ),
    ] {
        let refused = app
            .with_token(&admin)
            .post("/api/v1/webhooks")
            .json(&body)
            .send()
            .await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.error_fields(), vec![field], "{}", refused.text());
    }
    app.with_token(&admin).post("/api/v1/webhooks").json(json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["position"], "colour": "red"})).send()
    .await
    .assert_problem(422, "validation_failed");
    let publicly = app.with_token(&admin).post("/api/v1/webhooks").json(json!({"organization_id": ngo_id, "url": "https://93.184.215.14/hook", "types": ["position"]})).send()
        .await;
    assert_eq!(
        publicly.status(),
        StatusCode::CREATED,
        "{}",
        publicly.text()
    );
    let id = publicly.json()["webhook"]["id"].as_i64().unwrap();

    // Who may: admins, the organization's editors, its tokens with webhooks:manage.
    let (_, outsider) = app
        .user("obcy@example.org", Role::Editor, &[other_id])
        .await;
    let (_, viewer) = app.user("widz@example.org", Role::Viewer, &[]).await;
    let body = json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["organization"]});
    app.with_token(&outsider)
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&viewer)
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    app.with_token(&outsider)
        .get(format!("/api/v1/webhooks/{id}"))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let reads_only = app.api_token(&admin, ngo_id, &["associations:read"]).await;
    app.with_token(&reads_only)
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    let manager = app
        .api_token(&admin, ngo_id, &["webhooks:manage", "associations:read"])
        .await;
    let by_token = app
        .with_token(&manager)
        .post("/api/v1/webhooks")
        .json(&body)
        .send()
        .await;
    assert_eq!(
        by_token.status(),
        StatusCode::CREATED,
        "{}",
        by_token.text()
    );
    app.with_token(&manager).post("/api/v1/webhooks").json(json!({"organization_id": ngo_id, "url": "https://93.184.215.14/", "types": ["position"]})).send()
    .await
    .assert_problem(403, "insufficient_scope");
    app.with_token(&manager).post("/api/v1/webhooks").json(json!({"organization_id": other_id, "url": "https://93.184.215.14/", "types": ["organization"]})).send()
    .await
    .assert_problem(403, "forbidden");
    let theirs = app
        .with_token(&manager)
        .get("/api/v1/webhooks")
        .send()
        .await;
    assert_eq!(theirs.status(), StatusCode::OK);
    assert_eq!(theirs.json()["items"].as_array().unwrap().len(), 2);
    let none = app
        .with_token(&outsider)
        .get("/api/v1/webhooks")
        .send()
        .await;
    assert_eq!(none.json()["items"], json!([]));
    // PATCH needs If-Match, and re-checks the URL.
    app.with_token(&admin)
        .patch(format!("/api/v1/webhooks/{id}"))
        .json(json!({"active": false}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    let refused = app
        .with_token(&admin)
        .patch(format!("/api/v1/webhooks/{id}"))
        .json(json!({"url": "https://192.168.0.1/"}))
        .if_match(1)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    app.with_token(&admin)
        .get("/api/v1/webhooks/0")
        .send()
        .await
        .assert_problem(400, "invalid_path");
    app.with_token(&admin)
        .get("/api/v1/webhooks/424242")
        .send()
        .await
        .assert_problem(404, "not_found");
}

/// The bodies a receiver got, parsed.
fn bodies(receiver: &Receiver) -> Vec<Value> {
    receiver
        .received()
        .iter()
        .map(|message| serde_json::from_slice(&message.body).expect("a JSON body"))
        .collect()
}

/// The `data` of the one message about this change (messages sent in one round may
/// arrive in any order).
fn message(receiver: &Receiver, object_type: &str, id: i64, action: &str) -> Value {
    let found: Vec<Value> = bodies(receiver)
        .into_iter()
        .map(|body| body["data"].clone())
        .filter(|data| data["type"] == object_type && data["id"] == id && data["action"] == action)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {action} of {object_type} {id}: {found:?}"
    );
    found[0].clone()
}

#[actix_web::test]
async fn deliveries_carry_the_object_as_the_organization_may_read_it() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let admin = app.admin().await;
    let (own_receiver, others_receiver) = (Receiver::start(204).await, Receiver::start(204).await);
    let own = subscribe(
        &app,
        &admin,
        json!({"organization_id": opos, "url": own_receiver.url, "types": ["position"]}),
    )
    .await;
    subscribe(
        &app,
        &admin,
        json!({"organization_id": slaski, "url": others_receiver.url,
               "types": ["position", "practice", "organization"]}),
    )
    .await;
    let worker = instance(&app);

    // A draft: its organization's subscription gets it with the draft itself.
    let title = "Projekt stanowiska w sprawie retencji wód opadowych";
    let draft = app
        .as_editor(opos)
        .post("/api/v1/positions")
        .json(
            json!({"association_id": opos, "kind": "position", "title": title,
                     "summary": "S.", "body": "T.", "topics": ["woda"]}),
        )
        .send()
        .await
        .assert_status(201);
    let position = draft.id();
    deliver_until(&worker, || own_receiver.received().len() == 1).await;
    let got = bodies(&own_receiver);
    assert_eq!(got[0]["data"]["action"], "created");
    assert_eq!(got[0]["data"]["object"]["id"], position);
    assert_eq!(got[0]["data"]["object"]["title"], title);
    assert_eq!(got[0]["data"]["object"]["status"], "draft");
    assert!(verify(
        own["secret"].as_str().unwrap(),
        &own_receiver.received()[0]
    ));
    assert!(others_receiver.received().is_empty(), "nothing of a draft");
    // The gate of the representation itself: another organization reads nothing of it.
    let target = razem::changes::objects::Target {
        id: position,
        parent: None,
    };
    let as_slaski = razem::changes::objects::reader_of(slaski, ["position"]);
    let unseen = razem::changes::objects::current(&worker, &as_slaski, "position", target).await;
    assert_eq!(unseen.expect("read"), None);
    let as_opos = razem::changes::objects::reader_of(opos, ["position"]);
    let seen = razem::changes::objects::current(&worker, &as_opos, "position", target).await;
    assert_eq!(seen.expect("read").expect("its own draft")["title"], title);

    // Published: the others get it as created, with the published position.
    app.as_editor(opos)
        .post(format!("/api/v1/positions/{position}/transitions"))
        .if_match(draft.version())
        .json(json!({"to": "adopted", "on": "2024-03-08"}))
        .send()
        .await
        .assert_status(200);
    deliver_until(&worker, || {
        others_receiver.received().len() == 1 && own_receiver.received().len() == 2
    })
    .await;
    let got = bodies(&others_receiver);
    assert_eq!(got[0]["data"]["type"], "position");
    assert_eq!(got[0]["data"]["action"], "created");
    assert_eq!(got[0]["data"]["object"]["id"], position);
    assert_eq!(got[0]["data"]["object"]["status"], "adopted");
    assert_eq!(got[0]["data"]["object"]["version"], 2);

    // A practice, and an organization that is changed and then deleted.
    let practices = app
        .anonymous()
        .get("/api/v1/practices?limit=1")
        .send()
        .await
        .assert_status(200);
    let practice = &practices.items()[0];
    let practice_id = practice.id();
    app.as_admin()
        .patch(format!("/api/v1/practices/{practice_id}"))
        .if_match(practice["version"].as_i64().unwrap())
        .json(json!({"summary": "Zaktualizowane streszczenie praktyki."}))
        .send()
        .await
        .assert_status(200);
    let ngo = app
        .organization(
            &admin,
            json!({"name": "Fundacja Czysta Woda", "kind": "ngo"}),
        )
        .await
        .id();
    deliver_until(&worker, || others_receiver.received().len() == 3).await;
    let updated = message(&others_receiver, "practice", practice_id, "updated");
    assert_eq!(updated["object"]["id"], practice_id);
    assert_eq!(
        updated["object"]["summary"],
        "Zaktualizowane streszczenie praktyki."
    );
    let created = message(&others_receiver, "organization", ngo, "created");
    assert_eq!(created["object"]["name"], "Fundacja Czysta Woda");
    app.as_admin()
        .delete(format!("/api/v1/organizations/{ngo}"))
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    deliver_until(&worker, || others_receiver.received().len() == 4).await;
    let deleted = message(&others_receiver, "organization", ngo, "deleted");
    assert!(
        deleted.get("object").is_some_and(Value::is_null),
        "a tombstone has no object: {deleted}"
    );
    // Nothing the others got ever showed the draft.
    for body in bodies(&others_receiver) {
        assert_ne!(body["data"]["object"]["status"], "draft", "{body}");
    }
}
