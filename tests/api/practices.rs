//! The good-practice base (issue 15), and the editors of any kind of organization it
//! relies on: a gmina submits its own practice, an NGO office answers for itself.

use diesel::prelude::*;
use razem::db::schema::{
    audit_log, practice_adoptions, practice_contacts, practices, user_associations,
};
use razem::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, spawn_app, urlencode};

fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

/// The organizations and categories most tests need.
struct World {
    /// Miasto Opole: implements the practices of most tests.
    opole: i64,
    /// Gmina Wrocław: a neighbour that adopts.
    wroclaw: i64,
    /// Miasto Kraków: far away.
    krakow: i64,
    ngo: i64,
    /// Współpraca między JST.
    category: i64,
    /// Usługi społeczne.
    other_category: i64,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let jst = |name: &str, teryt: &str| json!({"name": name, "kind": "jst", "teryt": teryt});
    let opole = id(&app
        .organization(&admin, jst("Miasto Opole", "1661011"))
        .await);
    let wroclaw = id(&app
        .organization(&admin, jst("Gmina Wrocław", "0264011"))
        .await);
    let krakow = id(&app
        .organization(&admin, jst("Miasto Kraków", "1261011"))
        .await);
    let ngo = id(&app
        .organization(
            &admin,
            json!({"name": "Fundacja Wspólna Droga", "kind": "ngo"}),
        )
        .await);
    let mut categories = Vec::new();
    for name in ["Współpraca między JST", "Usługi społeczne"] {
        let created = app
            .as_admin()
            .post("/api/v1/practice-categories")
            .json(json!({"name": name}))
            .send()
            .await
            .assert_status(201);
        categories.push(created.id());
    }
    World {
        opole,
        wroclaw,
        krakow,
        ngo,
        category: categories[0],
        other_category: categories[1],
    }
}

fn practice_body(w: &World, title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Praktyka godna popularyzowania.",
        "category_ids": [w.category],
        "implementer_id": w.opole,
        "jst_id": w.opole,
        "location": {"lat": 50.6751, "lon": 17.9213}
    })
}

/// Creates a practice as the implementer's editor and moves it to `published`.
async fn published(app: &TestApp, implementer: i64, body: Value) -> Value {
    let created = app
        .as_editor(implementer)
        .post("/api/v1/practices")
        .json(body)
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/practices/{}", created.id());
    let submitted = app
        .as_editor(implementer)
        .post(format!("{path}/transitions"))
        .if_match(created.version())
        .json(json!({"to": "submitted"}))
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .post(format!("{path}/transitions"))
        .if_match(submitted.version())
        .json(json!({"to": "published"}))
        .send()
        .await
        .assert_status(200)
        .json()
        .clone()
}

/// The ids a public list with this query finds, sorted.
async fn ids(app: &TestApp, query: &str) -> Vec<i64> {
    let mut found = app
        .anonymous()
        .get(format!("/api/v1/practices?{query}"))
        .send()
        .await
        .assert_status(200)
        .ids();
    found.sort_unstable();
    found
}

fn stored_status(app: &TestApp, id: i64) -> (String, i64) {
    app.with_conn(|conn| {
        practices::table
            .find(id)
            .select((practices::status, practices::version))
            .first(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn an_editor_may_write_for_organizations_of_any_kind() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = app
        .as_admin()
        .post("/api/v1/users")
        .json(
            json!({"email": "sekretariat@opole.example.org", "name": "Sekretariat Urzędu Miasta",
                     "role": "editor", "password": PASSWORD, "associations": [w.opole, w.ngo]}),
        )
        .send()
        .await
        .assert_status(201);
    let kinds: Vec<&str> = created.json()["associations"]
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
    let user_id = created.id();
    let mut stored: Vec<i64> = app.with_conn(|conn| {
        user_associations::table
            .filter(user_associations::user_id.eq(user_id))
            .select(user_associations::organization_id)
            .load(conn)
            .unwrap()
    });
    stored.sort_unstable();
    let mut expected = vec![w.opole, w.ngo];
    expected.sort_unstable();
    assert_eq!(stored, expected);

    let login = app
        .anonymous()
        .post("/api/v1/auth/login")
        .json(json!({"email": "sekretariat@opole.example.org", "password": PASSWORD}))
        .send()
        .await
        .assert_status(200);
    let editor = app.with_token(login.json()["access_token"].as_str().unwrap());
    let me = editor.get("/api/v1/me").send().await.assert_status(200);
    let mine: Vec<i64> = me.json()["associations"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(mine.contains(&w.opole) && mine.contains(&w.ngo));

    // The policy decides per object from that list: the city's own record, yes; a
    // neighbour's, no, and it stays unchanged.
    let own = editor
        .patch(format!("/api/v1/organizations/{}", w.opole))
        .if_match(1)
        .json(json!({"population": 127000}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(own.json()["population"], 127000);
    editor
        .patch(format!("/api/v1/organizations/{}", w.wroclaw))
        .if_match(1)
        .json(json!({"population": 1}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let unchanged = app
        .anonymous()
        .get(format!("/api/v1/organizations/{}", w.wroclaw))
        .send()
        .await;
    assert_eq!(unchanged.json()["version"], 1);

    // And it writes the city's practices.
    editor
        .post("/api/v1/practices")
        .json(practice_body(&w, "Wspólny transport gmin"))
        .send()
        .await
        .assert_status(201);

    let unknown = app
        .as_admin()
        .post("/api/v1/users")
        .json(json!({"email": "x@example.org", "name": "X", "role": "editor", "password": PASSWORD, "associations": [w.opole, 999_999]}))
        .send()
        .await;
    unknown.assert_invalid("associations", "unknown_organization");
}

#[actix_web::test]
async fn the_demo_practice_of_seed_001_is_found_by_q_category_and_on_the_map() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo(); // idempotent
    let categories = app
        .anonymous()
        .get("/api/v1/practice-categories")
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        categories.item_strings("name"),
        vec![
            "Usługi społeczne",
            "Usługi techniczne",
            "Rozwój instytucjonalny",
            "Efektywność energetyczna",
            "Współpraca JST-NGO",
            "Współpraca między JST",
            "Dialog społeczny"
        ]
    );
    let found = app
        .anonymous()
        .get("/api/v1/practices?q=OPOLSKA")
        .send()
        .await
        .assert_status(200);
    assert_eq!(found.items().len(), 1, "{}", found.text());
    let opole = &found.items()[0];
    assert_eq!(opole["title"], "Aglomeracja Opolska");
    assert_eq!(opole["entered_on"], "2014-12-06");
    assert_eq!(opole["reviewed_on"], "2016-11-29");
    assert_eq!(opole["unit_kind"], "miasto_na_prawach_powiatu");
    assert_eq!(opole["teryt"], "1661011");
    assert_eq!(
        opole["population"],
        Value::Null,
        "the seed's 0 means unknown"
    );
    assert_eq!(opole["address"]["street"], "ul. Horoszkiewicza 6");
    assert_eq!(
        opole["address"]["postal_code"],
        Value::Null,
        "41-301 is no Opole code"
    );
    assert_eq!(opole["address"]["voivodeship"], "opolskie");
    assert_eq!(
        opole["implementer"]["name"],
        "Stowarzyszenie Aglomeracja Opolska"
    );
    assert_eq!(opole["categories"][0]["slug"], "wspolpraca-miedzy-jst");
    assert_eq!(opole["status"], "published");
    assert_eq!(
        opole["contacts"],
        json!([{"name": "Biuro Stowarzyszenia Aglomeracja Opolska", "role": "Dyrektor Biura Stowarzyszenia",
                "email": null, "phone": "77 5417930", "public": true}]),
        "the office and the role, no personal e-mail"
    );
    assert!(
        opole["summary"]
            .as_str()
            .unwrap()
            .ends_with("możliwe jest zwołanie zespołów operacyjnych.")
    );
    let category_id = opole["category_ids"][0].as_i64().unwrap();
    for category in ["wspolpraca-miedzy-jst".to_owned(), category_id.to_string()] {
        let by_category = app
            .anonymous()
            .get(format!("/api/v1/practices?category={category}"))
            .send()
            .await
            .assert_status(200);
        assert_eq!(
            by_category.item_strings("title"),
            vec!["Aglomeracja Opolska"]
        );
    }
    let map = app
        .anonymous()
        .get("/api/v1/practices/map")
        .send()
        .await
        .assert_status(200);
    let features = map.json()["features"].as_array().unwrap();
    let marker = features
        .iter()
        .find(|f| f["properties"]["title"] == "Aglomeracja Opolska")
        .expect("Opole on the map");
    assert_eq!(marker["geometry"]["coordinates"], json!([17.9213, 50.6751]));
    // The demo practice still under review is nobody's business but its editors'.
    let titles: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    let all = app
        .anonymous()
        .get("/api/v1/practices?limit=100")
        .send()
        .await;
    assert_eq!(all.items().len(), 6);
    let stored: i64 = app.with_conn(|conn| practices::table.count().get_result(conn).unwrap());
    assert_eq!(stored, 7, "one of them submitted, not published");
    let emails: i64 = app.with_conn(|conn| {
        practice_contacts::table
            .filter(practice_contacts::email.is_not_null())
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(emails, 0, "demo contacts are offices and roles");
}

#[actix_web::test]
async fn drafts_are_seen_only_by_the_implementers_editors_and_admins_and_only_admins_publish() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(json!({"title": "Wspólne zakupy energii", "implementer_id": w.opole, "jst_id": w.opole}))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    let path = format!("/api/v1/practices/{id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.json()["status"], "draft");
    assert_eq!(created.json()["teryt"], "1661011", "taken from the JST");
    assert_eq!(created.json()["unit_kind"], "miasto_na_prawach_powiatu");
    assert_eq!(created.json()["address"]["voivodeship"], "opolskie");
    assert_eq!(created.json()["adoption_count"], 0);

    for caller in [app.anonymous(), app.as_editor(w.wroclaw), app.as_viewer()] {
        caller
            .get(&path)
            .send()
            .await
            .assert_problem(404, "not_found");
        let list = caller
            .get("/api/v1/practices")
            .send()
            .await
            .assert_status(200);
        assert!(list.items().is_empty(), "{}", list.text());
    }
    app.as_editor(w.opole)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    let admin_list = app
        .as_admin()
        .get("/api/v1/practices?status=draft")
        .send()
        .await;
    assert_eq!(admin_list.ids(), vec![id]);

    // Another editor may not write it; a token is not a person.
    app.as_editor(w.wroclaw)
        .post("/api/v1/practices")
        .json(json!({"title": "Cudza", "implementer_id": w.opole}))
        .send()
        .await
        .assert_problem(403, "forbidden");

    let incomplete = app
        .as_editor(w.opole)
        .post(format!("{path}/transitions"))
        .if_match(1)
        .json(json!({"to": "submitted"}))
        .send()
        .await;
    incomplete.assert_problem(422, "validation_failed");
    assert_eq!(incomplete.error_fields(), vec!["summary", "category_ids"]);
    app.as_editor(w.opole)
        .patch(&path)
        .if_match(1)
        .json(json!({"summary": "Gminy kupują energię razem.", "category_ids": [w.category]}))
        .send()
        .await
        .assert_status(200);
    let submitted = app
        .as_editor(w.opole)
        .post(format!("{path}/transitions"))
        .if_match(2)
        .json(json!({"to": "submitted", "note": "Do recenzji."}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(submitted.json()["status"], "submitted");
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");

    app.as_editor(w.opole)
        .post(format!("{path}/transitions"))
        .if_match(3)
        .json(json!({"to": "published"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(stored_status(&app, id), ("submitted".to_owned(), 3));

    let published = app
        .as_admin()
        .post(format!("{path}/transitions"))
        .if_match(3)
        .json(json!({"to": "published"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(published.json()["status"], "published");
    assert!(
        published.json()["entered_on"].is_string(),
        "entered on publication"
    );
    assert_eq!(published.etag(), "\"4\"");
    let public = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(public.json()["title"], "Wspólne zakupy energii");

    app.as_admin()
        .post(format!("{path}/transitions"))
        .if_match(4)
        .json(json!({"to": "draft"}))
        .send()
        .await
        .assert_problem(409, "illegal_transition");
    app.as_editor(w.opole)
        .post(format!("{path}/transitions"))
        .if_match(4)
        .json(json!({"to": "submitted", "note": "Nowe dane do recenzji."}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(stored_status(&app, id), ("submitted".to_owned(), 5));

    let history = app
        .as_editor(w.opole)
        .get(format!("{path}/history"))
        .send()
        .await
        .assert_status(200);
    let moves: Vec<(Value, Value)> = history
        .items()
        .iter()
        .map(|m| (m["from"].clone(), m["to"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, json!("draft")),
            (json!("draft"), json!("submitted")),
            (json!("submitted"), json!("published")),
            (json!("published"), json!("submitted")),
        ]
    );
    assert_eq!(history.items()[1]["note"], "Do recenzji.");
    assert_eq!(
        app.audit_actions("practice", id),
        vec!["create", "update", "transition", "transition", "transition"]
    );
}

#[actix_web::test]
async fn changes_need_a_current_if_match() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Wspólny transport"))
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/practices/{}", created.id());
    let editor = app.as_editor(w.opole);
    editor
        .patch(&path)
        .json(json!({"title": "Bez If-Match"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    editor
        .patch(&path)
        .if_match(1)
        .json(json!({"title": "Pierwsza zmiana"}))
        .send()
        .await
        .assert_status(200);
    editor
        .patch(&path)
        .if_match(1)
        .json(json!({"title": "Zmiana na starej wersji"}))
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    editor
        .post(format!("{path}/transitions"))
        .if_match(1)
        .json(json!({"to": "submitted"}))
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    editor
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    let title: String = app.with_conn(|conn| {
        practices::table
            .find(created.id())
            .select(practices::title)
            .first(conn)
            .unwrap()
    });
    assert_eq!(title, "Pierwsza zmiana");
    assert_eq!(stored_status(&app, created.id()), ("draft".to_owned(), 2));
    editor
        .delete(&path)
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    let left: i64 = app.with_conn(|conn| practices::table.count().get_result(conn).unwrap());
    assert_eq!(left, 0);
}

#[actix_web::test]
async fn non_public_contacts_are_shown_only_to_the_implementers_editors_and_admins() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut body = practice_body(&w, "Teleopieka");
    body["contacts"] = json!([
        {"name": "Miejski Ośrodek Pomocy Rodzinie", "role": "Dział Usług Opiekuńczych", "phone": "77 400 00 00", "public": true},
        {"name": "Koordynatorka projektu", "email": "koordynatorka@opole.example.org", "phone": "600 000 000"}
    ]);
    let practice = published(&app, w.opole, body).await;
    let id = id(&practice);
    let path = format!("/api/v1/practices/{id}");
    let names = |response: &crate::helpers::TestResponse| -> Vec<String> {
        response.json()["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    for caller in [app.anonymous(), app.as_editor(w.wroclaw), app.as_viewer()] {
        let seen = caller.get(&path).send().await.assert_status(200);
        assert_eq!(names(&seen), vec!["Miejski Ośrodek Pomocy Rodzinie"]);
        assert!(!seen.text().contains("koordynatorka@"), "{}", seen.text());
        let list = caller.get("/api/v1/practices").send().await;
        assert!(!list.text().contains("koordynatorka@"));
        assert_eq!(list.items()[0]["contacts"].as_array().unwrap().len(), 1);
    }
    for caller in [app.as_editor(w.opole), app.as_admin()] {
        let seen = caller.get(&path).send().await.assert_status(200);
        assert_eq!(
            names(&seen),
            vec!["Miejski Ośrodek Pomocy Rodzinie", "Koordynatorka projektu"]
        );
        assert_eq!(
            seen.json()["contacts"][1]["public"],
            false,
            "private by default"
        );
        assert_eq!(
            seen.json()["contacts"][1]["email"],
            "koordynatorka@opole.example.org"
        );
    }
    let stored: Vec<(String, bool)> = app.with_conn(|conn| {
        practice_contacts::table
            .filter(practice_contacts::practice_id.eq(id))
            .order(practice_contacts::id.asc())
            .select((practice_contacts::name, practice_contacts::public))
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored.len(), 2);
    assert!(!stored[1].1);
    // The audit record keeps the contact, with the address masked.
    let changes: Vec<Option<String>> = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::object_type.eq("practice"))
            .select(audit_log::changes)
            .load(conn)
            .unwrap()
    });
    let all = changes.into_iter().flatten().collect::<Vec<_>>().join(" ");
    assert!(all.contains("k***@opole.example.org"), "{all}");
    assert!(!all.contains("koordynatorka@"), "{all}");
}

#[actix_web::test]
async fn a_location_outside_poland_is_422() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut body = practice_body(&w, "Oslo");
    body["location"] = json!({"lat": 59.91, "lon": 10.75});
    let refused = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(&body)
        .send()
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["location.lat", "location.lon"]);
    assert_eq!(refused.json()["errors"][0]["code"], "outside_poland");
    let stored: i64 = app.with_conn(|conn| practices::table.count().get_result(conn).unwrap());
    assert_eq!(stored, 0);

    let created = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Opole"))
        .send()
        .await
        .assert_status(201);
    app.as_editor(w.opole)
        .patch(format!("/api/v1/practices/{}", created.id()))
        .if_match(1)
        .json(json!({"location": {"lat": 50.0, "lon": 30.5}}))
        .send()
        .await
        .assert_invalid("location.lon", "outside_poland");
    let lat: Option<i32> = app.with_conn(|conn| {
        practices::table
            .find(created.id())
            .select(practices::lat_e6)
            .first(conn)
            .unwrap()
    });
    assert_eq!(lat, Some(50_675_100), "unchanged");

    let mut bad_refs = practice_body(&w, "Złe odniesienia");
    bad_refs["jst_id"] = json!(w.ngo);
    bad_refs["category_ids"] = json!([999_999]);
    let invalid = app
        .as_admin()
        .post("/api/v1/practices")
        .json(&bad_refs)
        .send()
        .await;
    invalid.assert_problem(422, "validation_failed");
    assert_eq!(invalid.error_fields(), vec!["jst_id", "category_ids"]);
}

#[actix_web::test]
async fn filters_find_practices_by_place_kind_population_and_text() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let opole = published(&app, w.opole, {
        let mut b = practice_body(&w, "Aglomeracja Opolska");
        b["population"] = json!(127_000);
        b
    })
    .await;
    let wroclaw = published(
        &app,
        w.wroclaw,
        json!({
            "title": "Wrocławskie Centrum Seniora", "summary": "Usługi dla seniorów.",
            "category_ids": [w.other_category], "implementer_id": w.wroclaw, "jst_id": w.wroclaw,
            "population": 674_000, "location": {"lat": 51.1079, "lon": 17.0385}
        }),
    )
    .await;
    let krakow = published(
        &app,
        w.krakow,
        json!({
            "title": "Krakowski budżet obywatelski", "summary": "Mieszkańcy decydują.",
            "category_ids": [w.category], "implementer_id": w.krakow, "jst_id": w.krakow,
            "unit_kind": "miasto_na_prawach_powiatu", "location": {"lat": 50.0614, "lon": 19.9366}
        }),
    )
    .await;
    let (o, wr, k) = (id(&opole), id(&wroclaw), id(&krakow));
    assert_eq!(ids(&app, "teryt=16").await, vec![o]);
    assert_eq!(ids(&app, "teryt=02").await, vec![wr]);
    assert_eq!(ids(&app, "teryt=1261011").await, vec![k]);
    assert_eq!(
        ids(&app, &format!("voivodeship={}", urlencode("małopolskie"))).await,
        vec![k]
    );
    assert_eq!(
        ids(&app, "unit_kind=miasto_na_prawach_powiatu").await,
        vec![o, wr, k]
    );
    assert_eq!(
        ids(&app, "population_min=100000&population_max=200000").await,
        vec![o]
    );
    assert_eq!(
        ids(&app, "population_min=1").await,
        vec![o, wr],
        "unknown never matches"
    );
    assert_eq!(
        ids(&app, &format!("q={}", urlencode("WROCŁAWSKIE"))).await,
        vec![wr]
    );
    assert_eq!(ids(&app, "q=wroclawskie").await, vec![wr]);
    assert_eq!(
        ids(&app, &format!("category={}", w.category)).await,
        vec![o, k]
    );
    assert_eq!(
        ids(&app, &format!("implementer={}", w.krakow)).await,
        vec![k]
    );
    assert_eq!(ids(&app, &format!("jst={}", w.wroclaw)).await, vec![wr]);
    assert_eq!(
        ids(&app, "updated_since=2999-01-01T00:00:00Z").await,
        Vec::<i64>::new()
    );

    // Opole → Wrocław by hand: 2R·asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))) with
    // R = 6371.0088 km, φ 50.6751/51.1079, Δλ 0.8828° → 78.422 km.
    assert_eq!(
        ids(&app, "near=50.6751,17.9213&radius_km=78").await,
        vec![o]
    );
    assert_eq!(
        ids(&app, "near=50.6751,17.9213&radius_km=79").await,
        vec![o, wr]
    );
    let near = app
        .anonymous()
        .get("/api/v1/practices?near=50.6751,17.9213&radius_km=79&sort=-updated_at")
        .send()
        .await;
    let distance = near.items().iter().find(|p| p["id"] == wr).unwrap()["distance_km"]
        .as_f64()
        .unwrap();
    assert_eq!(distance, 78.422);
    let plain = app
        .anonymous()
        .get(format!("/api/v1/practices/{wr}"))
        .send()
        .await;
    assert_eq!(plain.json()["distance_km"], Value::Null);

    for bad in [
        "near=50.6751,17.9213",
        "radius_km=5",
        "near=91,17&radius_km=5",
        "near=abc&radius_km=5",
        "radius_km=0&near=50,17",
        "population_min=5&population_max=1",
        "teryt=1a",
        "status=unknown",
    ] {
        app.anonymous()
            .get(format!("/api/v1/practices?{bad}"))
            .send()
            .await
            .assert_problem(400, "invalid_query");
    }
}

#[actix_web::test]
async fn near_pages_are_full_and_walk_every_match_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Five practices around Opole, two in Kraków (170 km away) between them in title order.
    let mut expected = Vec::new();
    for (title, lat, lon) in [
        ("A Opole", 50.67, 17.92),
        ("B Kraków", 50.06, 19.94),
        ("C Opole", 50.68, 17.93),
        ("D Kraków", 50.07, 19.95),
        ("E Opole", 50.66, 17.91),
        ("F Opole", 50.69, 17.94),
        ("G Opole", 50.65, 17.90),
    ] {
        let mut body = practice_body(&w, title);
        body["location"] = json!({"lat": lat, "lon": lon});
        let practice = published(&app, w.opole, body).await;
        if title.ends_with("Opole") {
            expected.push(id(&practice));
        }
    }
    let mut seen = Vec::new();
    let mut next = "/api/v1/practices?near=50.6751,17.9213&radius_km=20&limit=2".to_owned();
    loop {
        let page = app.anonymous().get(&next).send().await.assert_status(200);
        let ids = page.ids();
        match page.next_cursor() {
            Some(cursor) => {
                assert_eq!(ids.len(), 2, "a page before the last is full");
                next = format!(
                    "/api/v1/practices?near=50.6751,17.9213&radius_km=20&limit=2&cursor={cursor}"
                );
            }
            None => {
                seen.extend(ids);
                break;
            }
        }
        seen.extend(ids);
    }
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn the_map_is_geojson_of_published_practices() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let shown = published(&app, w.opole, practice_body(&w, "Na mapie")).await;
    app.as_editor(w.opole)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Szkic"))
        .send()
        .await
        .assert_status(201);
    let mut no_location = practice_body(&w, "Bez położenia");
    no_location["location"] = Value::Null;
    published(&app, w.opole, no_location).await;

    let map = app
        .as_admin()
        .get("/api/v1/practices/map")
        .send()
        .await
        .assert_status(200);
    assert_eq!(map.content_type(), "application/geo+json");
    assert_eq!(
        map.json(),
        &json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "id": id(&shown),
                "geometry": {"type": "Point", "coordinates": [17.9213, 50.6751]},
                "properties": {
                    "id": id(&shown), "title": "Na mapie",
                    "categories": [{"id": w.category, "slug": "wspolpraca-miedzy-jst", "name": "Współpraca między JST"}],
                    "url": format!("/api/v1/practices/{}", id(&shown))
                }
            }],
            "truncated": false
        })
    );
    let filtered = app
        .anonymous()
        .get(format!(
            "/api/v1/practices/map?category={}",
            w.other_category
        ))
        .send()
        .await
        .assert_status(200);
    assert_eq!(filtered.json()["features"], json!([]));
    let far = app
        .anonymous()
        .get("/api/v1/practices/map?near=50.0614,19.9366&radius_km=50")
        .send()
        .await;
    assert_eq!(far.json()["features"], json!([]));
    app.anonymous()
        .get("/api/v1/practices/map?status=draft")
        .send()
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn another_local_government_records_an_adoption() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let practice = published(&app, w.opole, practice_body(&w, "Aglomeracja")).await;
    let practice_id = id(&practice);
    let version = practice["version"].as_i64().unwrap();
    let path = format!("/api/v1/practices/{practice_id}/adoptions");
    let body =
        json!({"organization_id": w.wroclaw, "adopted_on": "2017-03-01", "note": "Na wzór Opola."});

    app.as_editor(w.krakow)
        .post(&path)
        .json(&body)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let created = app
        .as_editor(w.wroclaw)
        .post(&path)
        .json(&body)
        .send()
        .await
        .assert_status(201);
    let adoption_id = id(created.json());
    assert_eq!(
        created.header("location"),
        Some(format!("{path}/{adoption_id}").as_str())
    );
    assert_eq!(created.json()["organization"]["name"], "Gmina Wrocław");
    let after = app
        .anonymous()
        .get(format!("/api/v1/practices/{practice_id}"))
        .send()
        .await;
    assert_eq!(after.json()["adoption_count"], 1);
    assert_eq!(
        after.json()["version"],
        version + 1,
        "the representation changed"
    );
    app.as_editor(w.wroclaw)
        .post(&path)
        .json(&body)
        .send()
        .await
        .assert_problem(409, "already_adopted");
    app.as_admin()
        .post(&path)
        .json(json!({"organization_id": w.ngo, "adopted_on": "2017-03-01"}))
        .send()
        .await
        .assert_invalid("organization_id", "not_a_jst");
    app.as_admin()
        .post(&path)
        .json(json!({"organization_id": w.opole, "adopted_on": "2017-03-01"}))
        .send()
        .await
        .assert_invalid("organization_id", "own_practice");
    app.as_admin()
        .post(&path)
        .json(json!({"organization_id": w.krakow, "adopted_on": "2018-05-10"}))
        .send()
        .await
        .assert_status(201);
    let list = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(list.items().len(), 2);
    assert_eq!(list.items()[0]["organization_id"], w.wroclaw);
    let counted = app.anonymous().get("/api/v1/practices").send().await;
    assert_eq!(counted.items()[0]["adoption_count"], 2);

    let one = format!("{path}/{adoption_id}");
    app.anonymous().get(&one).send().await.assert_status(200);
    app.as_editor(w.wroclaw)
        .delete(&one)
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_editor(w.krakow)
        .delete(&one)
        .if_match(version + 2)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_editor(w.wroclaw)
        .delete(&one)
        .if_match(version)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_editor(w.wroclaw)
        .delete(&one)
        .if_match(version + 2)
        .send()
        .await
        .assert_status(204);
    let stored: Vec<i64> = app.with_conn(|conn| {
        practice_adoptions::table
            .select(practice_adoptions::organization_id)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored, vec![w.krakow]);
    let last = app
        .anonymous()
        .get(format!("/api/v1/practices/{practice_id}"))
        .send()
        .await;
    assert_eq!(last.json()["adoption_count"], 1);
    assert_eq!(
        app.audit_actions("practice_adoption", adoption_id),
        vec!["create", "delete"]
    );

    // A draft cannot be taken over.
    let draft = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Szkic"))
        .send()
        .await
        .assert_status(201);
    app.as_admin()
        .post(format!("/api/v1/practices/{}/adoptions", draft.id()))
        .json(json!({"organization_id": w.wroclaw, "adopted_on": "2017-03-01"}))
        .send()
        .await
        .assert_problem(409, "practice_not_published");
    app.as_editor(w.wroclaw)
        .post(format!("/api/v1/practices/{}/adoptions", draft.id()))
        .json(json!({"organization_id": w.wroclaw, "adopted_on": "2017-03-01"}))
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn administrators_add_categories() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.as_editor(w.opole)
        .post("/api/v1/practice-categories")
        .json(json!({"name": "Rewitalizacja"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    let created = app
        .as_admin()
        .post("/api/v1/practice-categories")
        .json(json!({"name": "Rewitalizacja"}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(created.json()["slug"], "rewitalizacja");
    app.as_admin()
        .post("/api/v1/practice-categories")
        .json(json!({"name": "Rewitalizacja"}))
        .send()
        .await
        .assert_problem(409, "slug_taken");
    let by_slug = app
        .anonymous()
        .get("/api/v1/practice-categories/rewitalizacja")
        .send()
        .await
        .assert_status(200);
    assert_eq!(by_slug.json()["id"], created.id());
    assert_eq!(app.audit_count("practice_category", created.id()), 1);
    let person = app.person("viewer2@example.org", Role::Viewer, &[]).await;
    app.with_token(&person.token)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Widz"))
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_change_feed_shows_a_practice_to_others_only_once_it_is_published() {
    use crate::changes::{read_all, settle, summary};
    let app = spawn_app().await;
    let w = world(&app).await;
    let admin = app.admin().await;
    // Practices have no read scope of their own: any partner token follows them.
    let partner_token = app.api_token(&admin, w.ngo, &["projects:read"]).await;
    let editor = app.as_editor(w.opole).person().await.token;
    settle(&app).await;
    let (_, start) = read_all(&app, Some(&admin), "", None).await;

    let created = app
        .as_editor(w.opole)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Wspólny zakup energii"))
        .send()
        .await
        .assert_status(201);
    let practice = created.id();
    let submitted = app
        .as_editor(w.opole)
        .post(format!("/api/v1/practices/{practice}/transitions"))
        .if_match(created.version())
        .json(json!({"to": "submitted"}))
        .send()
        .await
        .assert_status(200);
    settle(&app).await;
    for (who, token) in [
        ("anonymous", None),
        ("a partner token", Some(&partner_token)),
    ] {
        let (items, _) = read_all(
            &app,
            token.map(String::as_str),
            "&types=practice",
            Some(start.clone()),
        )
        .await;
        assert_eq!(summary(&items), vec![], "{who} sees nothing of the draft");
    }
    let (items, _) = read_all(&app, Some(&editor), "&types=practice", Some(start.clone())).await;
    assert_eq!(
        summary(&items),
        vec![
            ("practice".to_owned(), practice, "created".to_owned()),
            ("practice".to_owned(), practice, "updated".to_owned()),
        ],
        "the implementer's editor sees the draft's history"
    );

    app.as_admin()
        .post(format!("/api/v1/practices/{practice}/transitions"))
        .if_match(submitted.version())
        .json(json!({"to": "published"}))
        .send()
        .await
        .assert_status(200);
    settle(&app).await;
    for (who, token) in [
        ("anonymous", None),
        ("a partner token", Some(&partner_token)),
    ] {
        let (items, _) = read_all(
            &app,
            token.map(String::as_str),
            "&types=practice",
            Some(start.clone()),
        )
        .await;
        assert_eq!(
            summary(&items),
            vec![("practice".to_owned(), practice, "created".to_owned())],
            "{who} sees the publication as a creation"
        );
        assert_eq!(items[0]["url"], format!("/api/v1/practices/{practice}"));
    }
}

#[actix_web::test]
async fn a_practices_write_token_writes_and_reads_back_its_own_organizations_practices() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let admin = app.admin().await;
    let own = app.api_token(&admin, w.opole, &["practices:write"]).await;
    let foreign = app.api_token(&admin, w.wroclaw, &["practices:write"]).await;
    let unscoped = app.api_token(&admin, w.opole, &["projects:write"]).await;

    let created = app
        .with_token(&own)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Wspólny transport szkolny"))
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/practices/{}", created.id());
    assert_eq!(stored_status(&app, created.id()), ("draft".to_owned(), 1));

    // It reads its draft back; others do not find it.
    app.with_token(&own)
        .get(&path)
        .send()
        .await
        .assert_status(200);
    for caller in [
        app.with_token(&foreign),
        app.with_token(&unscoped),
        app.anonymous(),
    ] {
        caller
            .get(&path)
            .send()
            .await
            .assert_problem(404, "not_found");
    }
    assert!(
        app.with_token(&own)
            .get("/api/v1/practices?status=draft")
            .send()
            .await
            .assert_status(200)
            .ids()
            .contains(&created.id())
    );

    // Without the scope, or for another implementer, it may not write.
    app.with_token(&unscoped)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Bez uprawnień"))
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    app.with_token(&foreign)
        .post("/api/v1/practices")
        .json(practice_body(&w, "Cudza praktyka"))
        .send()
        .await
        .assert_problem(403, "forbidden");

    // It submits; publishing stays an administrator's decision.
    let submitted = app
        .with_token(&own)
        .post(format!("{path}/transitions"))
        .if_match(created.version())
        .json(json!({"to": "submitted"}))
        .send()
        .await
        .assert_status(200);
    app.with_token(&own)
        .post(format!("{path}/transitions"))
        .if_match(submitted.version())
        .json(json!({"to": "published"}))
        .send()
        .await
        .assert_problem(403, "token_not_allowed");
    assert_eq!(
        stored_status(&app, created.id()),
        ("submitted".to_owned(), 2)
    );

    // The audit log names the token as the actor.
    let actors: Vec<Option<i64>> = app.with_conn(|conn| {
        audit_log::table
            .filter(audit_log::object_type.eq("practice"))
            .filter(audit_log::object_id.eq(created.id().to_string()))
            .select(audit_log::actor_token_id)
            .load(conn)
            .unwrap()
    });
    assert_eq!(actors.len(), 2);
    assert!(actors.iter().all(Option::is_some));
}
