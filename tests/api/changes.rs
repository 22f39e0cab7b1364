//! The change feed: every committed write, once, in commit order, as far as the caller
//! may see it.

use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use razem::db::DbConnection;
use razem::db::schema::changes;
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, read_all, settle, spawn_app, spawn_instance_of};

/// `(type, id, action)` of each item.
pub(crate) fn summary(items: &[Value]) -> Vec<(String, i64, String)> {
    items
        .iter()
        .map(|item| {
            (
                item["type"].as_str().unwrap_or_default().to_owned(),
                item["id"].as_i64().unwrap_or_default(),
                item["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn stored_events(conn: &mut DbConnection, object_type: &str, id: i64) -> Vec<(String, i64)> {
    changes::table
        .filter(changes::object_type.eq(object_type))
        .filter(changes::object_id.eq(id))
        .order(changes::id.asc())
        .select((changes::action, changes::version))
        .load(conn)
        .expect("events")
}

#[actix_web::test]
async fn creates_updates_and_deletes_appear_in_order_with_a_tombstone() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, start) = read_all(&app, Some(&admin), "", None).await;

    let created = app
        .organization(
            &admin,
            json!({"name": "Fundacja Wspólna Sprawa", "kind": "ngo"}),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/organizations/{id}");
    let patched = app
        .with_token(&admin)
        .patch(&path)
        .json(json!({"name": "Fundacja Łączy Nas"}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(patched.status(), StatusCode::OK, "{}", patched.text());
    let deleted = app
        .with_token(&admin)
        .delete(&path)
        .if_match(2)
        .send()
        .await;
    assert_eq!(
        deleted.status(),
        StatusCode::NO_CONTENT,
        "{}",
        deleted.text()
    );
    settle(&app).await;

    let (items, end) = read_all(&app, None, "&types=organization", Some(start.clone())).await;
    assert_eq!(
        summary(&items),
        vec![
            ("organization".into(), id, "created".into()),
            ("organization".into(), id, "updated".into()),
            ("organization".into(), id, "deleted".into()),
        ]
    );
    assert_eq!(items[0]["version"], 1);
    assert_eq!(items[1]["version"], 2);
    assert_eq!(
        items[2]["version"], 2,
        "a tombstone carries the last version"
    );
    assert_eq!(items[0]["url"], json!(path));
    assert_eq!(
        items[2].as_object().unwrap().len(),
        7,
        "a tombstone holds no object data: {}",
        items[2]
    );
    let seqs: Vec<i64> = items.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(items[0]["occurred_at"].as_str().unwrap().ends_with('Z'));
    app.with_conn(|conn| {
        assert_eq!(
            stored_events(conn, "organization", id),
            vec![
                ("created".into(), 1),
                ("updated".into(), 2),
                ("deleted".into(), 2)
            ]
        );
    });

    // Polling at the end: nothing new, and a cursor to poll with again.
    let again = app
        .anonymous()
        .get(format!("/api/v1/changes?cursor={end}"))
        .send()
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json()["items"], json!([]));
    assert!(again.json()["next_cursor"].is_string());

    // A rolled-back write leaves no event: a stale If-Match is 412 and writes nothing.
    let other = app
        .organization(
            &admin,
            json!({"name": "Stowarzyszenie Obok", "kind": "ngo"}),
        )
        .await;
    let other_id = other["id"].as_i64().unwrap();
    let stale = app
        .with_token(&admin)
        .patch(format!("/api/v1/organizations/{other_id}"))
        .json(json!({"name": "X"}))
        .if_match(7)
        .send()
        .await;
    stale.assert_problem(412, "precondition_failed");
    app.with_conn(|conn| {
        assert_eq!(
            stored_events(conn, "organization", other_id),
            vec![("created".into(), 1)]
        );
    });
}

#[actix_web::test]
async fn bad_parameters_are_problems() {
    let app = spawn_app().await;
    app.anonymous()
        .get("/api/v1/changes?types=martian")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/changes?limit=0")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/changes?limit=101")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/changes?cursor=garbage")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    app.anonymous()
        .get("/api/v1/changes?colour=red")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    // People and tokens are followed by administrators only.
    app.anonymous()
        .get("/api/v1/changes?types=user")
        .send()
        .await
        .assert_problem(403, "forbidden");
    let admin = app.admin().await;
    let ngo = app
        .organization(&admin, json!({"name": "Partner", "kind": "ngo"}))
        .await;
    let projects_only = app
        .api_token(&admin, ngo["id"].as_i64().unwrap(), &["projects:read"])
        .await;
    app.with_token(&projects_only)
        .get("/api/v1/changes?types=position")
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    app.with_token(&admin)
        .get("/api/v1/changes?types=user")
        .send()
        .await
        .assert_eq_status(200);
}

trait StatusCheck {
    fn assert_eq_status(&self, status: u16);
}

impl StatusCheck for crate::helpers::TestResponse {
    fn assert_eq_status(&self, status: u16) {
        assert_eq!(self.status().as_u16(), status, "{}", self.text());
    }
}

/// A draft position with its ETag, by `token`.
async fn draft_position(app: &TestApp, token: &str, association_id: i64) -> i64 {
    let created = app
        .with_token(token)
        .post("/api/v1/positions")
        .json(json!({
            "association_id": association_id,
            "kind": "position",
            "title": "Stanowisko w sprawie dochodów gmin",
            "summary": "Streszczenie.",
            "body": "Treść stanowiska.",
            "topics": ["finanse samorządowe"]
        }))
        .send()
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "{}", created.text());
    created.json()["id"].as_i64().unwrap()
}

#[actix_web::test]
async fn drafts_stay_private_until_published_and_then_appear_as_created() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let admin = app.admin().await;
    let (_, editor) = app
        .user("redakcja@opos.example.org", Role::Editor, &[opos])
        .await;
    let (_, other_editor) = app
        .user("redakcja@silesia.example.org", Role::Editor, &[slaski])
        .await;
    let (_, viewer) = app.user("czytelnik@example.org", Role::Viewer, &[]).await;
    let opos_token = app.api_token(&admin, opos, &["positions:read"]).await;
    let slaski_token = app.api_token(&admin, slaski, &["positions:read"]).await;
    settle(&app).await;
    let (_, start) = read_all(&app, Some(&admin), "", None).await;

    let published = draft_position(&app, &editor, opos).await;
    let patched = app
        .with_token(&editor)
        .patch(format!("/api/v1/positions/{published}"))
        .json(json!({"summary": "Poprawione streszczenie."}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(patched.status(), StatusCode::OK, "{}", patched.text());
    let discarded = draft_position(&app, &editor, opos).await;
    let removed = app
        .with_token(&editor)
        .delete(format!("/api/v1/positions/{discarded}"))
        .if_match(1)
        .send()
        .await;
    assert_eq!(
        removed.status(),
        StatusCode::NO_CONTENT,
        "{}",
        removed.text()
    );
    settle(&app).await;

    let outsiders: [(&str, Option<&str>); 4] = [
        ("anonymous", None),
        ("viewer", Some(&viewer)),
        ("another association's editor", Some(&other_editor)),
        ("another organization's token", Some(&slaski_token)),
    ];
    for (who, token) in outsiders {
        let (items, _) = read_all(&app, token, "&types=position", Some(start.clone())).await;
        assert_eq!(summary(&items), vec![], "{who} sees nothing of the drafts");
    }
    let insider_view = vec![
        ("position".to_owned(), published, "created".to_owned()),
        ("position".to_owned(), published, "updated".to_owned()),
        ("position".to_owned(), discarded, "created".to_owned()),
        ("position".to_owned(), discarded, "deleted".to_owned()),
    ];
    for (who, token) in [
        ("the editor", &editor),
        ("the association's token", &opos_token),
        ("an administrator", &admin),
    ] {
        let (items, _) = read_all(&app, Some(token), "&types=position", Some(start.clone())).await;
        assert_eq!(summary(&items), insider_view, "{who} sees the drafts");
    }

    // Adoption publishes: others get the position as `created`, once.
    let adopted = app
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/positions/{published}/transitions"))
                .insert_header(("Authorization", format!("Bearer {editor}")))
                .insert_header(("If-Match", "\"2\""))
                .set_json(json!({"to": "adopted", "on": "2024-03-08"})),
        )
        .await;
    assert_eq!(adopted.status(), StatusCode::OK, "{}", adopted.text());
    settle(&app).await;
    for (who, token) in outsiders {
        let (items, _) = read_all(&app, token, "&types=position", Some(start.clone())).await;
        assert_eq!(
            summary(&items),
            vec![("position".to_owned(), published, "created".to_owned())],
            "{who} sees the publication as a creation"
        );
        assert_eq!(items[0]["version"], 3);
    }
    let (items, _) = read_all(&app, Some(&editor), "&types=position", Some(start.clone())).await;
    assert_eq!(items.len(), 5);
    assert_eq!(items[4]["action"], "updated");
    app.with_conn(|conn| {
        let stored: Vec<(String, Option<String>, Option<i64>)> = changes::table
            .filter(changes::object_type.eq("position"))
            .filter(changes::object_id.eq(published))
            .order(changes::id.asc())
            .select((changes::action, changes::public_action, changes::owner_id))
            .load(conn)
            .expect("events");
        assert_eq!(
            stored,
            vec![
                ("created".into(), None, Some(opos)),
                ("updated".into(), None, Some(opos)),
                ("updated".into(), Some("created".into()), Some(opos)),
            ]
        );
    });

    // Without a type filter the outsiders' feed holds the same, and nothing of people.
    let (everything, _) = read_all(&app, None, "", Some(start.clone())).await;
    assert!(
        everything
            .iter()
            .all(|i| i["type"] != "user" && i["type"] != "api_token"),
        "{everything:?}"
    );
    assert!(
        everything
            .iter()
            .all(|i| i["id"] != json!(discarded) || i["type"] != "position")
    );
}

#[actix_web::test]
async fn concurrent_writers_and_a_poller_see_every_change_exactly_once() {
    const WRITERS: usize = 6;
    const EACH: usize = 8;
    let first = spawn_app().await;
    // Two instances on one PostgreSQL, as behind a load balancer; SQLite is one
    // instance by nature (its writers queue on one file).
    let postgres = first.database_url.starts_with("postgres");
    let second = spawn_instance_of(&first, |_| {}).await;
    let admin = first.admin().await;
    settle(&first).await;
    let (_, start) = read_all(&first, Some(&admin), "", None).await;

    let done = std::cell::Cell::new(false);
    let writers = (0..WRITERS).map(|writer| {
        let admin = admin.clone();
        let first = &first;
        let second = &second;
        async move {
            let mut ids = Vec::new();
            for n in 0..EACH {
                let body = json!({"name": format!("Organizacja {writer}-{n}"), "kind": "ngo"});
                let response = if postgres && writer % 2 == 1 {
                    second
                        .with_token(&admin)
                        .post("/api/v1/organizations")
                        .json(&body)
                        .send()
                        .await
                } else {
                    first
                        .with_token(&admin)
                        .post("/api/v1/organizations")
                        .json(&body)
                        .send()
                        .await
                };
                assert_eq!(
                    response.status(),
                    StatusCode::CREATED,
                    "{}",
                    response.text()
                );
                let id = response.json()["id"].as_i64().unwrap();
                let update = first
                    .with_token(&admin)
                    .patch(format!("/api/v1/organizations/{id}"))
                    .json(json!({"short_name": "Zmieniona"}))
                    .if_match(1)
                    .send()
                    .await;
                assert_eq!(update.status(), StatusCode::OK, "{}", update.text());
                ids.push(id);
            }
            ids
        }
    });
    let all_writers = async {
        let ids = futures_util::future::join_all(writers).await;
        done.set(true);
        ids
    };
    // The poller follows next_cursor while the writers run, through both instances.
    let poller = async {
        let mut seen: Vec<Value> = Vec::new();
        let mut cursor = start.clone();
        let expected = WRITERS * EACH * 2;
        for turn in 0..20_000_usize {
            let app_path = format!("/api/v1/changes?types=organization&limit=7&cursor={cursor}");
            let page = if turn % 2 == 1 && postgres {
                second.anonymous().get(&app_path).send().await
            } else {
                first.anonymous().get(&app_path).send().await
            };
            assert_eq!(page.status(), StatusCode::OK, "{}", page.text());
            seen.extend(page.json()["items"].as_array().unwrap().iter().cloned());
            cursor = page.json()["next_cursor"].as_str().unwrap().to_owned();
            if done.get() && seen.len() >= expected {
                break;
            }
            tokio::task::yield_now().await;
            if page.json()["items"].as_array().unwrap().is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        seen
    };
    let (ids, seen) = futures_util::future::join(all_writers, poller).await;

    let seqs: Vec<i64> = seen.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "seq increases: {seqs:?}"
    );
    let mut counts: HashMap<(i64, String), usize> = HashMap::new();
    for (_, id, action) in summary(&seen) {
        *counts.entry((id, action)).or_default() += 1;
    }
    let written: HashSet<i64> = ids.into_iter().flatten().collect();
    assert_eq!(written.len(), WRITERS * EACH);
    for id in &written {
        for action in ["created", "updated"] {
            assert_eq!(
                counts.get(&(*id, action.to_owned())),
                Some(&1),
                "organization {id} {action}: exactly once"
            );
        }
    }
    assert_eq!(
        seen.len(),
        WRITERS * EACH * 2,
        "nothing else, nothing twice"
    );
    // The stored events agree: one per write, all numbered, numbers unique.
    first.with_conn(|conn| {
        let numbered: Vec<Option<i64>> = changes::table
            .filter(changes::object_type.eq("organization"))
            .select(changes::seq)
            .load(conn)
            .expect("events");
        assert_eq!(numbered.len(), WRITERS * EACH * 2);
        let unique: HashSet<i64> = numbered.iter().map(|s| s.expect("numbered")).collect();
        assert_eq!(unique.len(), numbered.len());
    });
}

/// The case the design exists for: a transaction that wrote its event first commits
/// last. On PostgreSQL the feed holds everything after it back until it ends, then
/// hands it out before the later ones; a naive `seq > cursor` reader would have
/// skipped it. (SQLite cannot commit out of order: one writer at a time.)
#[actix_web::test]
async fn a_transaction_that_commits_late_is_not_skipped() {
    let app = spawn_app().await;
    if !app.database_url.starts_with("postgres") {
        return;
    }
    let admin = app.admin().await;
    settle(&app).await;
    let (_, start) = read_all(&app, None, "&types=organization", None).await;

    let (written, wait_for_write) = std::sync::mpsc::channel::<()>();
    let (commit, wait_for_commit) = std::sync::mpsc::channel::<()>();
    let mut held = app.db.connection().expect("a connection");
    let slow = std::thread::spawn(move || {
        held.transaction(|conn| {
            diesel::sql_query(
                "INSERT INTO changes (object_type, object_id, action, public_action, version, occurred_at) \
                 VALUES ('organization', 999999, 'created', 'created', 1, now())",
            )
            .execute(conn)?;
            written.send(()).ok();
            wait_for_commit.recv().ok();
            diesel::QueryResult::Ok(())
        })
        .expect("the slow transaction commits");
    });
    wait_for_write.recv().expect("the slow transaction wrote");

    let quick = app
        .organization(&admin, json!({"name": "Szybka", "kind": "ngo"}))
        .await;
    let quick_id = quick["id"].as_i64().unwrap();
    // The quick write has committed, but an older transaction is still running: the
    // feed does not move past it.
    let (meanwhile, cursor) = read_all(&app, None, "&types=organization", Some(start)).await;
    assert_eq!(summary(&meanwhile), vec![]);

    commit.send(()).expect("commit");
    slow.join().expect("the slow transaction");
    settle(&app).await;
    let (after, _) = read_all(&app, None, "&types=organization", Some(cursor)).await;
    assert_eq!(
        summary(&after),
        vec![
            ("organization".into(), 999999, "created".into()),
            ("organization".into(), quick_id, "created".into()),
        ],
        "the late commit comes first, nothing is skipped"
    );
}

/// The demo data set is written through the services, so through the write path:
/// every type of the feed shows up, each event numbered and with its URL.
#[actix_web::test]
async fn every_resource_type_writes_to_the_feed() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let ngo = app
        .organization(&admin, json!({"name": "Partner", "kind": "ngo"}))
        .await;
    app.api_token(&admin, ngo["id"].as_i64().unwrap(), &["positions:read"])
        .await;
    settle(&app).await;
    let (items, _) = read_all(&app, Some(&admin), "", None).await;
    let seen: HashSet<&str> = items.iter().filter_map(|i| i["type"].as_str()).collect();
    for feed_type in razem::changes::types::names() {
        assert!(
            seen.contains(feed_type),
            "no change of type {feed_type}: {seen:?}"
        );
    }
    assert!(
        items.iter().all(|i| i["url"].is_string()),
        "every event has a URL"
    );
    let stored: i64 = app.with_conn(|conn| changes::table.count().get_result(conn).unwrap());
    assert_eq!(
        items.len() as i64,
        stored,
        "an administrator sees every event"
    );
}
