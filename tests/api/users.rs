use diesel::prelude::*;
use razem::db::schema::{user_associations, users};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[actix_web::test]
async fn admins_manage_people() {
    let app = spawn_app().await;
    app.seed_demo();
    let slaski = app
        .anonymous()
        .get("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .send()
        .await
        .id();
    let created = app.as_admin().post("/api/v1/users").json(json!({"email": "redakcja@silesia.example.org", "name": "Biuro ŚZGiP", "role": "editor", "password": PASSWORD, "associations": [slaski]})).send()
        .await.assert_status(201);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(created.json()["associations"][0]["id"], slaski);
    assert!(
        created.json().get("password").is_none() && created.json().get("password_hash").is_none()
    );
    let hash: String = app.with_conn(|conn| {
        users::table
            .find(id)
            .select(users::password_hash)
            .first(conn)
            .unwrap()
    });
    assert!(hash.starts_with("$argon2id$"), "stored as an argon2id hash");

    let duplicate = app.as_admin().post("/api/v1/users").json(json!({"email": "REDAKCJA@silesia.example.org", "name": "X", "role": "viewer", "password": PASSWORD})).send()
        .await;
    duplicate.assert_problem(409, "email_taken");
    let short = app
        .as_admin()
        .post("/api/v1/users")
        .json(json!({"email": "x@example.org", "name": "X", "role": "viewer", "password": "short"}))
        .send()
        .await;
    short.assert_problem(422, "validation_failed");
    assert_eq!(short.error_fields(), vec!["password"]);
    let not_association = app.as_admin().post("/api/v1/users").json(json!({"email": "y@example.org", "name": "Y", "role": "editor", "password": PASSWORD, "associations": [999]})).send()
        .await;
    not_association.assert_problem(422, "validation_failed");

    let demoted = app
        .as_admin()
        .patch(format!("/api/v1/users/{id}"))
        .json(json!({"role": "viewer"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        demoted.json()["associations"],
        json!([]),
        "viewers write for no association"
    );
    let links: i64 = app.with_conn(|conn| {
        user_associations::table
            .filter(user_associations::user_id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(links, 0);

    let list = app
        .as_admin()
        .get("/api/v1/users?role=viewer")
        .send()
        .await
        .assert_status(200);
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
    let one = app
        .as_admin()
        .get(format!("/api/v1/users/{id}"))
        .send()
        .await;
    assert_eq!(one.json()["role"], "viewer");
    assert_eq!(one.etag_version(), 2);
    assert_eq!(app.audit_count("user", id), 2);
}

#[actix_web::test]
async fn people_are_admin_only() {
    let app = spawn_app().await;
    let (viewer_id, viewer) = app.user("viewer@example.org", Role::Viewer, &[]).await;
    app.with_token(&viewer)
        .get("/api/v1/users")
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .get("/api/v1/users")
        .send()
        .await
        .assert_problem(401, "authentication_required");
    let promote = app
        .with_token(&viewer)
        .patch(format!("/api/v1/users/{viewer_id}"))
        .json(json!({"role": "admin"}))
        .if_match(1)
        .send()
        .await;
    promote.assert_problem(403, "forbidden");
    let role: String = app.with_conn(|conn| {
        users::table
            .find(viewer_id)
            .select(users::role)
            .first(conn)
            .unwrap()
    });
    assert_eq!(role, "viewer");
    let create = app
        .with_token(&viewer)
        .post("/api/v1/users")
        .json(json!({"email": "z@example.org", "name": "Z", "role": "admin", "password": PASSWORD}))
        .send()
        .await;
    create.assert_problem(403, "forbidden");
    let admin = app.user("boss@example.org", Role::Admin, &[]).await.1;
    app.with_token(&admin)
        .get("/api/v1/users/999")
        .send()
        .await
        .assert_problem(404, "not_found");
    let _ = Role::Editor;
}
