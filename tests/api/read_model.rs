//! The read model of positions, projects, practices and consultations: after every kind of write
//! (create, update, transitions, co-signers, replies, indicators, adoptions, an embedded
//! organization or project renamed, delete) the stored document equals the one the
//! current rows render, drafts are never stored, and anonymous reads serve the stored
//! bytes.

use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app};

const KIND: &str = "position";

/// The stored and the freshly rendered document of a position agree; returns whether
/// one is stored. When stored, an anonymous GET answers exactly its bytes.
async fn assert_consistent(app: &TestApp, id: i64, step: &str) -> bool {
    app.assert_read_model(KIND, "positions", id, step).await
}

#[actix_web::test]
async fn the_read_model_follows_every_write_of_a_position() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let ministry = app.id_of("ministerstwo-infrastruktury").await;
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;

    let created = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({
            "association_id": opos,
            "kind": "position",
            "title": "Stanowisko w sprawie modelu odczytu",
            "summary": "Streszczenie.",
            "body": "Treść stanowiska.",
            "topics": ["finanse samorządowe"],
            "addressee_ids": [ministry]
        }))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    let path = format!("/api/v1/positions/{id}");
    assert!(
        !assert_consistent(&app, id, "create").await,
        "a draft is not stored"
    );
    app.admin_write("PATCH", &path, Some(json!({"summary": "Nowe."})))
        .await;
    assert!(!assert_consistent(&app, id, "update of a draft").await);

    let transitions = format!("{path}/transitions");
    app.admin_write(
        "POST",
        &transitions,
        Some(json!({"to": "adopted", "on": "2024-03-08"})),
    )
    .await;
    assert!(
        assert_consistent(&app, id, "adoption").await,
        "a public position is stored"
    );
    app.admin_write("PATCH", &path, Some(json!({"summary": "Po przyjęciu."})))
        .await;
    assert!(assert_consistent(&app, id, "update").await);

    let co_signer = format!("{path}/co-signers/{slaski}");
    app.as_admin()
        .post(&co_signer)
        .json(json!({"signed_on": "2024-03-10"}))
        .send()
        .await
        .assert_status(200);
    assert!(assert_consistent(&app, id, "co-signature").await);
    app.admin_write("DELETE", &co_signer, None).await;
    assert!(assert_consistent(&app, id, "co-signature withdrawn").await);
    app.as_admin()
        .post(&co_signer)
        .json(json!({"signed_on": "2024-03-11"}))
        .send()
        .await
        .assert_status(200);

    app.admin_write(
        "POST",
        &transitions,
        Some(json!({"to": "sent", "on": "2024-03-15"})),
    )
    .await;
    assert!(assert_consistent(&app, id, "sending").await);
    app.as_admin()
        .post(format!("{path}/responses"))
        .json(json!({"received_on": "2024-04-22", "from_id": ministry,
            "summary": "Ministerstwo odpowiada."}))
        .send()
        .await
        .assert_status(201);
    assert!(assert_consistent(&app, id, "reply").await);

    // Renaming organizations the position embeds (its association, an addressee, a
    // co-signer, the sender of a reply) renders it again.
    for (organization, name) in [
        (opos, "OPOS po zmianie nazwy"),
        (ministry, "Ministerstwo po zmianie nazwy"),
        (slaski, "Śląski Związek po zmianie nazwy"),
    ] {
        app.rename_organization(organization, name).await;
        assert!(assert_consistent(&app, id, name).await);
        let served = app.anonymous().get(&path).send().await.into_json();
        assert!(
            served.to_string().contains(name),
            "{name} is not in {served}"
        );
    }

    // A public position withdrawn, then deleted, leaves the model.
    let other = app
        .as_admin()
        .post("/api/v1/positions")
        .json(
            json!({"association_id": opos, "kind": "appeal", "title": "Apel",
            "body": "Treść apelu."}),
        )
        .send()
        .await
        .assert_status(201)
        .id();
    let other_path = format!("/api/v1/positions/{other}");
    let other_transitions = format!("{other_path}/transitions");
    let adopt = json!({"to": "adopted", "on": "2024-06-01"});
    app.admin_write("POST", &other_transitions, Some(adopt))
        .await;
    assert!(assert_consistent(&app, other, "adoption").await);
    let withdraw = json!({"to": "withdrawn", "on": "2024-06-02"});
    app.admin_write("POST", other_transitions, Some(withdraw))
        .await;
    assert!(assert_consistent(&app, other, "withdrawal").await);
    app.admin_write("DELETE", &other_path, None).await;
    assert!(
        !assert_consistent(&app, other, "delete").await,
        "a deleted position is not stored"
    );
    app.anonymous()
        .get(&other_path)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_demo_data_is_in_the_read_model_and_pages_concatenate_its_items() {
    let app = spawn_app().await;
    app.seed_demo();
    let stored = app.with_conn(|conn| razem::db::read_docs::all(conn, KIND).expect("docs"));
    let page = app
        .anonymous()
        .get("/api/v1/positions?limit=100")
        .send()
        .await
        .assert_status(200);
    let ids = page.ids();
    assert!(!ids.is_empty());
    assert_eq!(
        stored.len(),
        ids.len(),
        "every public demo position is stored"
    );
    for (item, id) in page.items().iter().zip(&ids) {
        let doc = stored.iter().find(|doc| doc.id == *id).expect("stored");
        let stored_item: Value = serde_json::from_str(&doc.item).expect("json");
        assert_eq!(item, &stored_item);
        assert!(assert_consistent(&app, *id, "seeding").await);
    }
    // Rebuilding from the rows gives the same documents.
    let rebuilt = app.with_conn(|conn| {
        razem::read_model::rebuild(conn).expect("rebuild");
        razem::db::read_docs::all(conn, KIND).expect("docs")
    });
    assert_eq!(rebuilt, stored);
}

/// The demo data with a draft appeal of OPOS titled `title`: the app, OPOS's id, the
/// answer of the draft's creation.
async fn demo_with_draft(title: &str) -> (TestApp, i64, TestResponse) {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let draft = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({"association_id": opos, "kind": "appeal", "title": title}))
        .send()
        .await
        .assert_status(201);
    (app, opos, draft)
}

#[actix_web::test]
async fn drafts_are_rendered_per_request_for_those_who_may_see_them() {
    let (app, opos, draft) = demo_with_draft("Szkic").await;
    let id = draft.id();
    let seen = app
        .as_admin()
        .get(format!("/api/v1/positions/{id}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(seen.json(), draft.json());
    app.anonymous()
        .get(format!("/api/v1/positions/{id}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    let listed = app
        .as_admin()
        .get(format!("/api/v1/positions?association={opos}&status=draft"))
        .send()
        .await
        .assert_status(200);
    let index = listed.ids().iter().position(|listed| *listed == id);
    let item = &listed.items()[index.expect("the draft is listed for an admin")];
    assert_eq!(item["title"], "Szkic");
    let stored = app.with_conn(|conn| razem::db::read_docs::all(conn, KIND).expect("docs"));
    assert!(
        stored.iter().all(|doc| doc.id != id),
        "drafts are not stored"
    );
}

/// A page of `collection` lists exactly the stored items of its public rows.
async fn assert_page_is_stored(app: &TestApp, kind: &str, collection: &str) {
    let stored = app.with_conn(|conn| razem::db::read_docs::all(conn, kind).expect("docs"));
    let page = app
        .anonymous()
        .get(format!("/api/v1/{collection}?limit=100"))
        .send()
        .await
        .assert_status(200);
    let ids = page.ids();
    assert_eq!(stored.len(), ids.len(), "every public {kind} is stored");
    for (item, id) in page.items().iter().zip(&ids) {
        let doc = stored.iter().find(|doc| doc.id == *id).expect("stored");
        let stored_item: Value = serde_json::from_str(&doc.item).expect("json");
        assert_eq!(item, &stored_item, "{kind} {id}");
    }
}

#[actix_web::test]
async fn the_read_model_follows_every_write_of_a_project() {
    let app = spawn_app().await;
    app.seed_demo();
    let zmp = app.id_of("zmp").await;
    let zpp = app.id_of("zpp").await;
    let consistent =
        |id: i64, step: &'static str| app.assert_read_model("project", "projects", id, step);
    let created = app
        .as_admin()
        .post("/api/v1/projects")
        .json(
            json!({"code": "ODCZYT/2024", "title": "Projekt modelu odczytu",
            "lead_id": zmp, "starts_on": "2024-01-01",
            "partners": [{"organization_id": zpp, "role": "partner"}]}),
        )
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    let path = format!("/api/v1/projects/{id}");
    assert!(consistent(id, "create").await, "a project is public");
    app.admin_write("PATCH", &path, Some(json!({"summary": "Nowe."})))
        .await;
    assert!(consistent(id, "update").await);

    // Indicators are embedded: each of their writes renders the project again.
    let indicator = app
        .admin_write(
            "POST",
            format!("{path}/indicators"),
            Some(json!({"name": "Szkolenia", "unit": "szkolenia", "target": 10, "achieved": 2})),
        )
        .await;
    assert!(consistent(id, "indicator created").await);
    let indicator_path = format!("{path}/indicators/{}", indicator["id"]);
    let current = app.as_admin().get(&indicator_path).send().await;
    app.as_admin()
        .patch(&indicator_path)
        .if_match(current.etag())
        .json(json!({"achieved": 7}))
        .send()
        .await
        .assert_status(200);
    assert!(consistent(id, "indicator changed").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["indicators"][0]["achieved"], 7);

    for (organization, name) in [(zmp, "ZMP po zmianie nazwy"), (zpp, "ZPP po zmianie nazwy")] {
        app.rename_organization(organization, name).await;
        assert!(consistent(id, "an organization renamed").await);
        let served = app.anonymous().get(&path).send().await.text().to_owned();
        assert!(served.contains(name), "{name} is not in {served}");
    }
    let current = app.as_admin().get(&indicator_path).send().await;
    app.as_admin()
        .delete(&indicator_path)
        .if_match(current.etag())
        .send()
        .await
        .assert_status(204);
    assert!(consistent(id, "indicator deleted").await);
    assert_page_is_stored(&app, "project", "projects").await;

    app.admin_write("DELETE", &path, None).await;
    assert!(
        !consistent(id, "delete").await,
        "a deleted project is not stored"
    );
    app.anonymous()
        .get(&path)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_read_model_follows_every_write_of_a_practice() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let jst = |name: &str, teryt: &str| json!({"name": name, "kind": "jst", "teryt": teryt});
    let opole = app
        .organization(&admin, jst("Miasto Opole", "1661011"))
        .await["id"]
        .as_i64()
        .expect("id");
    let wroclaw = app
        .organization(&admin, jst("Gmina Wrocław", "0264011"))
        .await["id"]
        .as_i64()
        .expect("id");
    let category = app
        .as_admin()
        .post("/api/v1/practice-categories")
        .json(json!({"name": "Model odczytu"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let project = app
        .as_admin()
        .post("/api/v1/projects")
        .json(json!({"code": "PRAKTYKA/2024", "title": "Projekt praktyki",
            "lead_id": opole, "starts_on": "2024-01-01"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let consistent =
        |id: i64, step: &'static str| app.assert_read_model("practice", "practices", id, step);

    let created = app
        .as_admin()
        .post("/api/v1/practices")
        .json(
            json!({"title": "Praktyka modelu odczytu", "summary": "Streszczenie.",
            "category_ids": [category], "implementer_id": opole, "jst_id": opole,
            "partner_ids": [wroclaw], "project_id": project,
            "contacts": [
                {"name": "Biuro", "phone": "77 400 00 00", "public": true},
                {"name": "Koordynatorka", "email": "koordynatorka@opole.example.org"}
            ]}),
        )
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    let path = format!("/api/v1/practices/{id}");
    let transitions = format!("{path}/transitions");
    assert!(!consistent(id, "create").await, "a draft is not stored");
    app.admin_write("POST", &transitions, Some(json!({"to": "submitted"})))
        .await;
    assert!(
        !consistent(id, "submission").await,
        "a submitted practice is not stored"
    );
    app.admin_write("POST", &transitions, Some(json!({"to": "published"})))
        .await;
    assert!(
        consistent(id, "publication").await,
        "a published practice is stored"
    );
    app.admin_write("PATCH", &path, Some(json!({"summary": "Po publikacji."})))
        .await;
    assert!(consistent(id, "update").await);

    // The stored document is the public one: insiders get theirs rendered per request.
    let public = app.anonymous().get(&path).send().await.assert_status(200);
    assert!(
        !public.text().contains("koordynatorka@"),
        "{}",
        public.text()
    );
    let insider = app.as_admin().get(&path).send().await.assert_status(200);
    assert!(
        insider.text().contains("koordynatorka@"),
        "{}",
        insider.text()
    );
    assert_ne!(
        insider.etag(),
        public.etag(),
        "another representation, another tag"
    );
    assert_eq!(insider.etag_version(), public.etag_version());
    let listed = app.as_admin().get("/api/v1/practices").send().await;
    assert!(listed.text().contains("koordynatorka@"));
    assert!(
        !app.anonymous()
            .get("/api/v1/practices")
            .send()
            .await
            .text()
            .contains("koordynatorka@")
    );

    let adoption = app
        .as_admin()
        .post(format!("{path}/adoptions"))
        .json(json!({"organization_id": wroclaw, "adopted_on": "2024-03-01"}))
        .send()
        .await
        .assert_status(201)
        .into_json();
    assert!(consistent(id, "adoption").await);
    assert_eq!(
        app.anonymous().get(&path).send().await.json()["adoption_count"],
        1
    );
    app.admin_write(
        "DELETE",
        format!("{path}/adoptions/{}", adoption["id"]),
        None,
    )
    .await;
    assert!(consistent(id, "adoption removed").await);

    // What the practice embeds: organizations (implementer, partner) and the project.
    for (organization, name) in [
        (opole, "Opole po zmianie nazwy"),
        (wroclaw, "Wrocław po zmianie nazwy"),
    ] {
        app.rename_organization(organization, name).await;
        assert!(consistent(id, "an organization renamed").await);
        let served = app.anonymous().get(&path).send().await.text().to_owned();
        assert!(served.contains(name), "{name} is not in {served}");
    }
    app.admin_write(
        "PATCH",
        format!("/api/v1/projects/{project}"),
        Some(json!({"title": "Projekt po zmianie tytułu"})),
    )
    .await;
    assert!(consistent(id, "the project renamed").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["project"]["title"], "Projekt po zmianie tytułu");
    assert_page_is_stored(&app, "practice", "practices").await;

    app.admin_write("POST", transitions, Some(json!({"to": "archived"})))
        .await;
    assert!(
        consistent(id, "archiving").await,
        "an archived practice is public"
    );

    // Rebuilding from the rows gives the same documents, for every kind.
    let kinds = ["position", "project", "practice"];
    let all = |conn: &mut razem::db::DbConnection| {
        kinds.map(|kind| razem::db::read_docs::all(conn, kind).expect("docs"))
    };
    let before = app.with_conn(all);
    let rebuilt = app.with_conn(|conn| {
        razem::read_model::rebuild(conn).expect("rebuild");
        all(conn)
    });
    assert_eq!(rebuilt, before);
}

#[actix_web::test]
async fn the_read_model_follows_every_write_of_a_consultation() {
    use crate::consultations::{announced, create, days, move_to, programme, world};
    let app = spawn_app().await;
    let w = world(&app).await;
    let consistent = |id: i64, step: &'static str| {
        app.assert_read_model("consultation", "consultations", id, step)
    };
    let draft = create(&app, &w.admin, programme(w.organizer, &days(-1), &days(40)))
        .await
        .id();
    assert!(!consistent(draft, "create").await, "a draft is not stored");
    move_to(&app, &w.admin, draft, "announced")
        .await
        .assert_status(200);
    assert!(
        consistent(draft, "announcement").await,
        "a published one is stored"
    );
    let path = format!("/api/v1/consultations/{draft}");
    app.admin_write(
        "PATCH",
        path.clone(),
        Some(json!({"title": "Nowy tytuł konsultacji"})),
    )
    .await;
    assert!(consistent(draft, "update").await);

    // A comment changes the count it shows.
    app.with_token(&w.commenter_editor)
        .post(format!("{path}/comments"))
        .json(json!({"content": "Uwaga do programu.", "unit_reference": "§ 1"}))
        .send()
        .await
        .assert_status(201);
    assert!(consistent(draft, "a comment").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["comment_count"], 1);

    // A position that answers it, published, then answering nothing any more.
    let position = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({"association_id": w.opos, "kind": "opinion",
            "title": "Opinia do programu", "body": "Treść opinii.", "consultation_id": draft}))
        .send()
        .await
        .assert_status(201)
        .id();
    assert!(consistent(draft, "a draft position answering").await);
    let position_path = format!("/api/v1/positions/{position}");
    app.admin_write(
        "POST",
        format!("{position_path}/transitions"),
        Some(json!({"to": "adopted", "on": "2024-03-08"})),
    )
    .await;
    assert!(consistent(draft, "the answering position adopted").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["positions"][0]["id"], position);
    app.admin_write(
        "PATCH",
        position_path,
        Some(json!({"consultation_id": null})),
    )
    .await;
    assert!(consistent(draft, "the position answers nothing").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["positions"], json!([]));

    // Renaming the organizer renders it again.
    app.admin_write(
        "PATCH",
        format!("/api/v1/organizations/{}", w.organizer),
        Some(json!({"name": "Organizator po zmianie nazwy"})),
    )
    .await;
    assert!(consistent(draft, "the organizer renamed").await);
    let served = app.anonymous().get(&path).send().await.into_json();
    assert_eq!(served["organizer"]["name"], "Organizator po zmianie nazwy");

    // Cancelled, it is still public, and still stored.
    let other = announced(&app, &w, &days(-1), &days(40)).await;
    move_to(&app, &w.admin, other, "cancelled")
        .await
        .assert_status(200);
    assert!(consistent(other, "cancellation").await);
}

#[actix_web::test]
async fn a_stored_consultation_is_true_until_the_clock_moves_its_status() {
    use chrono::{Duration, SecondsFormat, Utc};

    use crate::consultations::{announced, days, world};
    let app = spawn_app().await;
    let w = world(&app).await;
    // Opening two seconds from now (whole seconds, as the API keeps them).
    let opens = Utc::now() + Duration::seconds(2);
    let opens_at = opens.to_rfc3339_opts(SecondsFormat::Secs, true);
    let id = announced(&app, &w, &opens_at, &days(40)).await;
    let path = format!("/api/v1/consultations/{id}");
    let stored = |app: &TestApp| {
        app.with_conn(|conn| {
            razem::db::read_docs::all(conn, "consultation")
                .expect("docs")
                .into_iter()
                .find(|doc| doc.id == id)
                .expect("stored")
        })
    };
    let before = stored(&app);
    let before_status: Value = serde_json::from_str(&before.doc).expect("json");
    if Utc::now() < opens - Duration::milliseconds(100) {
        // Still before the opening (the announcement was quick enough to see it).
        assert_eq!(before_status["status"], "announced");
        let served = app.anonymous().get(&path).send().await.assert_status(200);
        assert_eq!(served.text(), before.doc, "served as stored until it opens");
    }
    let opened_at =
        serde_json::from_value::<chrono::DateTime<Utc>>(before_status["opens_at"].clone())
            .expect("opens_at");
    assert_eq!(
        before.valid_until,
        Some(opened_at.naive_utc()),
        "true until it opens"
    );

    // Once the opening has passed (no write happened), reads show it open.
    let wait = opens - Utc::now() + Duration::milliseconds(50);
    if let Ok(wait) = wait.to_std() {
        actix_web::rt::time::sleep(wait).await;
    }
    let served = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(served.json()["status"], "open");
    assert_eq!(served.etag_version(), before.version, "no write happened");
    // The read stored the new rendering, true until it closes.
    let after = stored(&app);
    assert_eq!(after.doc, served.text());
    let closes_at =
        serde_json::from_value::<chrono::DateTime<Utc>>(served.json()["closes_at"].clone())
            .expect("closes_at");
    assert_eq!(after.valid_until, Some(closes_at.naive_utc()));
    assert!(
        app.assert_read_model("consultation", "consultations", id, "opening")
            .await
    );
    let again = app.anonymous().get(&path).send().await.assert_status(200);
    assert_eq!(again.text(), after.doc, "then served as stored");
}

// ------------------------------------------------------------------ the page cache

const PAGE: &str = "/api/v1/positions?limit=5";

/// Writes `title` into the stored list item of position `id` behind the write path's
/// back (no generation raised): what a page kept by the page cache does not show until
/// a write of positions, and what a page read now does.
fn tamper_stored_item(app: &TestApp, id: i64, title: &str) {
    use diesel::prelude::*;
    use razem::db::schema::read_docs;
    let doc = app
        .with_conn(|conn| razem::db::read_docs::all(conn, KIND).expect("docs"))
        .into_iter()
        .find(|doc| doc.id == id)
        .expect("stored");
    let mut item: Value = serde_json::from_str(&doc.item).expect("json");
    item["title"] = json!(title);
    let updated = app.with_conn(|conn| {
        diesel::update(read_docs::table.find((KIND, id)))
            .set(read_docs::item.eq(item.to_string()))
            .execute(conn)
            .expect("update")
    });
    assert_eq!(updated, 1);
}

/// An anonymous page of [`PAGE`]: its body and its `ETag`.
async fn public_page(app: &TestApp) -> (Value, String) {
    let page = app.anonymous().get(PAGE).send().await.assert_status(200);
    (page.json().clone(), page.etag())
}

#[actix_web::test]
async fn a_cached_page_is_served_until_a_write_changes_an_item_on_it() {
    let app = spawn_app().await;
    app.seed_demo();
    let (before, etag) = public_page(&app).await;
    let id = before["items"][0].id();
    tamper_stored_item(&app, id, "Podmieniony");
    // Kept: the same bytes, and 304 for its tag without building anything.
    assert_eq!(public_page(&app).await, (before.clone(), etag.clone()));
    let not_modified = app
        .anonymous()
        .get(PAGE)
        .header("If-None-Match", etag.as_str())
        .send()
        .await
        .assert_status(304);
    assert_eq!(not_modified.etag(), etag);
    assert!(not_modified.text().is_empty());

    app.admin_write(
        "PATCH",
        format!("/api/v1/positions/{id}"),
        Some(json!({"summary": "Po zmianie w pamięci stron."})),
    )
    .await;
    let (after, new_etag) = public_page(&app).await;
    assert_ne!(new_etag, etag);
    assert_eq!(after["items"][0]["summary"], "Po zmianie w pamięci stron.");
    // The write rendered the item again from its rows: the tampering is gone.
    assert_eq!(after["items"][0]["title"], before["items"][0]["title"]);
    assert!(assert_consistent(&app, id, "the write after the page was kept").await);
    app.anonymous()
        .get(PAGE)
        .header("If-None-Match", etag.as_str())
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn a_cached_page_changes_when_an_organization_it_embeds_is_renamed() {
    let app = spawn_app().await;
    app.seed_demo();
    let (before, _) = public_page(&app).await;
    let association = before["items"][0]["association"].id();
    app.rename_organization(association, "Związek Przemianowany")
        .await;
    let (after, _) = public_page(&app).await;
    let items = after["items"].as_array().expect("items");
    assert_eq!(items[0]["association"]["name"], "Związek Przemianowany");
    assert!(
        items
            .iter()
            .filter(|item| item["association_id"] == json!(association))
            .all(|item| item["association"]["name"] == "Związek Przemianowany")
    );
}

#[actix_web::test]
async fn a_write_on_another_instance_makes_this_instances_pages_stale() {
    let app = spawn_app().await;
    app.seed_demo();
    let other = crate::helpers::spawn_instance_of(&app, |_| {}).await;
    let (before, _) = public_page(&app).await;
    let (seen_there, _) = public_page(&other).await;
    assert_eq!(seen_there, before);
    let id = before["items"][0].id();
    other
        .admin_write(
            "PATCH",
            format!("/api/v1/positions/{id}"),
            Some(json!({"summary": "Zmienione na drugiej instancji."})),
        )
        .await;
    for instance in [&app, &other] {
        let (after, _) = public_page(instance).await;
        assert_eq!(
            after["items"][0]["summary"],
            "Zmienione na drugiej instancji."
        );
    }
    let generation: i64 = app.with_conn(|conn| {
        razem::db::read_docs::generation(conn, KIND)
            .expect("generation")
            .expect("a position generation")
    });
    assert!(generation > 0, "the writes raised it: {generation}");
}

#[actix_web::test]
async fn a_private_caller_never_gets_a_cached_public_page() {
    let (app, opos, draft) = demo_with_draft("Szkic spoza pamięci").await;
    let draft = draft.id();
    let page = format!("/api/v1/positions?association={opos}&limit=100");
    let public = app.anonymous().get(&page).send().await.assert_status(200);
    assert!(!public.ids().contains(&draft));
    let first = public.ids()[0];
    tamper_stored_item(&app, first, "Podmieniony");
    // The public page is kept (the tampering does not show) ...
    let kept = app.anonymous().get(&page).send().await.assert_status(200);
    assert_eq!(kept.json(), public.json());
    // ... and those who see drafts read the page now: the draft, and the stored item
    // as it is now.
    for caller in [app.as_admin(), app.as_editor(opos)] {
        let private = caller.get(&page).send().await.assert_status(200);
        assert!(private.ids().contains(&draft));
        let index = private.ids().iter().position(|id| *id == first);
        assert_eq!(
            private.items()[index.expect("listed")]["title"],
            "Podmieniony"
        );
        assert_eq!(private.header("cache-control"), Some("no-store"));
    }
}

#[actix_web::test]
async fn a_cached_page_of_projects_changes_after_a_write_of_a_project_on_it() {
    let app = spawn_app().await;
    app.seed_demo();
    let page = "/api/v1/projects?limit=5";
    let before = app.anonymous().get(page).send().await.assert_status(200);
    let id = before.ids()[0];
    assert_eq!(
        app.anonymous()
            .get(page)
            .send()
            .await
            .assert_status(200)
            .json(),
        before.json()
    );
    app.admin_write(
        "PATCH",
        format!("/api/v1/projects/{id}"),
        Some(json!({"summary": "Nowe streszczenie projektu."})),
    )
    .await;
    let after = app.anonymous().get(page).send().await.assert_status(200);
    assert_ne!(after.etag(), before.etag());
    let index = after.ids().iter().position(|listed| *listed == id);
    assert_eq!(
        after.items()[index.expect("listed")]["summary"],
        "Nowe streszczenie projektu."
    );
}
