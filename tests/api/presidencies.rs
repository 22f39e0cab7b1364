//! The rotating presidency of alliances, and the demo alliance OPOS.

use diesel::prelude::*;
use razem::db::schema::{memberships, milestones, presidencies};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app};
use crate::memberships::{World, id, members_path, world};

fn presidencies_path(alliance: &Value) -> String {
    format!(
        "/api/v1/associations/{}/presidencies",
        alliance["slug"].as_str().unwrap()
    )
}

fn stored_terms(conn: &mut razem::db::DbConnection) -> i64 {
    presidencies::table.count().get_result(conn).unwrap()
}

/// An alliance with members A (since 2014) and B (2014 to mid-2015), and A's first
/// term (the first half of 2014).
struct Terms {
    w: World,
    /// The alliance's presidencies.
    path: String,
    /// The alliance's members.
    members: String,
    first_id: i64,
}

async fn first_term(app: &TestApp) -> Terms {
    let w = world(app, &app.admin().await).await;
    let members = members_path(&w.alliance);
    for body in [
        json!({"member_id": id(&w.a), "joined_on": "2014-01-01"}),
        json!({"member_id": id(&w.b), "joined_on": "2014-01-01", "left_on": "2015-06-30"}),
    ] {
        app.as_admin()
            .post(&members)
            .json(&body)
            .send()
            .await
            .assert_status(201);
    }
    let path = presidencies_path(&w.alliance);
    let first = add(
        app,
        &path,
        json!({"holder_id": id(&w.a), "starts_on": "2014-01-01", "ends_on": "2014-06-30"}),
    )
    .await
    .assert_status(201);
    Terms {
        first_id: first.id(),
        w,
        path,
        members,
    }
}

/// B's term, the first half of 2015; returns its id.
async fn second_term(app: &TestApp, t: &Terms) -> i64 {
    add(
        app,
        &t.path,
        json!({"holder_id": id(&t.w.b), "starts_on": "2015-01-01", "ends_on": "2015-06-30"}),
    )
    .await
    .assert_status(201)
    .id()
}

async fn add(app: &TestApp, path: &str, body: Value) -> TestResponse {
    app.as_admin().post(path).json(body).send().await
}

#[actix_web::test]
async fn a_term_is_created_with_its_holder_and_audited() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    let first = app
        .anonymous()
        .get(format!("{}/{}", t.path, t.first_id))
        .send()
        .await
        .assert_status(200);
    assert_eq!(first.json()["holder"]["name"], "Alfa Związek Gmin");
    assert_eq!(first.json()["alliance_id"], id(&t.w.alliance));
    let created = add(
        &app,
        &t.path,
        json!({"holder_id": id(&t.w.b), "starts_on": "2015-01-01", "ends_on": "2015-06-30"}),
    )
    .await
    .assert_status(201);
    assert_eq!(
        created.json()["holder"]["name"],
        "Beta Stowarzyszenie Samorządów"
    );
    assert_eq!(created.json()["alliance_id"], id(&t.w.alliance));
    assert_eq!(
        created.header("location"),
        Some(
            format!(
                "/api/v1/associations/{}/presidencies/{}",
                id(&t.w.alliance),
                created.id()
            )
            .as_str()
        )
    );
    assert_eq!(app.audit_count("presidency", t.first_id), 1);
    assert_eq!(app.audit_count("presidency", created.id()), 1);
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 2));
}

#[actix_web::test]
async fn terms_never_overlap_and_end_after_they_start() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    let (path, b) = (&t.path, id(&t.w.b));
    // Both ends belong to the term: starting on another's last day overlaps.
    add(
        &app,
        path,
        json!({"holder_id": b, "starts_on": "2014-06-30", "ends_on": "2014-12-31"}),
    )
    .await
    .assert_problem(409, "presidency_overlap");
    add(
        &app,
        path,
        json!({"holder_id": id(&t.w.a), "starts_on": "2014-03-01", "ends_on": "2014-09-30"}),
    )
    .await
    .assert_problem(409, "presidency_overlap");
    let backwards = add(
        &app,
        path,
        json!({"holder_id": b, "starts_on": "2014-12-31", "ends_on": "2014-07-01"}),
    )
    .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json()["errors"][0]["field"], "ends_on");
    assert_eq!(backwards.json()["errors"][0]["code"], "invalid_date_range");
    add(
        &app,
        path,
        json!({"holder_id": b, "starts_on": "2014-07-01"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));
}

#[actix_web::test]
async fn the_holder_is_a_member_for_the_whole_term() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    // B left on 2015-06-30: it cannot preside until the end of 2015.
    for (holder, starts_on, ends_on) in [
        (id(&t.w.b), "2015-01-01", "2015-12-31"),
        (id(&t.w.b), "2013-07-01", "2013-12-31"),
        (id(&t.w.national), "2016-01-01", "2016-06-30"),
        (999_999, "2016-01-01", "2016-06-30"),
    ] {
        let response = add(
            &app,
            &t.path,
            json!({"holder_id": holder, "starts_on": starts_on, "ends_on": ends_on}),
        )
        .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(
            response.error_fields(),
            ["holder_id"],
            "{}",
            response.text()
        );
    }
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));
    second_term(&app, &t).await;
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 2));
}

#[actix_web::test]
async fn only_alliances_have_presidencies() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    app.as_admin()
        .post(presidencies_path(&t.w.a))
        .json(json!({"holder_id": id(&t.w.gmina), "starts_on": "2015-01-01", "ends_on": "2015-06-30"}))
        .send()
        .await
        .assert_problem(409, "not_an_alliance");
    let none = app.anonymous().get(presidencies_path(&t.w.a)).send().await;
    assert_eq!(none.json()["items"], json!([]));
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));
}

#[actix_web::test]
async fn only_administrators_manage_presidencies_not_even_the_alliances_editors() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    let editor = app.as_editor(id(&t.w.alliance));
    let term = format!("{}/{}", t.path, t.first_id);
    editor
        .post(&t.path)
        .json(json!({"holder_id": 1, "starts_on": "2030-01-01", "ends_on": "2030-06-30"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    editor
        .patch(&term)
        .json(json!({"ends_on": "2014-05-31"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    editor
        .delete(&term)
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));
    assert_eq!(app.audit_count("presidency", t.first_id), 1);
}

#[actix_web::test]
async fn the_membership_a_term_rests_on_is_neither_cut_short_nor_removed() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    second_term(&app, &t).await;
    let b_membership: i64 = app.with_conn(|conn| {
        memberships::table
            .filter(memberships::member_id.eq(id(&t.w.b)))
            .select(memberships::id)
            .first(conn)
            .unwrap()
    });
    let b_path = format!("{}/{b_membership}", t.members);
    app.as_admin()
        .patch(&b_path)
        .json(json!({"left_on": "2015-03-31"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "membership_needed_by_presidency");
    app.as_admin()
        .delete(&b_path)
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "membership_needed_by_presidency");
    let left_on: Option<chrono::NaiveDate> = app.with_conn(|conn| {
        memberships::table
            .find(b_membership)
            .select(memberships::left_on)
            .first(conn)
            .unwrap()
    });
    assert_eq!(left_on, chrono::NaiveDate::from_ymd_opt(2015, 6, 30));
    // Longer is fine.
    app.as_admin()
        .patch(&b_path)
        .json(json!({"left_on": null}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn terms_are_listed_filtered_and_read_one_by_one() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    let second_id = second_term(&app, &t).await;
    let path = &t.path;
    let list = app.anonymous().get(path).send().await;
    assert_eq!(list.item_strings("starts_on"), ["2014-01-01", "2015-01-01"]);
    let reversed = app
        .anonymous()
        .get(format!("{path}?sort=-starts_on"))
        .send()
        .await;
    assert_eq!(reversed.json()["items"][0]["starts_on"], "2015-01-01");
    let on = app
        .anonymous()
        .get(format!("{path}?on=2014-06-30"))
        .send()
        .await;
    assert_eq!(on.items().len(), 1);
    assert_eq!(on.json()["items"][0]["holder_id"], id(&t.w.a));
    let of_b = app
        .anonymous()
        .get(format!("{path}?holder_id={}", id(&t.w.b)))
        .send()
        .await;
    assert_eq!(of_b.ids(), [second_id]);
    let one = app
        .anonymous()
        .get(format!("{path}/{second_id}"))
        .send()
        .await;
    assert_eq!(one.etag_version(), 1);
}

#[actix_web::test]
async fn terms_are_corrected_under_if_match_by_the_same_rules() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    second_term(&app, &t).await;
    let term = format!("{}/{}", t.path, t.first_id);
    let admin = app.as_admin();
    admin
        .patch(&term)
        .json(json!({"ends_on": "2015-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "presidency_overlap");
    admin
        .patch(&term)
        .json(json!({"ends_on": "2014-05-31"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    let fixed = admin
        .patch(&term)
        .json(json!({"ends_on": "2014-05-31"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(fixed.json()["ends_on"], "2014-05-31");
    assert_eq!(fixed.version(), 2);
    admin
        .delete(&term)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    admin
        .delete(&term)
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));
    assert_eq!(
        app.audit_actions("presidency", t.first_id),
        ["create", "update", "delete"]
    );
}

#[actix_web::test]
async fn the_term_in_force_today_is_served_and_embedded_in_the_alliance() {
    let app = spawn_app().await;
    let t = first_term(&app).await;
    let path = &t.path;
    app.anonymous()
        .get(format!("{path}/current"))
        .send()
        .await
        .assert_problem(404, "not_found");
    let today = chrono::Utc::now().date_naive().to_string();
    let current = add(
        &app,
        path,
        json!({"holder_id": id(&t.w.a), "starts_on": today, "ends_on": today}),
    )
    .await
    .assert_status(201);
    let served = app
        .anonymous()
        .get(format!("{path}/current"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(served.id(), current.id());
    let alliance = app
        .anonymous()
        .get(format!("/api/v1/associations/{}", id(&t.w.alliance)))
        .send()
        .await;
    assert_eq!(
        alliance.json()["current_presidency"]["holder"]["name"],
        "Alfa Związek Gmin"
    );
    assert_eq!(alliance.json()["current_presidency"]["starts_on"], today);
    // B left in 2015: A is the one member today.
    assert_eq!(alliance.json()["member_count"], 1);
}

#[actix_web::test]
async fn the_demo_alliance_has_nine_members_a_timeline_and_a_presidency() {
    let app = spawn_app().await;
    app.seed_demo();
    let counts = |app_conn: &mut razem::db::DbConnection| -> (i64, i64, i64) {
        (
            memberships::table.count().get_result(app_conn).unwrap(),
            milestones::table.count().get_result(app_conn).unwrap(),
            presidencies::table.count().get_result(app_conn).unwrap(),
        )
    };
    let first = app.with_conn(counts);
    app.seed_demo();
    assert_eq!(app.with_conn(counts), first, "seeding twice adds nothing");
    assert_eq!((first.0, first.1), (9, 4));
    assert!(
        first.2 >= 26,
        "half-year terms from 2014 to today: {}",
        first.2
    );

    let opos = app
        .anonymous()
        .get("/api/v1/associations/opos")
        .send()
        .await;
    assert_eq!(opos.json()["member_count"], 9);
    let presidency = &opos.json()["current_presidency"];
    assert!(presidency.is_object(), "{}", opos.text());
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(presidency["starts_on"].as_str().unwrap() <= today.as_str());
    assert!(presidency["ends_on"].as_str().unwrap() >= today.as_str());
    assert_eq!(presidency["holder"]["kind"], "association");
    let current = app
        .anonymous()
        .get("/api/v1/associations/opos/presidencies/current")
        .send()
        .await
        .assert_status(200);
    assert_eq!(current.json()["holder_id"], presidency["holder_id"]);

    let members = app
        .anonymous()
        .get("/api/v1/associations/opos/members?on=2013-10-29")
        .send()
        .await;
    let items = members.json()["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert!(
        items
            .iter()
            .all(|m| m["basis"] == "Porozumienie podpisane w Nowej Soli 29.10.2013")
    );
    assert!(
        items
            .iter()
            .any(|m| m["member"]["name"] == "Śląski Związek Gmin i Powiatów")
    );
    let before = app
        .anonymous()
        .get("/api/v1/associations/opos/members?on=2013-10-28")
        .send()
        .await;
    assert_eq!(before.json()["items"], json!([]));

    let timeline = app
        .anonymous()
        .get("/api/v1/associations/opos/milestones")
        .send()
        .await;
    let events: Vec<(&str, &str, &str)> = timeline.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["date"].as_str().unwrap(),
                m["place"].as_str().unwrap(),
                m["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("2012-09-17", "Poznań", "Zapoczątkowanie współpracy"),
            ("2013-02-05", "Konstantynów Łódzki", "Idea połączenia sił"),
            ("2013-05-16", "Świerklaniec", "Propozycja utworzenia OPOS"),
            ("2013-10-29", "Nowa Sól", "Oficjalna inauguracja OPOS"),
        ]
    );
    assert_eq!(timeline.json()["items"][0]["end_date"], "2012-09-18");
    assert_eq!(timeline.json()["items"][1]["end_date"], Value::Null);

    let terms = app
        .anonymous()
        .get("/api/v1/associations/opos/presidencies?limit=2")
        .send()
        .await;
    assert_eq!(terms.json()["items"][0]["starts_on"], "2014-01-01");
    assert_eq!(terms.json()["items"][0]["ends_on"], "2014-06-30");
    assert_eq!(terms.json()["items"][1]["starts_on"], "2014-07-01");
    assert_ne!(
        terms.json()["items"][0]["holder_id"],
        terms.json()["items"][1]["holder_id"]
    );
}

#[actix_web::test]
async fn current_is_read_only_and_term_ids_are_numbers() {
    let app = spawn_app().await;
    app.seed_demo();
    let patch = app
        .as_admin()
        .patch("/api/v1/associations/opos/presidencies/current")
        .json(json!({}))
        .if_match(1)
        .send()
        .await;
    patch.assert_problem(405, "method_not_allowed");
    assert_eq!(patch.header("allow"), Some("GET"));
    app.anonymous()
        .get("/api/v1/associations/opos/presidencies/abc")
        .send()
        .await
        .assert_problem(400, "invalid_path");
    app.anonymous()
        .get("/api/v1/associations/opos/presidencies/999999")
        .send()
        .await
        .assert_problem(404, "not_found");
    // The contract names the wire values of enumerations and sorts.
    let doc = app.anonymous().get("/api/v1/openapi.json").send().await;
    let kinds = &doc.json()["components"]["schemas"]["OrganizationKind"]["enum"];
    assert_eq!(kinds[0], "alliance");
    assert_eq!(kinds[2], "national_association");
}
