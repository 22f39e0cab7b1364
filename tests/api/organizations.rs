use diesel::prelude::*;
use razem::db::schema::organizations;
use razem::domain::Role;
use serde_json::json;

use crate::helpers::{Resource, spawn_app, urlencode};

#[actix_web::test]
async fn create_read_update_delete_round_trip_with_polish_text() {
    let app = spawn_app().await;
    let created = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({
            "name": "Gmina Świerklaniec", "kind": "jst", "teryt": "2413052",
            "address": {"street": "ul. Młyńska 7", "postal_code": "42-622", "city": "Świerklaniec"},
            "website": "https://www.swierklaniec.pl", "population": 12000,
            "nip": "645-253-34-88"
        }))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/organizations/{id}").as_str())
    );
    assert_eq!(created.etag_version(), 1);
    assert_eq!(created.json()["slug"], "gmina-swierklaniec");
    assert_eq!(created.json()["name"], "Gmina Świerklaniec");
    assert_eq!(
        created.json()["jst_kind"],
        "gmina_wiejska",
        "derived from the TERC type digit"
    );
    assert_eq!(
        created.json()["address"]["voivodeship"],
        "śląskie",
        "derived from the TERC voivodeship"
    );
    assert_eq!(
        created.json()["nip"],
        "6452533488",
        "stored without separators"
    );
    assert_eq!(created.version(), 1);

    let stored: (String, Option<String>) = app.with_conn(|conn| {
        organizations::table
            .find(id)
            .select((organizations::name, organizations::city))
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored.0, "Gmina Świerklaniec");
    assert_eq!(stored.1.as_deref(), Some("Świerklaniec"));
    let indexed = app.indexed_words("organization", id);
    assert!(indexed.starts_with("gmina swierklaniec"), "{indexed}");

    let by_slug = app
        .anonymous()
        .get("/api/v1/organizations/gmina-swierklaniec")
        .send()
        .await
        .assert_status(200);
    assert_eq!(by_slug.json(), created.json());
    let by_id = app
        .anonymous()
        .get(format!("/api/v1/organizations/{id}"))
        .send()
        .await;
    assert_eq!(by_id.json(), created.json());
    assert_eq!(by_id.etag_version(), 1);

    let patched = app
        .as_admin()
        .patch(format!("/api/v1/organizations/{id}"))
        .json(
            json!({"address": {"street": null}, "population": 12500, "short_name": "Świerklaniec"}),
        )
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(patched.etag_version(), 2);
    assert_eq!(patched.json()["address"]["street"], json!(null));
    assert_eq!(
        patched.json()["address"]["city"],
        "Świerklaniec",
        "absent fields stay"
    );
    assert_eq!(patched.json()["population"], 12500);
    assert_eq!(app.audit_count("organization", id), 2);

    let stale = app
        .as_admin()
        .delete(format!("/api/v1/organizations/{id}"))
        .if_match(1)
        .send()
        .await;
    stale.assert_problem(412, "precondition_failed");
    app.as_admin()
        .delete(format!("/api/v1/organizations/{id}"))
        .if_match(2)
        .send()
        .await
        .assert_status(204);
    let count: i64 = app.with_conn(|conn| {
        organizations::table
            .filter(organizations::id.eq(id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(count, 0);
    app.anonymous()
        .get(format!("/api/v1/organizations/{id}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.audit_count("organization", id), 3);
}

#[actix_web::test]
async fn if_match_is_required_and_checked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = app
        .organization(&admin, json!({"name": "Fundacja Razem", "kind": "ngo"}))
        .await;
    let path = format!("/api/v1/organizations/{}", org["id"]);

    app.as_admin()
        .patch(&path)
        .json(json!({"name": "X"}))
        .send()
        .await
        .assert_problem(428, "precondition_required");
    app.as_admin()
        .patch(&path)
        .json(json!({"name": "X"}))
        .if_match(7)
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .patch(&path)
        .json(json!({"name": "X"}))
        .if_match("W/\"1\"")
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .patch(&path)
        .json(json!({"name": "X"}))
        .if_match("garbage")
        .send()
        .await
        .assert_problem(400, "invalid_if_match");
    app.as_admin()
        .patch(&path)
        .json(json!({"name": "X"}))
        .if_match("\"v1\"")
        .send()
        .await
        .assert_problem(412, "precondition_failed");
    app.as_admin()
        .delete(&path)
        .send()
        .await
        .assert_problem(428, "precondition_required");

    let stored: String = app.with_conn(|conn| {
        organizations::table
            .find(org.id())
            .select(organizations::name)
            .first(conn)
            .unwrap()
    });
    assert_eq!(
        stored, "Fundacja Razem",
        "no failed precondition changed the row"
    );

    // Two writers from the same version: the second loses with 412, nothing is lost silently.
    app.as_admin()
        .patch(&path)
        .json(json!({"name": "Pierwsza"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    let second = app
        .as_admin()
        .patch(&path)
        .json(json!({"name": "Druga"}))
        .if_match(1)
        .send()
        .await;
    second.assert_problem(412, "precondition_failed");
    assert_eq!(
        app.anonymous().get(&path).send().await.json()["name"],
        "Pierwsza"
    );
}

#[actix_web::test]
async fn invalid_identifiers_are_422_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"name": "A", "kind": "ngo", "nip": "1234567890"}),
            "nip",
            "invalid_nip",
        ),
        (
            json!({"name": "A", "kind": "ngo", "regon": "123456789"}),
            "regon",
            "invalid_regon",
        ),
        (
            json!({"name": "A", "kind": "ngo", "krs": "12345"}),
            "krs",
            "invalid_krs",
        ),
        (
            json!({"name": "A", "kind": "ngo", "address": {"postal_code": "40001"}}),
            "address.postal_code",
            "invalid_postal_code",
        ),
        (
            json!({"name": "A", "kind": "jst", "teryt": "0100000"}),
            "teryt",
            "invalid_teryt",
        ),
        (
            json!({"name": "A", "kind": "ngo", "website": "ftp://x.pl"}),
            "website",
            "invalid_url",
        ),
        (
            json!({"name": "A", "kind": "ngo", "email": "not-an-email"}),
            "email",
            "invalid_email",
        ),
        (
            json!({"name": "A", "kind": "ngo", "slug": "Not A Slug"}),
            "slug",
            "invalid_slug",
        ),
        (
            json!({"name": "A", "kind": "martian"}),
            "kind",
            "invalid_enum_value",
        ),
        (
            json!({"name": "A", "kind": "ngo", "colour": "red"}),
            "colour",
            "unknown_field",
        ),
        (
            json!({"name": "A", "kind": "ngo", "address": {"planet": "Mars"}}),
            "address.planet",
            "unknown_field",
        ),
        (json!({"name": "   ", "kind": "ngo"}), "name", "blank"),
        (json!({"kind": "ngo"}), "name", "required"),
        (json!({"name": 5, "kind": "ngo"}), "name", "invalid_type"),
        (
            json!({"name": "A", "kind": "ngo", "teryt": "2413052"}),
            "teryt",
            "not_applicable",
        ),
        (
            json!({"name": "A", "kind": "jst", "teryt": "2413052", "jst_kind": "powiat"}),
            "jst_kind",
            "jst_kind_mismatch",
        ),
        (
            json!({"name": "A", "kind": "jst", "teryt": "2413054"}),
            "teryt",
            "teryt_not_a_jst",
        ),
        (
            json!({"name": "A", "kind": "jst", "population": -1}),
            "population",
            "range",
        ),
        (
            json!({"name": "x".repeat(301), "kind": "ngo"}),
            "name",
            "length",
        ),
    ];
    for (body, field, code) in cases {
        let response = app
            .as_admin()
            .post("/api/v1/organizations")
            .json(&body)
            .send()
            .await;
        response.assert_problem(422, "validation_failed");
        let error = response.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error on {field} for {body}: {}", response.text()));
        assert_eq!(error["code"], code, "for {body}: {}", response.text());
    }
    let count: i64 = app.with_conn(|conn| organizations::table.count().get_result(conn).unwrap());
    assert_eq!(count, 0, "nothing invalid was stored");
}

#[actix_web::test]
async fn slugs_are_unique_and_generated_from_names() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let first = app
        .organization(&admin, json!({"name": "Związek Gmin", "kind": "ngo"}))
        .await;
    let second = app
        .organization(&admin, json!({"name": "Związek  Gmin!", "kind": "ngo"}))
        .await;
    assert_eq!(first["slug"], "zwiazek-gmin");
    assert_eq!(second["slug"], "zwiazek-gmin-2");
    let taken = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Inna", "kind": "ngo", "slug": "zwiazek-gmin"}))
        .send()
        .await;
    taken.assert_problem(409, "slug_taken");
    app.organization(
        &admin,
        json!({"name": "Gmina A", "kind": "jst", "teryt": "2413052"}),
    )
    .await;
    let same_teryt = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Gmina B", "kind": "jst", "teryt": "2413052"}))
        .send()
        .await;
    same_teryt.assert_problem(409, "teryt_taken");
}

#[actix_web::test]
async fn search_ignores_case_and_diacritics_on_every_backend() {
    let app = spawn_app().await;
    app.seed_demo();
    for q in ["slaski", "ŚLĄSKI", "Śląski", "zwiazek gmin i"] {
        let response = app
            .anonymous()
            .get(format!("/api/v1/organizations?q={}", urlencode(q)))
            .send()
            .await
            .assert_status(200);
        let names: Vec<&str> = response.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Śląski Związek Gmin i Powiatów"),
            "q={q}: {names:?}"
        );
    }
    let literal = app
        .anonymous()
        .get("/api/v1/organizations?q=%25")
        .send()
        .await;
    assert_eq!(
        literal.json()["items"].as_array().unwrap().len(),
        0,
        "% matches itself, not everything"
    );
    let by_short_name = app
        .anonymous()
        .get("/api/v1/organizations?q=opos")
        .send()
        .await;
    assert_eq!(by_short_name.json()["items"][0]["slug"], "opos");
}

#[actix_web::test]
async fn filters_by_kind_voivodeship_teryt_and_updated_since() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    app.organization(
        &admin,
        json!({"name": "Gmina Świerklaniec", "kind": "jst", "teryt": "2413052"}),
    )
    .await;

    let alliances = app
        .anonymous()
        .get("/api/v1/organizations?kind=alliance")
        .send()
        .await;
    assert_eq!(alliances.json()["items"].as_array().unwrap().len(), 1);
    let slaskie = app
        .anonymous()
        .get(format!(
            "/api/v1/organizations?voivodeship={}",
            urlencode("śląskie")
        ))
        .send()
        .await;
    let slugs: Vec<&str> = slaskie.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        vec!["gmina-swierklaniec", "slaski-zwiazek-gmin-i-powiatow"]
    );
    let by_teryt = app
        .anonymous()
        .get("/api/v1/organizations?teryt=2413052")
        .send()
        .await;
    assert_eq!(by_teryt.json()["items"][0]["slug"], "gmina-swierklaniec");

    let future = app
        .anonymous()
        .get("/api/v1/organizations?updated_since=2999-01-01T00:00:00Z")
        .send()
        .await;
    assert_eq!(future.json()["items"].as_array().unwrap().len(), 0);
    let past = app
        .anonymous()
        .get("/api/v1/organizations?updated_since=2000-01-01T00:00:00Z&limit=100")
        .send()
        .await;
    assert_eq!(past.json()["items"].as_array().unwrap().len(), 26);

    app.anonymous()
        .get("/api/v1/organizations?kind=martian")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?voivodeship=slaskie")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?teryt=123")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?updated_since=yesterday")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    let unknown = app
        .anonymous()
        .get("/api/v1/organizations?colour=red")
        .send()
        .await;
    unknown.assert_problem(400, "invalid_query");
    assert_eq!(unknown.json()["errors"][0]["field"], "colour");
}

#[actix_web::test]
async fn keyset_pagination_walks_every_row_once_in_each_sort() {
    let app = spawn_app().await;
    app.seed_demo();
    for sort in ["name", "-name", "updated_at", "-updated_at"] {
        let mut seen = Vec::new();
        let mut next = format!("/api/v1/organizations?limit=4&sort={sort}");
        let mut pages = 0;
        loop {
            let response = app.anonymous().get(&next).send().await.assert_status(200);
            pages += 1;
            for item in response.json()["items"].as_array().unwrap() {
                seen.push(item.id());
            }
            match response.json()["next_cursor"].as_str() {
                Some(cursor) => {
                    let link = response
                        .header("link")
                        .expect("Link header on a page with a next page");
                    assert!(
                        link.contains("rel=\"next\"") && link.contains(cursor),
                        "{link}"
                    );
                    next = format!("/api/v1/organizations?limit=4&sort={sort}&cursor={cursor}");
                }
                None => {
                    assert!(response.header("link").is_none());
                    break;
                }
            }
        }
        assert_eq!(pages, 7, "25 rows in pages of 4 for sort {sort}");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            25,
            "every row exactly once for sort {sort}: {seen:?}"
        );
    }
    let by_name = app
        .anonymous()
        .get("/api/v1/organizations?limit=100")
        .send()
        .await;
    let names: Vec<String> = by_name.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| razem::domain::fold_for_search(i["name"].as_str().unwrap()))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "default order is by folded name");

    let first = app
        .anonymous()
        .get("/api/v1/organizations?limit=2")
        .send()
        .await;
    let cursor = first.json()["next_cursor"].as_str().unwrap();
    app.anonymous()
        .get(format!("/api/v1/organizations?sort=-name&cursor={cursor}"))
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    app.anonymous()
        .get("/api/v1/organizations?cursor=bm9wZQ")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    app.anonymous()
        .get("/api/v1/organizations?limit=0")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?limit=101")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    app.anonymous()
        .get("/api/v1/organizations?limit=ten")
        .send()
        .await
        .assert_problem(400, "invalid_query");
    let default_page = app.anonymous().get("/api/v1/organizations").send().await;
    assert_eq!(
        default_page.json()["items"].as_array().unwrap().len(),
        20,
        "the default page size"
    );
}

#[actix_web::test]
async fn only_admins_create_associations_and_delete_organizations() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos_id = app
        .anonymous()
        .get("/api/v1/associations/opos")
        .send()
        .await
        .id();
    let editor = app
        .person("editor@example.org", Role::Editor, &[opos_id])
        .await
        .token;
    let viewer = app
        .person("viewer@example.org", Role::Viewer, &[])
        .await
        .token;

    let anonymous = app
        .anonymous()
        .post("/api/v1/organizations")
        .json(json!({"name": "Fundacja", "kind": "ngo"}))
        .send()
        .await;
    anonymous.assert_problem(401, "authentication_required");
    let by_viewer = app
        .with_token(&viewer)
        .post("/api/v1/organizations")
        .json(json!({"name": "Fundacja", "kind": "ngo"}))
        .send()
        .await;
    by_viewer.assert_problem(403, "forbidden");
    let association = app
        .with_token(&editor)
        .post("/api/v1/organizations")
        .json(json!({"name": "Nowy Związek", "kind": "association"}))
        .send()
        .await;
    association.assert_problem(403, "forbidden");
    let ngo = app
        .with_token(&editor)
        .post("/api/v1/organizations")
        .json(json!({"name": "Fundacja", "kind": "ngo"}))
        .send()
        .await
        .assert_status(201);
    let delete = app
        .with_token(&editor)
        .delete(format!("/api/v1/organizations/{}", ngo.json()["id"]))
        .if_match(1)
        .send()
        .await;
    delete.assert_problem(403, "forbidden");
    let count: i64 = app.with_conn(|conn| organizations::table.count().get_result(conn).unwrap());
    assert_eq!(count, 26);
}
