//! The timeline of an association.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::milestones;
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::memberships::{id, world};

fn path_of(association: &Value) -> String {
    format!(
        "/api/v1/associations/{}/milestones",
        association["slug"].as_str().unwrap()
    )
}

fn titles(response: &crate::helpers::TestResponse) -> Vec<String> {
    response.json["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {}", response.text))
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn milestones_are_listed_in_date_order_and_edited_by_the_associations_editors() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let w = world(&app, &admin).await;
    let (_, editor) = app
        .user("biuro@alfa.example.org", Role::Editor, &[id(&w.a)])
        .await;
    let path = path_of(&w.a);
    for (date, end_date, title) in [
        ("2013-10-29", None, "Inauguracja"),
        ("2012-09-17", Some("2012-09-18"), "Pierwsze spotkanie"),
        ("2013-05-16", Some("2013-05-17"), "Propozycja"),
        ("2013-05-16", None, "Drugie wydarzenie tego dnia"),
    ] {
        let response = app
            .post(&path, &json!({"date": date, "end_date": end_date, "title": title, "place": "Świerklaniec"}), Some(&editor))
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        assert!(
            response
                .header("location")
                .unwrap()
                .starts_with(&format!("/api/v1/associations/{}/milestones/", id(&w.a)))
        );
    }
    let list = app.get(&path, None).await;
    assert_eq!(
        titles(&list),
        [
            "Pierwsze spotkanie",
            "Propozycja",
            "Drugie wydarzenie tego dnia",
            "Inauguracja"
        ]
    );
    assert_eq!(list.json["items"][0]["end_date"], "2012-09-18");
    assert_eq!(list.json["items"][0]["place"], "Świerklaniec");
    let reversed = app.get(&format!("{path}?sort=-date"), None).await;
    assert_eq!(titles(&reversed)[0], "Inauguracja");
    let in_2013 = app
        .get(&format!("{path}?from=2013-01-01&to=2013-06-30"), None)
        .await;
    assert_eq!(
        titles(&in_2013),
        ["Propozycja", "Drugie wydarzenie tego dnia"]
    );
    let mut walked = Vec::new();
    let mut url = format!("{path}?limit=3");
    loop {
        let page = app.get(&url, None).await;
        walked.extend(titles(&page));
        match page.json["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, titles(&list));

    let backwards = app
        .post(
            &path,
            &json!({"date": "2013-05-17", "end_date": "2013-05-16", "title": "Wstecz"}),
            Some(&editor),
        )
        .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json["errors"][0]["field"], "end_date");
    assert_eq!(backwards.json["errors"][0]["code"], "invalid_date_range");
    let blank = app
        .post(
            &path,
            &json!({"date": "2013-05-17", "title": "  "}),
            Some(&editor),
        )
        .await;
    blank.assert_problem(422, "validation_failed");
    assert_eq!(blank.json["errors"][0]["field"], "title");

    let first_id = list.json["items"][0]["id"].as_i64().unwrap();
    let first = format!("{path}/{first_id}");
    let changed = app
        .patch(
            &first,
            &json!({"place": "Poznań", "end_date": null}),
            Some(&editor),
            Some("\"1\""),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.json["place"], "Poznań");
    assert_eq!(changed.json["end_date"], Value::Null);
    assert_eq!(changed.etag(), "\"2\"");
    app.patch(
        &first,
        &json!({"end_date": "2000-01-01"}),
        Some(&editor),
        Some("\"2\""),
    )
    .await
    .assert_problem(422, "validation_failed");

    // An editor of another association changes nothing here.
    let (_, outsider) = app
        .user("biuro@beta.example.org", Role::Editor, &[id(&w.b)])
        .await;
    app.post(
        &path,
        &json!({"date": "2020-01-01", "title": "Obce"}),
        Some(&outsider),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &first,
        &json!({"title": "Przejęte"}),
        Some(&outsider),
        Some("\"2\""),
    )
    .await
    .assert_problem(403, "forbidden");
    app.delete(&first, Some(&outsider), Some("\"2\""))
        .await
        .assert_problem(403, "forbidden");
    let stored: (String, String, i64) = app.with_conn(|conn| {
        milestones::table
            .find(first_id)
            .select((
                milestones::title,
                milestones::place.assume_not_null(),
                milestones::version,
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored, ("Pierwsze spotkanie".into(), "Poznań".into(), 2));
    // … nor through its own association's path.
    app.get(&format!("{}/{first_id}", path_of(&w.b)), None)
        .await
        .assert_problem(404, "not_found");

    app.delete(&first, Some(&editor), None)
        .await
        .assert_problem(428, "precondition_required");
    assert_eq!(
        app.delete(&first, Some(&editor), Some("\"2\""))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let count: i64 = app.with_conn(|conn| milestones::table.count().get_result(conn).unwrap());
    assert_eq!(count, 3);
    assert_eq!(app.audit_count("milestone", first_id), 3);
}
