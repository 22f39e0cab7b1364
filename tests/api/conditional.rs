//! Conditional reads: `If-None-Match` answers 304 without a body on single resources and
//! list pages (`*`, lists of tags, weak comparison), a stale tag gets the full 200, and
//! public reads say how a cache may keep them while signed-in reads say `no-store`.

use serde_json::json;

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app};

/// A public position of the demo data set.
async fn public_position(app: &TestApp) -> String {
    app.seed_demo();
    let page = app
        .anonymous()
        .get("/api/v1/positions?limit=1")
        .send()
        .await
        .assert_status(200);
    format!("/api/v1/positions/{}", page.ids()[0])
}

async fn read(app: &TestApp, path: &str, if_none_match: &str) -> TestResponse {
    app.anonymous()
        .get(path)
        .header("If-None-Match", if_none_match)
        .send()
        .await
}

fn assert_not_modified(response: &TestResponse, etag: &str, cache_control: &str) {
    assert_eq!(response.status(), 304, "{}", response.text());
    assert_eq!(response.text(), "", "a 304 has no body");
    assert_eq!(response.etag(), etag);
    assert_eq!(response.header("cache-control"), Some(cache_control));
    assert!(
        response
            .header("vary")
            .is_some_and(|v| v.contains("Authorization")),
        "{:?}",
        response.header("vary")
    );
}

#[actix_web::test]
async fn a_single_resource_answers_304_to_its_current_tag_and_200_to_a_stale_one() {
    let app = spawn_app().await;
    let path = public_position(&app).await;
    let first = app.anonymous().get(&path).send().await.assert_status(200);
    let etag = first.etag();
    assert_eq!(first.etag_version(), first.version());
    assert_eq!(first.header("cache-control"), Some("no-cache"));

    assert_not_modified(&read(&app, &path, &etag).await, &etag, "no-cache");
    // Weak comparison: W/"n" names the same version.
    assert_not_modified(
        &read(&app, &path, &format!("W/{etag}")).await,
        &etag,
        "no-cache",
    );
    // A list of tags matches when one of them is current.
    let listed = format!("\"999\", {etag}");
    assert_not_modified(&read(&app, &path, &listed).await, &etag, "no-cache");

    let stale = read(&app, &path, "\"999\"").await.assert_status(200);
    assert_eq!(
        stale.json(),
        first.json(),
        "a stale tag gets the whole resource"
    );
    assert_eq!(stale.etag(), etag);
    // A malformed value is refused, as a malformed If-Match is.
    read(&app, &path, "garbage")
        .await
        .assert_problem(400, "invalid_header");
}

#[actix_web::test]
async fn star_matches_any_current_resource_and_not_a_missing_one() {
    let app = spawn_app().await;
    let path = public_position(&app).await;
    let etag = app.anonymous().get(&path).send().await.etag();
    assert_not_modified(&read(&app, &path, "*").await, &etag, "no-cache");
    read(&app, "/api/v1/positions/999999", "*")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_list_page_has_a_digest_tag_and_answers_304_until_it_changes() {
    let app = spawn_app().await;
    app.seed_demo();
    let path = "/api/v1/organizations?limit=5";
    let first = app.anonymous().get(path).send().await.assert_status(200);
    let etag = first.etag();
    let list_cache = "public, max-age=5, must-revalidate";
    assert_eq!(first.header("cache-control"), Some(list_cache));
    let again = app.anonymous().get(path).send().await.assert_status(200);
    assert_eq!(again.etag(), etag, "the same page has the same tag");
    let other = app
        .anonymous()
        .get("/api/v1/organizations?limit=6")
        .send()
        .await;
    assert_ne!(other.etag(), etag, "another page has another tag");

    assert_not_modified(&read(&app, path, &etag).await, &etag, list_cache);
    assert_not_modified(&read(&app, path, "*").await, &etag, list_cache);

    // A change on the page changes its tag: the old one gets the new page.
    let first_id = first.ids()[0];
    let organization = app
        .as_admin()
        .get(format!("/api/v1/organizations/{first_id}"))
        .send()
        .await;
    app.as_admin()
        .patch(format!("/api/v1/organizations/{first_id}"))
        .if_match(organization.etag())
        .json(json!({"short_name": "Nowa nazwa skrócona"}))
        .send()
        .await
        .assert_status(200);
    let changed = read(&app, path, &etag).await.assert_status(200);
    assert_ne!(changed.etag(), etag);
    assert_eq!(changed.items()[0].id(), first_id);
    assert_eq!(changed.items()[0]["short_name"], "Nowa nazwa skrócona");
}

#[actix_web::test]
async fn signed_in_reads_are_not_cacheable_but_still_conditional() {
    let app = spawn_app().await;
    let path = public_position(&app).await;
    for path in [path.as_str(), "/api/v1/positions?limit=3"] {
        let private = app.as_admin().get(path).send().await.assert_status(200);
        assert_eq!(private.header("cache-control"), Some("no-store"), "{path}");
        let etag = private.etag();
        let revalidated = app
            .as_admin()
            .get(path)
            .header("If-None-Match", &etag)
            .send()
            .await;
        assert_eq!(revalidated.status(), 304, "{path}");
        assert_eq!(revalidated.text(), "");
        assert_eq!(revalidated.header("cache-control"), Some("no-store"));
        assert_eq!(revalidated.etag(), etag);
    }
}

#[actix_web::test]
async fn writes_ignore_if_none_match() {
    let app = spawn_app().await;
    app.seed_demo();
    let id = app
        .anonymous()
        .get("/api/v1/organizations?limit=1")
        .send()
        .await
        .ids()[0];
    let path = format!("/api/v1/organizations/{id}");
    let current = app.as_admin().get(&path).send().await;
    let changed = app
        .as_admin()
        .patch(&path)
        .if_match(current.etag())
        .header("If-None-Match", "*")
        .json(json!({"short_name": "Krótko"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.json()["short_name"], "Krótko");
    let stored = app.anonymous().get(&path).send().await;
    assert_eq!(stored.json()["short_name"], "Krótko");
}

#[actix_web::test]
async fn a_malformed_if_none_match_is_400_invalid_header() {
    let app = spawn_app().await;
    let path = public_position(&app).await;
    for value in ["", "3\"", "\"a\"b", "W/", "\"a,b\"", "a b"] {
        read(&app, &path, value)
            .await
            .assert_problem(400, "invalid_header");
        read(&app, "/api/v1/positions", value)
            .await
            .assert_problem(400, "invalid_header");
    }
    // What the grammar allows is read: a list of tags, bare versions, `*`.
    for value in ["\"0\", W/\"x\"", "7", "*"] {
        let status = read(&app, &path, value).await.status();
        assert!(status == 200 || status == 304, "{value}: {status}");
    }
}

/// Renames an organization (as an administrator, with its current tag).
async fn rename(app: &TestApp, organization_id: i64, name: &str) {
    let path = format!("/api/v1/organizations/{organization_id}");
    let current = app.as_admin().get(&path).send().await.assert_status(200);
    app.as_admin()
        .patch(&path)
        .if_match(current.etag())
        .json(json!({"name": name}))
        .send()
        .await
        .assert_status(200);
}

/// A resource embeds an organization: renaming it keeps the resource's version but
/// changes its representation, so the old tag gets a 200 with the new name and a new
/// tag, and that old tag still passes `If-Match` (which compares versions).
async fn renaming_an_embedded_organization_changes_the_tag(
    app: &TestApp,
    path: &str,
    embedded: &str,
    patch: serde_json::Value,
) {
    let first = app.anonymous().get(path).send().await.assert_status(200);
    let etag = first.etag();
    assert_not_modified(&read(app, path, &etag).await, &etag, "no-cache");
    let organization_id = first.json()[format!("{embedded}_id")]
        .as_i64()
        .expect("the embedded organization's id");
    let name = format!("Nowa nazwa {organization_id}");
    rename(app, organization_id, &name).await;

    let renamed = read(app, path, &etag).await.assert_status(200);
    assert_eq!(renamed.json()[embedded]["name"], name.as_str(), "{path}");
    assert_ne!(
        renamed.etag(),
        etag,
        "{path}: a new representation, a new tag"
    );
    assert_eq!(renamed.etag_version(), first.etag_version(), "{path}");
    assert_eq!(renamed.json()["version"], first.json()["version"]);
    let new_etag = renamed.etag();
    assert_not_modified(&read(app, path, &new_etag).await, &new_etag, "no-cache");

    let changed = app
        .as_admin()
        .patch(path)
        .if_match(etag)
        .json(patch)
        .send()
        .await
        .assert_status(200);
    assert_eq!(changed.etag_version(), first.etag_version() + 1);
    // The write's answer is tagged as a read of it would be.
    let read_back = app.anonymous().get(path).send().await.assert_status(200);
    assert_eq!(read_back.etag(), changed.etag(), "{path}");
}

#[actix_web::test]
async fn renaming_an_embedded_organization_is_no_stale_304() {
    let app = spawn_app().await;
    let position = public_position(&app).await;
    renaming_an_embedded_organization_changes_the_tag(
        &app,
        &position,
        "association",
        json!({"summary": "Po zmianie nazwy stowarzyszenia."}),
    )
    .await;
    let project = app
        .anonymous()
        .get("/api/v1/projects?limit=1")
        .send()
        .await
        .assert_status(200)
        .ids()[0];
    renaming_an_embedded_organization_changes_the_tag(
        &app,
        &format!("/api/v1/projects/{project}"),
        "lead",
        json!({"summary": "Po zmianie nazwy lidera."}),
    )
    .await;
}
