use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::{user_associations, users};
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[actix_web::test]
async fn admins_manage_people() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let slaski = app
        .get("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow", None)
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let created = app
        .post(
            "/api/v1/users",
            &json!({"email": "redakcja@silesia.example.org", "name": "Biuro ŚZGiP", "role": "editor", "password": PASSWORD, "associations": [slaski]}),
            Some(&admin),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json["id"].as_i64().unwrap();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(created.json["associations"][0]["id"], slaski);
    assert!(created.json.get("password").is_none() && created.json.get("password_hash").is_none());
    let hash: String = app.with_conn(|conn| {
        users::table
            .find(id)
            .select(users::password_hash)
            .first(conn)
            .unwrap()
    });
    assert!(hash.starts_with("$argon2id$"), "stored as an argon2id hash");

    let duplicate = app
        .post("/api/v1/users", &json!({"email": "REDAKCJA@silesia.example.org", "name": "X", "role": "viewer", "password": PASSWORD}), Some(&admin))
        .await;
    duplicate.assert_problem(409, "email_taken");
    let short = app
        .post(
            "/api/v1/users",
            &json!({"email": "x@example.org", "name": "X", "role": "viewer", "password": "short"}),
            Some(&admin),
        )
        .await;
    short.assert_problem(422, "validation_failed");
    assert_eq!(short.error_fields(), vec!["password"]);
    let not_association = app
        .post("/api/v1/users", &json!({"email": "y@example.org", "name": "Y", "role": "editor", "password": PASSWORD, "associations": [999]}), Some(&admin))
        .await;
    not_association.assert_problem(422, "validation_failed");

    let demoted = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &json!({"role": "viewer"}),
            Some(&admin),
            Some("\"1\""),
        )
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.text);
    assert_eq!(
        demoted.json["associations"],
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

    let list = app.get("/api/v1/users?role=viewer", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
    let one = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(one.json["role"], "viewer");
    assert_eq!(one.etag(), "\"2\"");
    assert_eq!(app.audit_count("user", id), 2);
}

#[actix_web::test]
async fn people_are_admin_only() {
    let app = spawn_app().await;
    let (viewer_id, viewer) = app.user("viewer@example.org", Role::Viewer, &[]).await;
    app.get("/api/v1/users", Some(&viewer))
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/users", None)
        .await
        .assert_problem(401, "authentication_required");
    let promote = app
        .patch(
            &format!("/api/v1/users/{viewer_id}"),
            &json!({"role": "admin"}),
            Some(&viewer),
            Some("\"1\""),
        )
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
        .post(
            "/api/v1/users",
            &json!({"email": "z@example.org", "name": "Z", "role": "admin", "password": PASSWORD}),
            Some(&viewer),
        )
        .await;
    create.assert_problem(403, "forbidden");
    let admin = app.user("boss@example.org", Role::Admin, &[]).await.1;
    app.get("/api/v1/users/999", Some(&admin))
        .await
        .assert_problem(404, "not_found");
    let _ = Role::Editor;
}
