//! Working groups of associations and alliances (issue 18): CRUD with preconditions and
//! audit, members with roles and periods, meetings with the positions discussed, who may
//! write, and the OPOS USC group of the demo data.

use diesel::prelude::*;
use razem::db::schema::{
    working_group_meeting_positions, working_group_meetings, working_group_members, working_groups,
};
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
    assert_eq!(changed.etag_version(), 2);
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

/// A new group of OPOS with the Silesian association as its chair from 2015.
async fn group_with_member(app: &TestApp, opos: i64, name: &str) -> (i64, Value) {
    let id = new_group(app, opos, name).await.id();
    let silesia = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    let member = app
        .as_editor(opos)
        .post(format!("/api/v1/working-groups/{id}/members"))
        .json(json!({"organization_id": silesia, "role": "chair", "from": "2015-01-01"}))
        .send()
        .await
        .assert_status(201)
        .into_json();
    (id, member)
}

type StoredMember = (
    String,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    i64,
);

fn stored_member(app: &TestApp, member_id: i64) -> Option<StoredMember> {
    app.with_conn(|conn| {
        working_group_members::table
            .find(member_id)
            .select((
                working_group_members::role,
                working_group_members::from_on,
                working_group_members::to_on,
                working_group_members::version,
            ))
            .first(conn)
            .optional()
            .unwrap()
    })
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

/// The id of the demo USC group's first member and of its meeting.
async fn demo_children(app: &TestApp) -> (i64, i64) {
    let groups = app
        .anonymous()
        .get("/api/v1/associations/opos/working-groups")
        .send()
        .await
        .assert_status(200);
    let demo = groups.items()[0].id();
    let member = app
        .anonymous()
        .get(format!("/api/v1/working-groups/{demo}/members?limit=1"))
        .send()
        .await
        .assert_status(200)
        .ids()[0];
    let meeting = app
        .anonymous()
        .get(format!("/api/v1/working-groups/{demo}/meetings?limit=1"))
        .send()
        .await
        .assert_status(200)
        .ids()[0];
    (member, meeting)
}

#[actix_web::test]
async fn a_member_s_role_and_period_change_with_if_match() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let (id, member) = group_with_member(&app, opos, "Zespół ds. kadr").await;
    let path = format!("/api/v1/working-groups/{id}/members/{}", member.id());
    let original = Some(("chair".to_owned(), Some(day("2015-01-01")), None, 1));
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"role": "member"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"to": "2014-12-31"}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("to", "invalid_date_range");
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"role": "member"}))
        .if_match(7)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        stored_member(&app, member.id()),
        original,
        "refusals change nothing"
    );
    let changed = app
        .as_editor(opos)
        .patch(&path)
        .json(json!({"role": "member", "to": "2019-12-31"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.etag_version(), 2);
    assert_eq!(
        changed.json(),
        &json!({
            "id": member.id(), "working_group_id": id, "organization_id": member["organization_id"],
            "organization": member["organization"], "role": "member",
            "from": "2015-01-01", "to": "2019-12-31", "version": 2,
            "created_at": member["created_at"], "updated_at": changed.json()["updated_at"]
        })
    );
    assert_eq!(
        stored_member(&app, member.id()),
        Some((
            "member".to_owned(),
            Some(day("2015-01-01")),
            Some(day("2019-12-31")),
            2
        ))
    );
    assert_eq!(
        app.anonymous()
            .get(&path)
            .send()
            .await
            .assert_status(200)
            .json(),
        changed.json()
    );
    // A later `from` than `to` is refused as well; clearing `from` is not.
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"from": "2020-01-01"}))
        .if_match(2)
        .send()
        .await
        .assert_invalid("to", "invalid_date_range");
    let cleared = app
        .as_admin()
        .patch(&path)
        .json(json!({"from": null}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(cleared.json()["from"], Value::Null);
    assert_eq!(
        app.audit_actions("working_group_member", member.id()),
        ["create", "update", "update"]
    );
}

#[actix_web::test]
async fn only_editors_of_the_association_change_or_remove_members_of_the_group() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let (demo_member, _) = demo_children(&app).await;
    let before_demo = stored_member(&app, demo_member);
    let (id, member) = group_with_member(&app, opos, "Zespół ds. dróg").await;
    let path = format!("/api/v1/working-groups/{id}/members/{}", member.id());
    let original = stored_member(&app, member.id());
    let other = app.id_of("zmp").await;
    app.as_editor(other)
        .patch(&path)
        .json(json!({"role": "member"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_editor(other)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    // A member of another group is not found under this one.
    let foreign = format!("/api/v1/working-groups/{id}/members/{demo_member}");
    app.as_editor(opos)
        .patch(&foreign)
        .json(json!({"role": "member"}))
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_editor(opos)
        .delete(&foreign)
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(stored_member(&app, member.id()), original);
    assert_eq!(stored_member(&app, demo_member), before_demo);
    assert_eq!(
        app.audit_actions("working_group_member", member.id()),
        ["create"]
    );
}

#[actix_web::test]
async fn a_member_is_removed_with_if_match() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let (id, member) = group_with_member(&app, opos, "Zespół ds. zdrowia").await;
    let path = format!("/api/v1/working-groups/{id}/members/{}", member.id());
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
        .assert_problem(412, "precondition_failed");
    assert!(stored_member(&app, member.id()).is_some());
    app.as_editor(opos)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    assert_eq!(stored_member(&app, member.id()), None);
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.audit_actions("working_group_member", member.id()),
        ["create", "delete"]
    );
    // Without members the group may go.
    app.as_editor(opos)
        .delete(format!("/api/v1/working-groups/{id}"))
        .if_match(1)
        .send()
        .await
        .assert_status(204);
}

/// A new group of OPOS with one meeting that discussed `position`.
async fn group_with_meeting(app: &TestApp, opos: i64, position: i64) -> (i64, Value) {
    let id = new_group(app, opos, "Zespół ds. transportu").await.id();
    let meeting = app
        .as_editor(opos)
        .post(format!("/api/v1/working-groups/{id}/meetings"))
        .json(
            json!({"date": "2016-03-10", "place": "Poznań", "minutes": "Przyjęto stanowisko.",
                     "position_ids": [position]}),
        )
        .send()
        .await
        .assert_status(201)
        .into_json();
    (id, meeting)
}

fn stored_positions(app: &TestApp, meeting_id: i64) -> Vec<i64> {
    app.with_conn(|conn| {
        working_group_meeting_positions::table
            .filter(working_group_meeting_positions::meeting_id.eq(meeting_id))
            .order(working_group_meeting_positions::position_id)
            .select(working_group_meeting_positions::position_id)
            .load(conn)
            .unwrap()
    })
}

fn stored_meeting(app: &TestApp, meeting_id: i64) -> Option<(Option<String>, Option<String>, i64)> {
    app.with_conn(|conn| {
        working_group_meetings::table
            .find(meeting_id)
            .select((
                working_group_meetings::place,
                working_group_meetings::minutes,
                working_group_meetings::version,
            ))
            .first(conn)
            .optional()
            .unwrap()
    })
}

async fn two_positions(app: &TestApp) -> (i64, i64) {
    let ids = app
        .anonymous()
        .get("/api/v1/positions?limit=2")
        .send()
        .await
        .assert_status(200)
        .ids();
    (ids[0].min(ids[1]), ids[0].max(ids[1]))
}

#[actix_web::test]
async fn a_meeting_changes_with_the_positions_discussed() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let (first, second) = two_positions(&app).await;
    let (id, meeting) = group_with_meeting(&app, opos, first).await;
    let path = format!("/api/v1/working-groups/{id}/meetings/{}", meeting.id());
    let original = Some((
        Some("Poznań".to_owned()),
        Some("Przyjęto stanowisko.".to_owned()),
        1,
    ));
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"position_ids": [second, 999999]}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("position_ids", "not_found");
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"place": "  "}))
        .if_match(1)
        .send()
        .await
        .assert_invalid("place", "blank");
    app.as_editor(opos)
        .patch(&path)
        .json(json!({"minutes": null}))
        .if_match(3)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    let other = app.id_of("zmp").await;
    app.as_editor(other)
        .patch(&path)
        .json(json!({"minutes": null}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        stored_meeting(&app, meeting.id()),
        original,
        "refusals change nothing"
    );
    assert_eq!(stored_positions(&app, meeting.id()), [first]);
    let changed = app
        .as_editor(opos)
        .patch(&path)
        .json(
            json!({"place": " Gniezno ", "minutes": null, "position_ids": [second, first, second]}),
        )
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.etag_version(), 2);
    assert_eq!(
        changed.json(),
        &json!({
            "id": meeting.id(), "working_group_id": id, "date": "2016-03-10", "place": "Gniezno",
            "agenda": null, "minutes": null, "position_ids": [first, second], "version": 2,
            "created_at": meeting["created_at"], "updated_at": changed.json()["updated_at"]
        })
    );
    assert_eq!(
        stored_meeting(&app, meeting.id()),
        Some((Some("Gniezno".to_owned()), None, 2))
    );
    assert_eq!(stored_positions(&app, meeting.id()), [first, second]);
    // The audit record keeps the positions with the columns.
    let audit = app
        .as_admin()
        .get(format!(
            "/api/v1/audit?object_type=working_group_meeting&object_id={}",
            meeting.id()
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(audit.items()[0]["action"], "update");
    assert_eq!(
        audit.items()[0]["changes"]["position_ids"],
        json!([[first], [first, second]])
    );
    // Only the positions change: a new version too; the same again writes nothing.
    let fewer = app
        .as_editor(opos)
        .patch(&path)
        .json(json!({"position_ids": []}))
        .if_match(2)
        .send()
        .await
        .assert_status(200);
    assert_eq!(fewer.json()["position_ids"], json!([]));
    assert_eq!(fewer.etag_version(), 3);
    let same = app
        .as_editor(opos)
        .patch(&path)
        .json(json!({"position_ids": []}))
        .if_match(3)
        .send()
        .await
        .assert_status(200);
    assert_eq!(same.etag_version(), 3);
    assert!(stored_positions(&app, meeting.id()).is_empty());
    assert_eq!(
        app.audit_actions("working_group_meeting", meeting.id()),
        ["create", "update", "update"]
    );
}

#[actix_web::test]
async fn a_meeting_is_deleted_with_if_match_and_its_links_go() {
    let app = spawn_app().await;
    let opos = setup(&app).await;
    let (_, demo_meeting) = demo_children(&app).await;
    let demo_positions = stored_positions(&app, demo_meeting);
    let (first, _) = two_positions(&app).await;
    let (id, meeting) = group_with_meeting(&app, opos, first).await;
    let path = format!("/api/v1/working-groups/{id}/meetings/{}", meeting.id());
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
        .assert_problem(412, "precondition_failed");
    let other = app.id_of("zmp").await;
    app.as_editor(other)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    // A meeting of another group is not found under this one.
    app.as_editor(opos)
        .delete(format!(
            "/api/v1/working-groups/{id}/meetings/{demo_meeting}"
        ))
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_editor(opos)
        .patch(format!(
            "/api/v1/working-groups/{id}/meetings/{demo_meeting}"
        ))
        .json(json!({"minutes": null}))
        .if_match("*")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert!(stored_meeting(&app, demo_meeting).is_some());
    assert_eq!(stored_positions(&app, demo_meeting), demo_positions);
    assert_eq!(stored_meeting(&app, meeting.id()).map(|m| m.2), Some(1));
    assert_eq!(stored_positions(&app, meeting.id()), [first]);
    app.as_editor(opos)
        .delete(&path)
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    assert_eq!(stored_meeting(&app, meeting.id()), None);
    assert!(stored_positions(&app, meeting.id()).is_empty());
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
    // The position discussed stays.
    app.anonymous()
        .get(format!("/api/v1/positions/{first}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        app.audit_actions("working_group_meeting", meeting.id()),
        ["create", "delete"]
    );
}
