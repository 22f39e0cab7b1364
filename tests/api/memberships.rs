//! Members of associations and alliances: kinds, dates, overlaps, on-date queries,
//! counts, and who may change them.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use razem::db::schema::memberships;
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app};

/// Organizations to play with, by name; every value is the created body.
pub struct World {
    pub alliance: Value,
    pub a: Value,
    pub b: Value,
    pub national: Value,
    pub gmina: Value,
    pub powiat: Value,
    pub ngo: Value,
}

pub async fn world(app: &TestApp, admin: &str) -> World {
    let make = |body: Value| app.organization(admin, body);
    World {
        alliance: make(
            json!({"name": "Porozumienie Testowe", "short_name": "PT", "kind": "alliance"}),
        )
        .await,
        a: make(json!({"name": "Alfa Związek Gmin", "kind": "association"})).await,
        b: make(json!({"name": "Beta Stowarzyszenie Samorządów", "kind": "association"})).await,
        national: make(json!({"name": "Związek Miast Polskich", "kind": "national_association"}))
            .await,
        gmina: make(json!({"name": "Gmina Świerklaniec", "kind": "jst", "teryt": "2413072"})).await,
        powiat: make(json!({"name": "Powiat tarnogórski", "kind": "jst", "teryt": "2413000"}))
            .await,
        ngo: make(json!({"name": "Fundacja", "kind": "ngo"})).await,
    }
}

pub fn id(value: &Value) -> i64 {
    value.id()
}

pub fn members_path(association: &Value) -> String {
    format!(
        "/api/v1/associations/{}/members",
        association["slug"].as_str().unwrap()
    )
}

fn names(response: &crate::helpers::TestResponse) -> Vec<String> {
    response.json()["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {}", response.text()))
        .iter()
        .map(|item| item["member"]["name"].as_str().unwrap().to_owned())
        .collect()
}

fn stored_count(app_conn: &mut razem::db::DbConnection, association_id: i64) -> i64 {
    memberships::table
        .filter(memberships::association_id.eq(association_id))
        .count()
        .get_result(app_conn)
        .unwrap()
}

/// The alliance's path and A's membership, created by the admin.
async fn first_member(app: &TestApp, w: &World) -> (String, TestResponse) {
    let path = members_path(&w.alliance);
    let created = app
        .as_admin()
        .post(&path)
        .json(
            json!({"member_id": id(&w.a), "joined_on": "2014-01-01", "basis": "Uchwała nr 1/2014"}),
        )
        .send()
        .await
        .assert_status(201);
    (path, created)
}

/// The alliance's path with three members: A (since 2014), B (2015–2016) and the
/// national association (since 2020).
async fn three_members(app: &TestApp, w: &World) -> String {
    let (path, _) = first_member(app, w).await;
    for body in [
        json!({"member_id": id(&w.b), "joined_on": "2015-01-01", "left_on": "2016-12-31"}),
        json!({"member_id": id(&w.national), "joined_on": "2020-01-01"}),
    ] {
        app.as_admin()
            .post(&path)
            .json(&body)
            .send()
            .await
            .assert_status(201);
    }

    path
}

#[actix_web::test]
async fn a_member_is_added_stored_audited_and_read() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let (path, created) = first_member(&app, &w).await;
    assert_eq!(
        created.header("location"),
        Some(
            format!(
                "/api/v1/associations/{}/members/{}",
                id(&w.alliance),
                created.json()["id"]
            )
            .as_str()
        )
    );
    assert_eq!(created.etag_version(), 1);
    assert_eq!(created.json()["member_id"], id(&w.a));
    assert_eq!(created.json()["member"]["name"], "Alfa Związek Gmin");
    assert_eq!(created.json()["member"]["kind"], "association");
    assert_eq!(created.json()["left_on"], Value::Null);
    assert_eq!(created.json()["basis"], "Uchwała nr 1/2014");
    let membership_id = created.id();
    let stored: (i64, i64, String) = app.with_conn(|conn| {
        memberships::table
            .find(membership_id)
            .select((
                memberships::association_id,
                memberships::member_id,
                memberships::basis.assume_not_null(),
            ))
            .first(conn)
            .unwrap()
    });
    assert_eq!(
        stored,
        (id(&w.alliance), id(&w.a), "Uchwała nr 1/2014".to_owned())
    );
    assert_eq!(app.audit_count("membership", membership_id), 1);
    let one = app
        .anonymous()
        .get(format!("{path}/{membership_id}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(one.etag_version(), 1);
    assert_eq!(one.json()["member"]["slug"], w.a["slug"]);
}

#[actix_web::test]
async fn members_are_listed_on_a_date_sorted_and_paged() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    let path = three_members(&app, &w).await;
    let all = app.anonymous().get(&path).send().await;
    assert_eq!(
        names(&all),
        [
            "Alfa Związek Gmin",
            "Beta Stowarzyszenie Samorządów",
            "Związek Miast Polskich"
        ]
    );
    let cases: [(&str, &[&str]); 8] = [
        ("on=2013-12-31", &[]),
        ("on=2014-01-01", &["Alfa Związek Gmin"]),
        (
            "on=2015-01-01",
            &["Alfa Związek Gmin", "Beta Stowarzyszenie Samorządów"],
        ),
        // left_on is the last day of membership.
        (
            "on=2016-12-31",
            &["Alfa Związek Gmin", "Beta Stowarzyszenie Samorządów"],
        ),
        ("on=2017-01-01", &["Alfa Związek Gmin"]),
        (
            "on=2024-05-01",
            &["Alfa Związek Gmin", "Związek Miast Polskich"],
        ),
        (
            "current=true",
            &["Alfa Związek Gmin", "Związek Miast Polskich"],
        ),
        ("current=false", &["Beta Stowarzyszenie Samorządów"]),
    ];
    for (query, expected) in cases {
        let response = app
            .anonymous()
            .get(format!("{path}?{query}"))
            .send()
            .await
            .assert_status(200);
        assert_eq!(names(&response), expected, "{query}");
    }
    let by_joining = app
        .anonymous()
        .get(format!("{path}?sort=-joined_on"))
        .send()
        .await;
    assert_eq!(
        names(&by_joining),
        [
            "Związek Miast Polskich",
            "Beta Stowarzyszenie Samorządów",
            "Alfa Związek Gmin"
        ]
    );
    let by_name_desc = app
        .anonymous()
        .get(format!("{path}?sort=-name"))
        .send()
        .await;
    assert_eq!(names(&by_name_desc)[0], "Związek Miast Polskich");

    // Keyset pagination walks every row once, in each sort.
    for sort in ["name", "-name", "joined_on", "-joined_on"] {
        let mut seen = Vec::new();
        let mut url = format!("{path}?limit=1&sort={sort}");
        loop {
            let page = app.anonymous().get(&url).send().await.assert_status(200);
            seen.extend(names(&page));
            match page.json()["next_cursor"].as_str() {
                Some(cursor) => url = format!("{path}?limit=1&sort={sort}&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 3, "{sort}: {seen:?}");
    }

    app.anonymous()
        .get(format!("{path}?on=2020-01-01&current=true"))
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get(format!("{path}?on=yesterday"))
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/associations/nie-ma/members")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get(format!(
            "/api/v1/associations/{}/members",
            w.gmina["slug"].as_str().unwrap()
        ))
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn member_count_counts_todays_members_of_every_association_on_a_page() {
    let app = spawn_app().await;
    let w = world(&app, &app.admin().await).await;
    three_members(&app, &w).await;
    // member_count: members today, computed for every association on a page.
    let alliance = app
        .anonymous()
        .get(format!("/api/v1/associations/{}", id(&w.alliance)))
        .send()
        .await;
    assert_eq!(alliance.json()["member_count"], 2);
    assert_eq!(alliance.json()["current_presidency"], Value::Null);
    assert_eq!(alliance.json()["name"], "Porozumienie Testowe");
    let list = app
        .anonymous()
        .get("/api/v1/associations?limit=100")
        .send()
        .await;
    let counts: Vec<(String, i64)> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["short_name"].as_str().unwrap_or("").to_owned(),
                i["member_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(counts.contains(&("PT".to_owned(), 2)), "{counts:?}");
    assert_eq!(
        counts.iter().filter(|(_, n)| *n == 0).count(),
        3,
        "{counts:?}"
    );
}

#[actix_web::test]
async fn alliances_take_associations_and_associations_take_local_governments() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let w = world(&app, &admin).await;
    let rejected = [
        (&w.alliance, &w.gmina, "invalid_member_kind"),
        (&w.alliance, &w.ngo, "invalid_member_kind"),
        (&w.alliance, &w.alliance, "self_membership"),
        (&w.a, &w.b, "invalid_member_kind"),
        (&w.a, &w.alliance, "invalid_member_kind"),
        (&w.a, &w.ngo, "invalid_member_kind"),
        (&w.a, &w.a, "self_membership"),
        (&w.national, &w.a, "invalid_member_kind"),
    ];
    for (association, member, code) in rejected {
        let response = app
            .as_admin()
            .post(members_path(association))
            .json(json!({"member_id": id(member), "joined_on": "2014-01-01"}))
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.json()["errors"][0]["field"], "member_id");
        assert_eq!(
            response.json()["errors"][0]["code"],
            code,
            "{}",
            response.text()
        );
    }
    let unknown = app
        .as_admin()
        .post(members_path(&w.a))
        .json(json!({"member_id": 999999, "joined_on": "2014-01-01"}))
        .send()
        .await;
    unknown.assert_problem(422, "validation_failed");
    assert_eq!(unknown.json()["errors"][0]["code"], "not_found");
    let missing = app
        .as_admin()
        .post(members_path(&w.a))
        .json(json!({"member_id": id(&w.gmina)}))
        .send()
        .await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.json()["errors"][0]["field"], "joined_on");
    app.with_conn(|conn| {
        let total: i64 = memberships::table.count().get_result(conn).unwrap();
        assert_eq!(total, 0, "nothing was stored");
    });

    let accepted = [
        (&w.alliance, &w.a),
        (&w.alliance, &w.national),
        (&w.a, &w.gmina),
        (&w.a, &w.powiat),
        (&w.national, &w.gmina),
    ];
    for (association, member) in accepted {
        app.as_admin()
            .post(members_path(association))
            .json(json!({"member_id": id(member), "joined_on": "2014-01-01"}))
            .send()
            .await
            .assert_status(201);
    }
    let a = app
        .anonymous()
        .get(format!(
            "/api/v1/associations/{}",
            w.a["slug"].as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(a.json()["member_count"], 2);
    // A member organization cannot be deleted while it is a member.
    let gmina = app
        .as_admin()
        .delete(format!("/api/v1/organizations/{}", id(&w.gmina)))
        .if_match(1)
        .send()
        .await;
    gmina.assert_problem(409, "still_referenced");
    // So is a member association; deleting an association takes its own memberships along.
    app.as_admin()
        .delete(format!("/api/v1/associations/{}", id(&w.national)))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "still_referenced");
    app.as_admin()
        .delete(format!("/api/v1/associations/{}", id(&w.alliance)))
        .if_match(1)
        .send()
        .await
        .assert_status(204);
    app.with_conn(|conn| assert_eq!(stored_count(conn, id(&w.alliance)), 0));
}

#[actix_web::test]
async fn memberships_of_one_organization_never_overlap_and_dates_are_in_order() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let w = world(&app, &admin).await;
    let path = members_path(&w.alliance);
    let add = |body: Value| {
        let path = path.clone();
        let app = &app;
        async move { app.as_admin().post(&path).json(&body).send().await }
    };
    let first =
        add(json!({"member_id": id(&w.a), "joined_on": "2014-01-01", "left_on": "2015-12-31"}))
            .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_id = first.id();

    // Both ends are days of membership: joining on the day of leaving overlaps.
    add(json!({"member_id": id(&w.a), "joined_on": "2015-12-31"}))
        .await
        .assert_problem(409, "membership_overlap");
    add(json!({"member_id": id(&w.a), "joined_on": "2013-01-01", "left_on": "2014-01-01"}))
        .await
        .assert_problem(409, "membership_overlap");
    add(json!({"member_id": id(&w.a), "joined_on": "2013-01-01"}))
        .await
        .assert_problem(409, "membership_overlap");
    let again = add(json!({"member_id": id(&w.a), "joined_on": "2016-01-01"})).await;
    assert_eq!(
        again.status(),
        StatusCode::CREATED,
        "back to back is fine: {}",
        again.text()
    );
    add(json!({"member_id": id(&w.a), "joined_on": "2020-01-01", "left_on": "2020-12-31"}))
        .await
        .assert_problem(409, "membership_overlap");
    let other_member = add(json!({"member_id": id(&w.b), "joined_on": "2014-01-01"})).await;
    assert_eq!(other_member.status(), StatusCode::CREATED);

    let backwards = add(
        json!({"member_id": id(&w.national), "joined_on": "2014-01-01", "left_on": "2013-12-31"}),
    )
    .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json()["errors"][0]["field"], "left_on");
    assert_eq!(backwards.json()["errors"][0]["code"], "invalid_date_range");
    let one_day = add(
        json!({"member_id": id(&w.national), "joined_on": "2014-01-01", "left_on": "2014-01-01"}),
    )
    .await;
    assert_eq!(one_day.status(), StatusCode::CREATED);
    let unknown_field =
        add(json!({"member_id": id(&w.national), "joined_on": "2015-01-01", "role": "x"})).await;
    unknown_field.assert_problem(422, "validation_failed");
    assert_eq!(unknown_field.json()["errors"][0]["code"], "unknown_field");
    app.with_conn(|conn| assert_eq!(stored_count(conn, id(&w.alliance)), 4));

    // Changes follow the same rules, under If-Match.
    let first_path = format!("{path}/{first_id}");
    app.as_admin()
        .patch(&first_path)
        .json(json!({"left_on": "2016-06-30"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_admin()
        .patch(&first_path)
        .json(json!({"left_on": "2016-06-30"}))
        .if_match(7)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .patch(&first_path)
        .json(json!({"left_on": "2016-06-30"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(409, "membership_overlap");
    let backwards = app
        .as_admin()
        .patch(&first_path)
        .json(json!({"left_on": "2013-06-30"}))
        .if_match(1)
        .send()
        .await;
    backwards.assert_problem(422, "validation_failed");
    assert_eq!(backwards.json()["errors"][0]["field"], "left_on");
    app.as_admin()
        .patch(&first_path)
        .json(json!({"member_id": id(&w.b)}))
        .if_match(1)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let left_on: Option<String> = app.with_conn(|conn| {
        memberships::table
            .find(first_id)
            .select(memberships::left_on)
            .first::<Option<chrono::NaiveDate>>(conn)
            .unwrap()
            .map(|d| d.to_string())
    });
    assert_eq!(
        left_on.as_deref(),
        Some("2015-12-31"),
        "rejected changes left no trace"
    );

    let changed = app
        .as_admin()
        .patch(&first_path)
        .json(json!({"left_on": "2015-06-30", "basis": "Uchwała nr 7/2015"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.json()["left_on"], "2015-06-30");
    assert_eq!(changed.version(), 2);
    assert_eq!(changed.etag_version(), 2);
    assert_eq!(app.audit_count("membership", first_id), 2);

    app.as_admin()
        .delete(&first_path)
        .if_match(1)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .delete(&first_path)
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    app.anonymous()
        .get(&first_path)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_conn(|conn| assert_eq!(stored_count(conn, id(&w.alliance)), 3));
    assert_eq!(app.audit_count("membership", first_id), 3);
}

#[actix_web::test]
async fn an_editor_of_one_association_cannot_touch_anothers_members() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let w = world(&app, &admin).await;
    let editor = app
        .person("biuro@alfa.example.org", Role::Editor, &[id(&w.a)])
        .await
        .token;
    let viewer = app
        .person("czytelnik@example.org", Role::Viewer, &[])
        .await
        .token;

    let own = app
        .with_token(&editor)
        .post(members_path(&w.a))
        .json(json!({"member_id": id(&w.gmina), "joined_on": "2014-01-01"}))
        .send()
        .await
        .assert_status(201);
    let own_path = format!("{}/{}", members_path(&w.a), own.json()["id"]);
    app.with_token(&editor)
        .patch(&own_path)
        .json(json!({"basis": "Uchwała Zgromadzenia"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);

    let theirs = app
        .as_admin()
        .post(members_path(&w.b))
        .json(json!({"member_id": id(&w.gmina), "joined_on": "2014-01-01"}))
        .send()
        .await;
    let theirs_id = theirs.id();
    let theirs_path = format!("{}/{theirs_id}", members_path(&w.b));
    let snapshot = || {
        app.with_conn(|conn| {
            memberships::table
                .find(theirs_id)
                .select((
                    memberships::version,
                    memberships::left_on,
                    memberships::basis,
                ))
                .first::<(i64, Option<chrono::NaiveDate>, Option<String>)>(conn)
                .unwrap()
        })
    };
    let before = snapshot();

    app.with_token(&editor)
        .post(members_path(&w.b))
        .json(json!({"member_id": id(&w.powiat), "joined_on": "2014-01-01"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .patch(&theirs_path)
        .json(json!({"left_on": "2020-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .delete(&theirs_path)
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.with_token(&editor)
        .post(members_path(&w.alliance))
        .json(json!({"member_id": id(&w.a), "joined_on": "2014-01-01"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    // B's membership is not reachable through A's path either.
    app.with_token(&editor)
        .patch(format!("{}/{theirs_id}", members_path(&w.a)))
        .json(json!({"left_on": "2020-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.with_token(&viewer)
        .patch(&theirs_path)
        .json(json!({"left_on": "2020-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.anonymous()
        .patch(&theirs_path)
        .json(json!({"left_on": "2020-01-01"}))
        .if_match(1)
        .send()
        .await
        .assert_problem(401, "authentication_required");
    assert_eq!(snapshot(), before, "B's membership is unchanged");
    app.with_conn(|conn| assert_eq!(stored_count(conn, id(&w.b)), 1));
    assert_eq!(app.audit_count("membership", theirs_id), 1);
}
