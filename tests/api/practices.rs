//! The good-practice base (issue 15), and the editors of any kind of organization it
//! relies on: a gmina submits its own practice, an NGO office answers for itself.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::user_associations;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[actix_web::test]
async fn an_editor_may_write_for_organizations_of_any_kind() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let gmina = app
        .organization(
            &admin,
            json!({"name": "Gmina Świerklaniec", "kind": "jst", "teryt": "2413052"}),
        )
        .await;
    let ngo = app
        .organization(
            &admin,
            json!({"name": "Fundacja Wspólna Droga", "kind": "ngo"}),
        )
        .await;
    let other = app
        .organization(
            &admin,
            json!({"name": "Gmina Miasteczko Śląskie", "kind": "jst", "teryt": "2413033"}),
        )
        .await;
    let (gmina_id, ngo_id) = (gmina["id"].as_i64().unwrap(), ngo["id"].as_i64().unwrap());

    let created = app
        .post(
            "/api/v1/users",
            &json!({"email": "sekretariat@swierklaniec.example.org", "name": "Sekretariat Urzędu Gminy",
                    "role": "editor", "password": PASSWORD, "associations": [gmina_id, ngo_id]}),
            Some(&admin),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let user_id = created.json["id"].as_i64().unwrap();
    let kinds: Vec<&str> = created.json["associations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(
        kinds.contains(&"jst") && kinds.contains(&"ngo"),
        "{kinds:?}"
    );
    let mut stored: Vec<i64> = app.with_conn(|conn| {
        user_associations::table
            .filter(user_associations::user_id.eq(user_id))
            .select(user_associations::organization_id)
            .load(conn)
            .unwrap()
    });
    stored.sort_unstable();
    assert_eq!(stored, vec![gmina_id, ngo_id]);

    let login = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": "sekretariat@swierklaniec.example.org", "password": PASSWORD}),
            None,
        )
        .await;
    let editor = login.json["access_token"].as_str().unwrap().to_owned();
    let me = app.get("/api/v1/me", Some(&editor)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let mine: Vec<i64> = me.json["associations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(mine.contains(&gmina_id) && mine.contains(&ngo_id));

    // The policy decides per object from that list: the gmina's own record, yes; a
    // neighbour's, no, and it stays unchanged.
    let own = app
        .patch(
            &format!("/api/v1/organizations/{gmina_id}"),
            &json!({"population": 12500}),
            Some(&editor),
            Some("\"1\""),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert_eq!(own.json["population"], 12500);
    let other_id = other["id"].as_i64().unwrap();
    let foreign = app
        .patch(
            &format!("/api/v1/organizations/{other_id}"),
            &json!({"population": 1}),
            Some(&editor),
            Some("\"1\""),
        )
        .await;
    foreign.assert_problem(403, "forbidden");
    let unchanged = app
        .get(&format!("/api/v1/organizations/{other_id}"), None)
        .await;
    assert_eq!(unchanged.json["version"], 1);

    let unknown = app
        .post(
            "/api/v1/users",
            &json!({"email": "x@example.org", "name": "X", "role": "editor", "password": PASSWORD, "associations": [gmina_id, 999_999]}),
            Some(&admin),
        )
        .await;
    unknown.assert_problem(422, "validation_failed");
    assert_eq!(unknown.json["errors"][0]["field"], "associations");
    assert_eq!(unknown.json["errors"][0]["code"], "unknown_organization");
}
