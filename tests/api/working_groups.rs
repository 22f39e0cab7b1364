//! Working groups of associations and alliances (issue 18): CRUD with preconditions and
//! audit, members with roles and periods, meetings with the positions discussed, who may
//! write, and the OPOS USC group of the demo data.

use diesel::prelude::*;
use razem::db::schema::{working_group_meeting_positions, working_group_members, working_groups};
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, spawn_app};

/// The demo data set and OPOS's id.
async fn setup(app: &TestApp) -> i64 {
    app.seed_demo();
    app.id_of("opos").await
}

fn group_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| working_groups::table.count().get_result(conn).unwrap())
}

async fn new_group(app: &TestApp, opos: i64, name: &str) -> Value {
    app.as_editor(opos)
        .post("/api/v1/associations/opos/working-groups")
        .json(
            json!({"name": name, "mandate": "Wspólne stanowiska.", "established_on": "2015-01-01"}),
        )
        .send()
        .await
        .assert_status(201)
        .into_json()
}

#[actix_web::test]
async fn the_demo_data_has_the_opos_usc_group_with_its_members() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let groups = app
        .anonymous()
        .get("/api/v1/associations/opos/working-groups")
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        groups.item_strings("name"),
        ["Zespół branżowy OPOS ds. USC"]
    );
    assert_eq!(groups.items()[0]["association_id"], opos);
    let id = groups.items()[0].id();
    let members = app
        .anonymous()
        .get(format!("/api/v1/working-groups/{id}/members?limit=100"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(members.items().len(), 9);
    let meetings = app
        .anonymous()
        .get(format!("/api/v1/working-groups/{id}/meetings"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(meetings.items().len(), 1);
    // Loading the demo data again adds nothing.
    app.seed_demo();
    assert_eq!(group_count(&app), 1);
}

#[actix_web::test]
async fn editors_of_the_association_create_change_and_delete_a_group() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let created = new_group(&app, opos, " Zespół ds. oświaty ").await;
    let id = created.id();
    assert_eq!(
        created,
        json!({
            "id": id, "association_id": opos, "name": "Zespół ds. oświaty",
            "mandate": "Wspólne stanowiska.", "established_on": "2015-01-01", "dissolved_on": null,
            "version": 1, "created_at": created["created_at"], "updated_at": created["updated_at"]
        })
    );
    let path = format!("/api/v1/working-groups/{id}");
    assert_eq!(
        app.anonymous()
            .get(&path)
            .send()
            .await
            .assert_status(200)
            .json(),
        &created
    );
    // The name is the association's once.
    app.as_editor(opos)
        .post("/api/v1/associations/opos/working-groups")
        .json(json!({"name": "Zespół ds. oświaty"}))
        .send()
        .await
        .assert_problem(409, "already_exists");
    // Others may not write.
    let other = app.id_of("zmp").await;
    app.as_editor(other)
        .patch(&path)
        .json(json!({"dissolved_on": "2020-12-31"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"dissolved_on": "2014-12-31"}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("dissolved_on", "invalid_date_range");
    let changed = app
        .as_editor(opos)
        .patch(&path)
        .json(json!({"dissolved_on": "2020-12-31"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.json()["dissolved_on"], "2020-12-31");
    assert_eq!(changed.etag(), "\"2\"");
    app.as_editor(opos)
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_editor(opos)
        .delete(&path)
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.audit_actions("working_group", id),
        ["create", "update", "delete"]
    );
    assert_eq!(group_count(&app), 1, "the demo group stays");
}

#[actix_web::test]
async fn members_have_a_role_and_a_period_and_join_once() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let id = new_group(&app, opos, "Zespół ds. finansów").await.id();
    let silesia = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let base = format!("/api/v1/working-groups/{id}/members");
    let added = app
        .as_editor(opos)
        .post(&base)
        .json(json!({"organization_id": silesia, "role": "chair", "from": "2015-01-01"}))
        .send()
        .await
        .assert_status(201);
    let member_id = added.id();
    assert_eq!(
        added.header("location"),
        Some(format!("{base}/{member_id}").as_str())
    );
    assert_eq!(added.json()["role"], "chair");
    assert_eq!(added.json()["from"], "2015-01-01");
    assert_eq!(added.json()["to"], Value::Null);
    assert_eq!(
        added.json()["organization"]["slug"],
        "slaski-zwiazek-gmin-i-powiatow"
    );
    app.as_editor(opos)
        .post(&base)
        .json(json!({"organization_id": silesia, "role": "member"}))
        .send()
        .await
        .assert_problem(409, "already_exists");
    app.as_editor(opos)
        .post(&base)
        .json(json!({"organization_id": 999999, "role": "member"}))
        .send()
        .await
        .assert_invalid("organization_id", "not_found");
    app.as_editor(opos)
        .post(&base)
        .json(json!({"organization_id": opos, "role": "member", "from": "2016-01-01", "to": "2015-01-01"}))
        .send()
        .await
        .assert_invalid("to", "invalid_date_range");
    app.anonymous()
        .post(&base)
        .json(json!({"organization_id": opos, "role": "member"}))
        .send()
        .await
        .assert_problem(401, "authentication_required");
    let stored: Vec<(i64, String)> = app.with_conn(|conn| {
        working_group_members::table
            .filter(working_group_members::working_group_id.eq(id))
            .select((
                working_group_members::organization_id,
                working_group_members::role,
            ))
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, [(silesia, "chair".to_owned())]);
    let one = app
        .anonymous()
        .get(format!("{base}/{member_id}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(one.json(), added.json());
    // Deleting a group with members is refused; its end is recorded instead.
    app.as_editor(opos)
        .delete(format!("/api/v1/working-groups/{id}"))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "still_referenced");
}

#[actix_web::test]
async fn meetings_record_the_positions_discussed() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let id = new_group(&app, opos, "Zespół ds. wody").await.id();
    let position = app
        .anonymous()
        .get("/api/v1/positions?limit=1")
        .send()
        .await
        .assert_status(200)
        .ids()[0];
    let base = format!("/api/v1/working-groups/{id}/meetings");
    app.as_editor(opos)
        .post(&base)
        .json(json!({"date": "2016-02-10", "position_ids": [999999]}))
        .send()
        .await
        .assert_invalid("position_ids", "not_found");
    let later = app
        .as_editor(opos)
        .post(&base)
        .json(json!({
            "date": "2016-03-10", "place": " Poznań ", "agenda": "1. Projekt ustawy o zbiorowym zaopatrzeniu w wodę.",
            "minutes": "Przyjęto stanowisko.", "position_ids": [position, position]
        }))
        .send()
        .await
        .assert_status(201);
    assert_eq!(later.json()["place"], "Poznań");
    assert_eq!(later.json()["position_ids"], json!([position]));
    let earlier = app
        .as_editor(opos)
        .post(&base)
        .json(json!({"date": "2016-01-20"}))
        .send()
        .await
        .assert_status(201);
    let stored: Vec<i64> = app.with_conn(|conn| {
        working_group_meeting_positions::table
            .filter(working_group_meeting_positions::meeting_id.eq(later.id()))
            .select(working_group_meeting_positions::position_id)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, [position]);
    let list = app
        .anonymous()
        .get(format!("{base}?limit=1"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(list.ids(), [earlier.id()], "earliest first");
    let cursor = list.next_cursor().expect("a second page");
    let next = app
        .anonymous()
        .get(format!("{base}?limit=1&cursor={cursor}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(next.ids(), [later.id()]);
    assert_eq!(next.items()[0]["position_ids"], json!([position]));
    let one = app
        .anonymous()
        .get(format!("{base}/{}", later.id()))
        .send()
        .await
        .assert_status(200);
    assert_eq!(one.json(), later.json());
    assert_eq!(
        app.audit_actions("working_group_meeting", later.id()),
        ["create"]
    );
}
