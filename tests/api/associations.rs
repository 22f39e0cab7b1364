use diesel::prelude::*;
use razem::db::schema::organizations;
use razem::domain::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn demo_alliance_and_its_nine_associations_are_served() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let opos = app
        .anonymous()
        .get("/api/v1/associations/opos")
        .send()
        .await
        .assert_status(200);
    assert_eq!(opos.json()["short_name"], "OPOS");
    assert_eq!(opos.json()["kind"], "alliance");
    assert_eq!(
        opos.json()["name"],
        "Ogólnopolskie Porozumienie Organizacji Samorządowych"
    );
    let associations = app
        .anonymous()
        .get("/api/v1/associations?kind=association&limit=100")
        .send()
        .await;
    let names: Vec<&str> = associations.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 9, "seeding twice changes nothing: {names:?}");
    for name in [
        "Śląski Związek Gmin i Powiatów",
        "Związek Miast i Gmin Regionu Świętokrzyskiego",
        "Podkarpackie Stowarzyszenie Samorządów Terytorialnych",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let all = app
        .anonymous()
        .get("/api/v1/associations?limit=100")
        .send()
        .await;
    assert_eq!(
        all.json()["items"].as_array().unwrap().len(),
        13,
        "alliance, 9 associations, 3 national associations"
    );
    app.anonymous()
        .get("/api/v1/associations/ks")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get("/api/v1/associations?kind=jst")
        .send()
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn editor_of_one_association_cannot_change_another() {
    let app = spawn_app().await;
    app.seed_demo();
    let slaski = app
        .anonymous()
        .get("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .send()
        .await;
    let slaski_id = slaski.id();
    let editor = app
        .person("biuro@silesia.example.org", Role::Editor, &[slaski_id])
        .await
        .token;

    let own = app
        .with_token(&editor)
        .patch("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .json(json!({"website": "https://www.silesia.org.pl"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(own.json()["website"], "https://www.silesia.org.pl");

    let before: (String, i64) = app.with_conn(|conn| {
        organizations::table
            .filter(organizations::slug.eq("zwiazek-gmin-lubelszczyzny"))
            .select((organizations::name, organizations::version))
            .first(conn)
            .unwrap()
    });
    let other = app
        .with_token(&editor)
        .patch("/api/v1/associations/zwiazek-gmin-lubelszczyzny")
        .json(json!({"name": "Przejęty"}))
        .if_match(1)
        .send()
        .await;
    other.assert_problem(403, "forbidden");
    let after: (String, i64) = app.with_conn(|conn| {
        organizations::table
            .filter(organizations::slug.eq("zwiazek-gmin-lubelszczyzny"))
            .select((organizations::name, organizations::version))
            .first(conn)
            .unwrap()
    });
    assert_eq!(before, after, "the other association is unchanged");

    let anonymous = app
        .anonymous()
        .patch("/api/v1/associations/zwiazek-gmin-lubelszczyzny")
        .json(json!({"name": "Przejęty"}))
        .if_match(1)
        .send()
        .await;
    anonymous.assert_problem(401, "authentication_required");

    let by_admin = app
        .as_admin()
        .patch("/api/v1/associations/zwiazek-gmin-lubelszczyzny")
        .json(json!({"short_name": "ZGL"}))
        .if_match(1)
        .send()
        .await
        .assert_status(200);
    assert_eq!(by_admin.json()["short_name"], "ZGL");
    assert_eq!(by_admin.version(), 2);

    let kind_change = app
        .with_token(&editor)
        .patch("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .json(json!({"kind": "alliance"}))
        .if_match(2)
        .send()
        .await;
    kind_change.assert_problem(403, "forbidden");
    let to_jst = app
        .as_admin()
        .patch("/api/v1/associations/slaski-zwiazek-gmin-i-powiatow")
        .json(json!({"kind": "jst"}))
        .if_match(2)
        .send()
        .await;
    to_jst.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn associations_are_created_by_admins_only() {
    let app = spawn_app().await;
    let created = app.as_admin().post("/api/v1/associations").json(json!({"name": "Związek Gmin Warmińsko-Mazurskich", "kind": "association", "address": {"voivodeship": "warmińsko-mazurskie"}})).send()
        .await.assert_status(201);
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/associations/{}", created.json()["id"]).as_str())
    );
    let not_association = app
        .as_admin()
        .post("/api/v1/associations")
        .json(json!({"name": "Fundacja", "kind": "ngo"}))
        .send()
        .await;
    not_association.assert_problem(422, "validation_failed");
    assert_eq!(not_association.error_fields(), vec!["kind"]);
}
