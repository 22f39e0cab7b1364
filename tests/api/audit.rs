//! The audit log: every write leaves a record in its own transaction; admins read it.

use diesel::prelude::*;
use razem::db::schema::{audit_log, organizations};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn writes_are_audited_with_actor_request_id_and_changes() {
    let app = spawn_app().await;
    let admin_id = app.as_admin().person().await.id;
    let created = app
        .as_admin()
        .post("/api/v1/organizations")
        .header("X-Request-Id", "req-create-1")
        .json(json!({"name": "Fundacja Razem", "kind": "ngo"}))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    app.as_admin()
        .patch(format!("/api/v1/organizations/{id}"))
        .json(json!({"city_does_not_exist": 1}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.as_admin()
        .patch(format!("/api/v1/organizations/{id}"))
        .json(json!({"short_name": "FR"}))
        .if_match(1)
        .send()
        .await;

    let log = app
        .as_admin()
        .get(format!(
            "/api/v1/audit?object_type=organization&object_id={id}"
        ))
        .send()
        .await
        .assert_status(200);
    let items = log.json()["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        2,
        "create and update; the refused patch left nothing: {}",
        log.text()
    );
    assert_eq!(items[0]["action"], "update", "newest first");
    assert_eq!(items[0]["changes"], json!({"short_name": [null, "FR"]}));
    assert_eq!(items[1]["action"], "create");
    assert_eq!(items[1]["actor_user_id"], admin_id);
    assert_eq!(items[1]["request_id"], "req-create-1");
    assert_eq!(items[1]["changes"]["name"], "Fundacja Razem");

    let by_actor = app
        .as_admin()
        .get(format!("/api/v1/audit?actor={admin_id}&limit=1"))
        .send()
        .await;
    assert_eq!(by_actor.json()["items"].as_array().unwrap().len(), 1);
    let cursor = by_actor.json()["next_cursor"].as_str().unwrap();
    let next = app
        .as_admin()
        .get(format!(
            "/api/v1/audit?actor={admin_id}&limit=1&cursor={cursor}"
        ))
        .send()
        .await;
    assert_ne!(
        next.json()["items"][0]["id"],
        by_actor.json()["items"][0]["id"]
    );
    let since = app
        .as_admin()
        .get("/api/v1/audit?since=2999-01-01T00:00:00Z")
        .send()
        .await;
    assert_eq!(since.json()["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn a_rolled_back_write_leaves_no_audit_record() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.organization(
        &admin,
        json!({"name": "Gmina A", "kind": "jst", "teryt": "2413052"}),
    )
    .await;
    let before: i64 = app.with_conn(|conn| audit_log::table.count().get_result(conn).unwrap());
    // A write whose transaction fails after the row and its audit record were written.
    let fields = razem::organizations::dto::CreateOrganization {
        slug: None,
        name: "Fundacja".into(),
        short_name: None,
        kind: razem::domain::OrganizationKind::Ngo,
        legal_form: None,
        description: None,
        founded_on: None,
        address: None,
        website: None,
        email: None,
        phone: None,
        krs: None,
        nip: None,
        regon: None,
        teryt: None,
        jst_kind: None,
        population: None,
    }
    .into_fields();
    let result: Result<(), razem::error::ApiError> = app.with_conn(|conn| {
        conn.transaction(|conn| {
            razem::organizations::repo::insert(conn, &Default::default(), fields)?;
            Err(razem::error::ApiError::new(
                razem::error::Code::ConcurrentUpdate,
                "a later step of the write failed",
            ))
        })
    });
    assert!(result.is_err());
    let after: i64 = app.with_conn(|conn| audit_log::table.count().get_result(conn).unwrap());
    assert_eq!(
        before, after,
        "the audit record went with the rolled-back write"
    );
    let rows: i64 = app.with_conn(|conn| organizations::table.count().get_result(conn).unwrap());
    assert_eq!(rows, 1);
}

#[actix_web::test]
async fn only_admins_read_the_audit_log() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let editor = app
        .person("e@example.org", Role::Editor, &[opos])
        .await
        .token;
    let viewer = app.person("v@example.org", Role::Viewer, &[]).await.token;
    app.anonymous()
        .get("/api/v1/audit")
        .send()
        .await
        .assert_problem(401, "authentication_required");
    app.with_token(&viewer)
        .get("/api/v1/audit")
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .get("/api/v1/audit")
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&app.admin().await)
        .get("/api/v1/audit?since=yesterday")
        .send()
        .await
        .assert_problem(400, "invalid_query");
}
