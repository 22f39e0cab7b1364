//! The timeline of an association.

use diesel::prelude::*;
use razem::db::schema::milestones;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::memberships::{World, id, world};

fn path_of(association: &Value) -> String {
    format!(
        "/api/v1/associations/{}/milestones",
        association["slug"].as_str().unwrap()
    )
}

/// Four milestones of association `a`, created by its editor, out of date order; returns
/// the path of its timeline and the id of the earliest one ("Pierwsze spotkanie").
async fn timeline(app: &TestApp, w: &World) -> (String, i64) {
    let path = path_of(&w.a);
    let mut earliest = 0;
    for (date, end_date, title) in [
        ("2013-10-29", None, "Inauguracja"),
        ("2012-09-17", Some("2012-09-18"), "Pierwsze spotkanie"),
        ("2013-05-16", Some("2013-05-17"), "Propozycja"),
        ("2013-05-16", None, "Drugie wydarzenie tego dnia"),
    ] {
        let created = app
            .as_editor(id(&w.a))
            .post(&path)
            .json(json!({"date": date, "end_date": end_date, "title": title, "place": "Świerklaniec"}))
            .send()
            .await
            .assert_status(201);
        assert!(
            created
                .header("location")
                .unwrap()
                .starts_with(&format!("/api/v1/associations/{}/milestones/", id(&w.a)))
        );
        if title == "Pierwsze spotkanie" {
            earliest = created.id();
        }
    }
    (path, earliest)
}

fn stored(app: &TestApp, id: i64) -> (String, String, i64) {
    app.with_conn(|conn| {
        milestones::table
            .find(id)
            .select((
                milestones::title,
                milestones::place.assume_not_null(),
                milestones::version,
            ))
            .first(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn milestones_are_listed_in_date_order_filtered_and_paged() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let (path, earliest) = timeline(&app, &w).await;

    let list = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(
        list.item_strings("title"),
        [
            "Pierwsze spotkanie",
            "Propozycja",
            "Drugie wydarzenie tego dnia",
            "Inauguracja"
        ]
    );
    assert_eq!(list.ids()[0], earliest);
    assert_eq!(list.json()["items"][0]["end_date"], "2012-09-18");
    assert_eq!(list.json()["items"][0]["place"], "Świerklaniec");

    let reversed = app
        .anonymous()
        .get(format!("{path}?sort=-date"))
        .send()
        .await;
    assert_eq!(reversed.item_strings("title")[0], "Inauguracja");

    let in_2013 = app
        .anonymous()
        .get(format!("{path}?from=2013-01-01&to=2013-06-30"))
        .send()
        .await;
    assert_eq!(
        in_2013.item_strings("title"),
        ["Propozycja", "Drugie wydarzenie tego dnia"]
    );

    let mut walked = Vec::new();
    let mut url = format!("{path}?limit=3");
    loop {
        let page = app.anonymous().get(&url).send().await;
        walked.extend(page.item_strings("title"));
        match page.next_cursor() {
            Some(cursor) => url = format!("{path}?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, list.item_strings("title"));
}

#[actix_web::test]
async fn a_milestone_needs_a_title_and_an_end_after_its_start() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let (path, _) = timeline(&app, &w).await;
    let editor = app.as_editor(id(&w.a));

    let backwards = editor
        .post(&path)
        .json(json!({"date": "2013-05-17", "end_date": "2013-05-16", "title": "Wstecz"}))
        .send()
        .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json()["errors"][0]["field"], "end_date");
    assert_eq!(backwards.json()["errors"][0]["code"], "invalid_date_range");

    let blank = editor
        .post(&path)
        .json(json!({"date": "2013-05-17", "title": "  "}))
        .send()
        .await;
    blank.assert_problem(422, "validation_failed");
    assert_eq!(blank.json()["errors"][0]["field"], "title");

    let count: i64 = app.with_conn(|conn| milestones::table.count().get_result(conn).unwrap());
    assert_eq!(count, 4);
}

#[actix_web::test]
async fn the_associations_editors_change_and_delete_its_milestones() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let (path, first_id) = timeline(&app, &w).await;
    let first = format!("{path}/{first_id}");
    let editor = app.as_editor(id(&w.a));

    let changed = editor
        .patch(&first)
        .json(json!({"place": "Poznań", "end_date": null}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.json()["place"], "Poznań");
    assert_eq!(changed.json()["end_date"], Value::Null);
    assert_eq!(changed.etag_version(), 2);
    assert_eq!(
        stored(&app, first_id),
        ("Pierwsze spotkanie".into(), "Poznań".into(), 2)
    );

    // The end date is checked against the stored start date.
    editor
        .patch(&first)
        .json(json!({"end_date": "2000-01-01"}))
        .if_match(2)
        .send()
        .await
        .assert_problem(422, "validation_failed");

    editor
        .delete(&first)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    editor
        .delete(&first)
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    let count: i64 = app.with_conn(|conn| milestones::table.count().get_result(conn).unwrap());
    assert_eq!(count, 3);
    assert_eq!(
        app.audit_actions("milestone", first_id),
        ["create", "update", "delete"]
    );
}

#[actix_web::test]
async fn editors_of_another_association_change_nothing() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let (path, first_id) = timeline(&app, &w).await;
    let first = format!("{path}/{first_id}");
    let outsider = app.as_editor(id(&w.b));

    outsider
        .post(&path)
        .json(json!({"date": "2020-01-01", "title": "Obce"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    outsider
        .patch(&first)
        .json(json!({"title": "Przejęte"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    outsider
        .delete(&first)
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        stored(&app, first_id),
        ("Pierwsze spotkanie".into(), "Świerklaniec".into(), 1)
    );
    assert_eq!(app.audit_count("milestone", first_id), 1);

    // … nor through its own association's path.
    app.anonymous()
        .get(format!("{}/{first_id}", path_of(&w.b)))
        .send()
        .await
        .assert_problem(404, "not_found");
}
