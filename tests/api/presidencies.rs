//! The rotating presidency of alliances, and the demo alliance OPOS.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::{memberships, milestones, presidencies};
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::memberships::{id, members_path, world};

fn presidencies_path(alliance: &Value) -> String {
    format!(
        "/api/v1/associations/{}/presidencies",
        alliance["slug"].as_str().unwrap()
    )
}

fn stored_terms(conn: &mut razem::db::DbConnection) -> i64 {
    presidencies::table.count().get_result(conn).unwrap()
}

#[actix_web::test]
async fn presidency_terms_follow_the_rules() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let w = world(&app, &admin).await;
    let members = members_path(&w.alliance);
    for body in [
        json!({"member_id": id(&w.a), "joined_on": "2014-01-01"}),
        json!({"member_id": id(&w.b), "joined_on": "2014-01-01", "left_on": "2015-06-30"}),
    ] {
        assert_eq!(
            app.with_token(&admin)
                .post(&members)
                .json(&body)
                .send()
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let path = presidencies_path(&w.alliance);
    let add = |body: Value| {
        let (path, admin) = (path.clone(), admin.clone());
        let app = &app;
        async move { app.with_token(&admin).post(&path).json(&body).send().await }
    };

    let first =
        add(json!({"holder_id": id(&w.a), "starts_on": "2014-01-01", "ends_on": "2014-06-30"}))
            .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.json["holder"]["name"], "Alfa Związek Gmin");
    assert_eq!(first.json["alliance_id"], id(&w.alliance));
    assert_eq!(
        first.header("location"),
        Some(
            format!(
                "/api/v1/associations/{}/presidencies/{}",
                id(&w.alliance),
                first.json["id"]
            )
            .as_str()
        )
    );
    let first_id = first.json["id"].as_i64().unwrap();
    assert_eq!(app.audit_count("presidency", first_id), 1);

    // Both ends belong to the term: starting on another's last day overlaps.
    add(json!({"holder_id": id(&w.b), "starts_on": "2014-06-30", "ends_on": "2014-12-31"}))
        .await
        .assert_problem(409, "presidency_overlap");
    add(json!({"holder_id": id(&w.a), "starts_on": "2014-03-01", "ends_on": "2014-09-30"}))
        .await
        .assert_problem(409, "presidency_overlap");
    let backwards =
        add(json!({"holder_id": id(&w.b), "starts_on": "2014-12-31", "ends_on": "2014-07-01"}))
            .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json["errors"][0]["field"], "ends_on");
    assert_eq!(backwards.json["errors"][0]["code"], "invalid_date_range");
    add(json!({"holder_id": id(&w.b), "starts_on": "2014-07-01"}))
        .await
        .assert_problem(422, "validation_failed");
    // B left on 2015-06-30: it cannot preside until the end of 2015.
    for (holder, starts_on, ends_on) in [
        (id(&w.b), "2015-01-01", "2015-12-31"),
        (id(&w.b), "2013-07-01", "2013-12-31"),
        (id(&w.national), "2016-01-01", "2016-06-30"),
        (999_999, "2016-01-01", "2016-06-30"),
    ] {
        let response =
            add(json!({"holder_id": holder, "starts_on": starts_on, "ends_on": ends_on})).await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(
            response.json["errors"][0]["field"], "holder_id",
            "{}",
            response.text
        );
    }
    let second =
        add(json!({"holder_id": id(&w.b), "starts_on": "2015-01-01", "ends_on": "2015-06-30"}))
            .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    let second_id = second.json["id"].as_i64().unwrap();
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 2));

    // Only alliances have presidencies.
    app.with_token(&admin)
        .post(presidencies_path(&w.a))
        .json(
            json!({"holder_id": id(&w.gmina), "starts_on": "2015-01-01", "ends_on": "2015-06-30"}),
        )
        .send()
        .await
        .assert_problem(409, "not_an_alliance");
    let none = app.anonymous().get(presidencies_path(&w.a)).send().await;
    assert_eq!(none.json["items"], json!([]));

    // Only administrators manage them, even editors of the alliance may not.
    let (_, editor) = app
        .user(
            "biuro@porozumienie.example.org",
            Role::Editor,
            &[id(&w.alliance)],
        )
        .await;
    add_as(&app, &path, &editor)
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .patch(format!("{path}/{first_id}"))
        .json(json!({"ends_on": "2014-05-31"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .delete(format!("{path}/{first_id}"))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 2));

    // The membership a term rests on cannot be cut short or removed.
    let b_membership: i64 = app.with_conn(|conn| {
        memberships::table
            .filter(memberships::member_id.eq(id(&w.b)))
            .select(memberships::id)
            .first(conn)
            .unwrap()
    });
    let b_path = format!("{members}/{b_membership}");
    app.with_token(&admin)
        .patch(&b_path)
        .json(json!({"left_on": "2015-03-31"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "membership_needed_by_presidency");
    app.with_token(&admin)
        .delete(&b_path)
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "membership_needed_by_presidency");
    let extended = app
        .with_token(&admin)
        .patch(&b_path)
        .json(json!({"left_on": null}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(
        extended.status,
        StatusCode::OK,
        "extending is fine: {}",
        extended.text
    );

    // Listing, filters, one term.
    let list = app.anonymous().get(&path).send().await;
    let starts: Vec<&str> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["starts_on"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["2014-01-01", "2015-01-01"]);
    let reversed = app
        .anonymous()
        .get(format!("{path}?sort=-starts_on"))
        .send()
        .await;
    assert_eq!(reversed.json["items"][0]["starts_on"], "2015-01-01");
    let on = app
        .anonymous()
        .get(format!("{path}?on=2014-06-30"))
        .send()
        .await;
    assert_eq!(on.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(on.json["items"][0]["holder_id"], id(&w.a));
    let of_b = app
        .anonymous()
        .get(format!("{path}?holder_id={}", id(&w.b)))
        .send()
        .await;
    assert_eq!(of_b.json["items"][0]["id"], second_id);
    let one = app
        .anonymous()
        .get(format!("{path}/{second_id}"))
        .send()
        .await;
    assert_eq!(one.etag(), "\"1\"");

    // Corrections under If-Match, by the same rules.
    let term = format!("{path}/{first_id}");
    app.with_token(&admin)
        .patch(&term)
        .json(json!({"ends_on": "2015-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "presidency_overlap");
    app.with_token(&admin)
        .patch(&term)
        .json(json!({"ends_on": "2014-05-31"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    let fixed = app
        .with_token(&admin)
        .patch(&term)
        .json(json!({"ends_on": "2014-05-31"}))
        .if_match(1)
        .send()
        .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text);
    assert_eq!(fixed.json["ends_on"], "2014-05-31");
    assert_eq!(fixed.json["version"], 2);
    app.with_token(&admin)
        .delete(&term)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        app.with_token(&admin)
            .delete(&term)
            .if_match(2)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.with_conn(|conn| assert_eq!(stored_terms(conn), 1));

    // The term in force today, on its own and embedded in the alliance.
    app.anonymous()
        .get(format!("{path}/current"))
        .send()
        .await
        .assert_problem(404, "not_found");
    let today = chrono::Utc::now().date_naive();
    let current = add(json!({"holder_id": id(&w.a), "starts_on": today.to_string(), "ends_on": today.to_string()})).await;
    assert_eq!(current.status, StatusCode::CREATED, "{}", current.text);
    let served = app.anonymous().get(format!("{path}/current")).send().await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.json["id"], current.json["id"]);
    let alliance = app
        .anonymous()
        .get(format!("/api/v1/associations/{}", id(&w.alliance)))
        .send()
        .await;
    assert_eq!(
        alliance.json["current_presidency"]["holder"]["name"],
        "Alfa Związek Gmin"
    );
    assert_eq!(
        alliance.json["current_presidency"]["starts_on"],
        today.to_string()
    );
    assert_eq!(alliance.json["member_count"], 2);
}

async fn add_as(
    app: &crate::helpers::TestApp,
    path: &str,
    token: &str,
) -> crate::helpers::TestResponse {
    app.with_token(token)
        .post(path)
        .json(json!({"holder_id": 1, "starts_on": "2030-01-01", "ends_on": "2030-06-30"}))
        .send()
        .await
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
    assert_eq!(opos.json["member_count"], 9);
    let presidency = &opos.json["current_presidency"];
    assert!(presidency.is_object(), "{}", opos.text);
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(presidency["starts_on"].as_str().unwrap() <= today.as_str());
    assert!(presidency["ends_on"].as_str().unwrap() >= today.as_str());
    assert_eq!(presidency["holder"]["kind"], "association");
    let current = app
        .anonymous()
        .get("/api/v1/associations/opos/presidencies/current")
        .send()
        .await;
    assert_eq!(current.status, StatusCode::OK);
    assert_eq!(current.json["holder_id"], presidency["holder_id"]);

    let members = app
        .anonymous()
        .get("/api/v1/associations/opos/members?on=2013-10-29")
        .send()
        .await;
    let items = members.json["items"].as_array().unwrap();
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
    assert_eq!(before.json["items"], json!([]));

    let timeline = app
        .anonymous()
        .get("/api/v1/associations/opos/milestones")
        .send()
        .await;
    let events: Vec<(&str, &str, &str)> = timeline.json["items"]
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
    assert_eq!(timeline.json["items"][0]["end_date"], "2012-09-18");
    assert_eq!(timeline.json["items"][1]["end_date"], Value::Null);

    let terms = app
        .anonymous()
        .get("/api/v1/associations/opos/presidencies?limit=2")
        .send()
        .await;
    assert_eq!(terms.json["items"][0]["starts_on"], "2014-01-01");
    assert_eq!(terms.json["items"][0]["ends_on"], "2014-06-30");
    assert_eq!(terms.json["items"][1]["starts_on"], "2014-07-01");
    assert_ne!(
        terms.json["items"][0]["holder_id"],
        terms.json["items"][1]["holder_id"]
    );
}

#[actix_web::test]
async fn current_is_read_only_and_term_ids_are_numbers() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let patch = app
        .with_token(&admin)
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
    let kinds = &doc.json["components"]["schemas"]["OrganizationKind"]["enum"];
    assert_eq!(kinds[0], "alliance");
    assert_eq!(kinds[2], "national_association");
}
