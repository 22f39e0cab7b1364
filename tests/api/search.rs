//! `GET /search` and the lists' `q`: one index on both backends, ranked, tolerant of
//! case, diacritics and Polish endings, current in the write's transaction, and never
//! finding what the caller may not read.

use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp, spawn_app, urlencode};

/// `(type, id)` of every hit of one search (first page, up to 100).
async fn hits(caller: Caller<'_>, query: &str) -> Vec<(String, i64)> {
    let response = caller
        .get(format!("/api/v1/search?limit=100&{query}"))
        .send()
        .await
        .assert_status(200);
    response
        .items()
        .iter()
        .map(|hit| {
            (
                hit["type"].as_str().unwrap().to_owned(),
                hit["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The hits of `q` (any type).
async fn found(caller: Caller<'_>, q: &str) -> Vec<(String, i64)> {
    hits(caller, &format!("q={}", urlencode(q))).await
}

/// The ids of one page of a list, read anonymously.
async fn list_ids(app: &TestApp, path: &str) -> Vec<i64> {
    app.anonymous()
        .get(path)
        .send()
        .await
        .assert_status(200)
        .ids()
}

fn position(id: i64) -> (String, i64) {
    ("position".to_owned(), id)
}

async fn association(app: &TestApp, name: &str) -> i64 {
    app.as_admin()
        .post("/api/v1/associations")
        .json(json!({"name": name, "kind": "association"}))
        .send()
        .await
        .assert_status(201)
        .id()
}

/// A draft position of `association`, written by an administrator.
async fn draft(app: &TestApp, association: i64, title: &str, summary: &str, body: &str) -> i64 {
    app.as_admin()
        .post("/api/v1/positions")
        .json(
            json!({"association_id": association, "kind": "position", "title": title,
                     "summary": summary, "body": body, "topics": ["finanse"]}),
        )
        .send()
        .await
        .assert_status(201)
        .id()
}

/// A published position (adopted).
async fn published(app: &TestApp, association: i64, title: &str, summary: &str, body: &str) -> i64 {
    let id = draft(app, association, title, summary, body).await;
    app.as_admin()
        .post(format!("/api/v1/positions/{id}/transitions"))
        .json(json!({"to": "adopted", "on": "2024-03-08"}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    id
}

#[actix_web::test]
async fn inflected_and_unaccented_words_are_found_and_titles_rank_first() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Testowy").await;
    let in_body = published(
        &app,
        a,
        "Stanowisko w sprawie finansów",
        "Streszczenie.",
        "Brakuje środków na budowę wodociągów i oświaty w małych gminach.",
    )
    .await;
    let in_title = published(&app, a, "Wodociągi gminne", "O wodociągach.", "Treść.").await;
    let unrelated = published(&app, a, "Drogi powiatowe", "Drogi.", "Remonty dróg.").await;

    for q in ["wodociągi", "WODOCIAGOW", "wodociąg", "Wodociągami"] {
        assert_eq!(
            found(app.anonymous(), q).await,
            vec![position(in_title), position(in_body)],
            "q={q}: the title match ranks first"
        );
    }
    for q in ["oświata", "oswiata", "OŚWIATY", "oświatę"] {
        assert_eq!(
            found(app.anonymous(), q).await,
            vec![position(in_body)],
            "q={q}"
        );
    }
    // Every word must match.
    assert_eq!(
        found(app.anonymous(), "wodociągi drogi").await,
        Vec::<(String, i64)>::new()
    );
    assert_eq!(
        found(app.anonymous(), "remont dróg").await,
        vec![position(unrelated)]
    );
    assert!(found(app.anonymous(), "kanalizacja").await.is_empty());

    let response = app
        .anonymous()
        .get(format!("/api/v1/search?q={}", urlencode("wodociągi")))
        .send()
        .await
        .assert_status(200);
    let first = &response.items()[0];
    assert_eq!(first["title"], "Wodociągi gminne");
    assert_eq!(first["url"], format!("/api/v1/positions/{in_title}"));
    assert!(
        first["score"].as_f64().unwrap() > response.items()[1]["score"].as_f64().unwrap(),
        "{response:?}"
    );
    assert_eq!(first["snippet"], "O <mark>wodociągach</mark>. Treść.");
    assert_eq!(
        response.items()[1]["snippet"],
        "Streszczenie. Brakuje środków na budowę <mark>wodociągów</mark> i oświaty w małych gminach."
    );
}

#[actix_web::test]
async fn the_types_filter_and_every_kind_of_resource() {
    let app = spawn_app().await;
    app.seed_demo();
    let slaski = app.id_of("slaski-zwiazek-gmin-i-powiatow").await;
    // The demo data is indexed: organizations by name, without diacritics.
    let everything = found(app.anonymous(), "slaski").await;
    assert!(
        everything.contains(&("organization".to_owned(), slaski)),
        "{everything:?}"
    );
    let organizations = hits(app.anonymous(), "q=slaski&types=organization").await;
    assert!(organizations.iter().all(|(kind, _)| kind == "organization"));
    assert!(organizations.contains(&("organization".to_owned(), slaski)));
    for kind in [
        "position",
        "consultation",
        "project",
        "practice",
        "organization",
    ] {
        // (A term of one or two letters is a whole word: `q=a` finds the conjunction.)
        let all = hits(app.anonymous(), &format!("q=pro&types={kind}")).await;
        assert!(!all.is_empty(), "the demo has a {kind} with a word on pro");
        assert!(all.iter().all(|(k, _)| k == kind), "{kind}: {all:?}");
    }
    // updated_since, as in the lists.
    assert!(
        hits(
            app.anonymous(),
            "q=slaski&updated_since=2999-01-01T00:00:00Z"
        )
        .await
        .is_empty()
    );
    assert_eq!(
        hits(
            app.anonymous(),
            "q=slaski&updated_since=2000-01-01T00:00:00Z"
        )
        .await,
        everything
    );
    let two = hits(app.anonymous(), "q=pro&types=project,%20practice,project").await;
    assert!(two.iter().all(|(k, _)| k == "project" || k == "practice"));
    assert!(two.iter().any(|(k, _)| k == "project") && two.iter().any(|(k, _)| k == "practice"));
    for bad in ["types=positions", "types=", "types=position,,project"] {
        app.anonymous()
            .get(format!("/api/v1/search?q=a&{bad}"))
            .send()
            .await
            .assert_problem(400, "invalid_query");
    }
}

#[actix_web::test]
async fn snippets_mark_matches_and_escape_everything_else() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Testowy").await;
    let id = published(
        &app,
        a,
        "<script>alert(1)</script> Wodociągi & kanalizacja",
        "\"Cytat\" o <b>kanalizacji</b> & 'wodzie'",
        "Treść.",
    )
    .await;
    let response = app
        .anonymous()
        .get("/api/v1/search?q=wodociagow")
        .send()
        .await
        .assert_status(200);
    let hit = &response.items()[0];
    assert_eq!(hit["id"], id);
    assert_eq!(
        hit["title"],
        "<script>alert(1)</script> Wodociągi & kanalizacja"
    );
    assert_eq!(
        hit["snippet"],
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Wodociągi</mark> &amp; kanalizacja"
    );
    let in_body = app
        .anonymous()
        .get("/api/v1/search?q=kanalizacji")
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        in_body.items()[0]["snippet"],
        "&quot;Cytat&quot; o &lt;b&gt;<mark>kanalizacji</mark>&lt;/b&gt; &amp; &#39;wodzie&#39; Treść."
    );
}

#[actix_web::test]
async fn drafts_are_found_only_by_those_who_may_read_them() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Właściciela").await;
    let other = association(&app, "Związek Obcy").await;
    let position_draft = draft(&app, a, "Szkic o melioracji", "Melioracja.", "Treść.").await;
    let consultation = app
        .as_admin()
        .post("/api/v1/consultations")
        .json(json!({"organizer_id": a, "direction": "outbound",
                     "title": "Konsultacje melioracji", "subject_kind": "programme",
                     "forms": ["online"], "eligibility": "public",
                     "opens_at": "2030-01-01T00:00:00Z", "closes_at": "2030-02-01T00:00:00Z"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let jst = app
        .as_admin()
        .post("/api/v1/organizations")
        .json(json!({"name": "Gmina Testowa", "kind": "jst", "teryt": "1661011"}))
        .send()
        .await
        .assert_status(201)
        .id();
    let practice = app
        .as_editor(jst)
        .post("/api/v1/practices")
        .json(json!({"title": "Melioracja łąk", "implementer_id": jst, "jst_id": jst}))
        .send()
        .await
        .assert_status(201)
        .id();
    let drafts = vec![
        ("consultation".to_owned(), consultation),
        ("position".to_owned(), position_draft),
        ("practice".to_owned(), practice),
    ];
    let mut all = found(app.as_admin(), "melioracja").await;
    all.sort();
    assert_eq!(all, drafts, "administrators find every draft");
    assert!(found(app.anonymous(), "melioracja").await.is_empty());
    assert!(found(app.as_editor(other), "melioracja").await.is_empty());
    assert!(found(app.as_viewer(), "melioracja").await.is_empty());
    let mut owners = found(app.as_editor(a), "melioracja").await;
    owners.sort();
    assert_eq!(owners, drafts[..2].to_vec(), "the association's editors");
    assert_eq!(
        found(app.as_editor(jst), "melioracja").await,
        vec![("practice".to_owned(), practice)],
        "the implementer's editors"
    );
    // The lists agree: the anonymous list hides the draft, the owner's shows it.
    for (caller, expected) in [(app.anonymous(), 0), (app.as_editor(a), 1)] {
        let list = caller
            .get("/api/v1/positions?q=melioracji")
            .send()
            .await
            .assert_status(200);
        assert_eq!(list.items().len(), expected);
    }
    // A partner token without positions:read does not search positions.
    let admin = app.admin().await;
    let token = app.api_token(&admin, a, &["projects:read"]).await;
    assert!(
        !found(app.with_token(&token), "melioracja")
            .await
            .iter()
            .any(|(kind, _)| kind == "position")
    );
    app.with_token(&token)
        .get("/api/v1/search?q=melioracja&types=position")
        .send()
        .await
        .assert_problem(403, "insufficient_scope");
    // Published, the position is found by everyone.
    app.as_admin()
        .patch(format!("/api/v1/positions/{position_draft}"))
        .json(json!({"body": "Treść."}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .post(format!("/api/v1/positions/{position_draft}/transitions"))
        .json(json!({"to": "adopted", "on": "2024-03-08"}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        found(app.anonymous(), "melioracja").await,
        vec![position(position_draft)]
    );
}

#[actix_web::test]
async fn the_index_changes_with_the_write_that_changes_the_row() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Testowy").await;
    let id = published(&app, a, "Retencja wody", "Zbiorniki.", "Treść.").await;
    assert_eq!(found(app.anonymous(), "retencja").await, vec![position(id)]);
    app.as_admin()
        .patch(format!("/api/v1/positions/{id}"))
        .json(json!({"title": "Susza w rolnictwie"}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    assert!(found(app.anonymous(), "retencja").await.is_empty());
    assert_eq!(found(app.anonymous(), "suszy").await, vec![position(id)]);
    let stored = app.with_conn(|conn| razem::db::search_docs::stored(conn, "position").unwrap());
    assert_eq!(stored, vec![(id, "Susza w rolnictwie".to_owned(), true)]);

    let sketch = draft(&app, a, "Szkic do usunięcia", "S.", "T.").await;
    assert_eq!(
        found(app.as_admin(), "usuniecia").await,
        vec![position(sketch)]
    );
    app.as_admin()
        .delete(format!("/api/v1/positions/{sketch}"))
        .if_match("*")
        .send()
        .await
        .assert_status(204);
    assert!(found(app.as_admin(), "usuniecia").await.is_empty());
    let stored = app.with_conn(|conn| razem::db::search_docs::stored(conn, "position").unwrap());
    assert_eq!(
        stored.len(),
        1,
        "the deleted draft left the index: {stored:?}"
    );

    // An organization renamed is found by its new name only.
    let renamed = app
        .as_admin()
        .patch(format!("/api/v1/organizations/{a}"))
        .json(json!({"name": "Stowarzyszenie Kaszubskie"}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    assert_eq!(renamed.json()["name"], "Stowarzyszenie Kaszubskie");
    assert!(found(app.anonymous(), "testowy").await.is_empty());
    assert_eq!(
        found(app.anonymous(), "kaszubskiego").await,
        vec![("organization".to_owned(), a)]
    );
    assert_eq!(
        list_ids(&app, "/api/v1/organizations?q=kaszubskie").await,
        vec![a]
    );
}

#[actix_web::test]
async fn every_list_q_reads_the_same_index_as_the_search() {
    let app = spawn_app().await;
    app.seed_demo();
    for (collection, kind) in [
        ("positions", "position"),
        ("consultations", "consultation"),
        ("projects", "project"),
        ("practices", "practice"),
        ("organizations", "organization"),
    ] {
        for q in ["gmin", "współpracy", "WSPOLPRACA", "wodę", "zzzz", "a"] {
            let mut searched: Vec<i64> =
                hits(app.anonymous(), &format!("q={}&types={kind}", urlencode(q)))
                    .await
                    .into_iter()
                    .map(|(_, id)| id)
                    .collect();
            let list = app
                .anonymous()
                .get(format!("/api/v1/{collection}?limit=100&q={}", urlencode(q)))
                .send()
                .await
                .assert_status(200);
            let mut listed = list.ids();
            searched.sort();
            listed.sort();
            assert_eq!(listed, searched, "{collection}?q={q}");
        }
    }
}

#[actix_web::test]
async fn pages_follow_the_ranking_without_repeats() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Testowy").await;
    for i in 0..5 {
        let title = format!("Budżet {i}");
        let body = "budżet ".repeat(i + 1);
        published(&app, a, &title, "Budżetowe.", &body).await;
    }
    let whole: Vec<Value> = app
        .anonymous()
        .get("/api/v1/search?q=budzet")
        .send()
        .await
        .assert_status(200)
        .items()
        .clone();
    assert_eq!(whole.len(), 5);
    let mut walked: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/api/v1/search?q=budzet&limit=2".to_owned(),
            Some(c) => format!("/api/v1/search?q=budzet&limit=2&cursor={c}"),
        };
        let page = app.anonymous().get(path).send().await.assert_status(200);
        walked.extend(page.items().iter().cloned());
        cursor = page.next_cursor();
        if cursor.is_none() {
            break;
        }
        assert!(page.header("link").is_some());
    }
    assert_eq!(walked, whole);
    app.anonymous()
        .get("/api/v1/search?q=budzet&cursor=eyJzIjoidGl0bGUiLCJpIjoxfQ")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
    app.anonymous()
        .get("/api/v1/search?q=budzet&cursor=nonsense")
        .send()
        .await
        .assert_problem(400, "invalid_cursor");
}

#[actix_web::test]
async fn queries_without_words_or_too_long_are_refused() {
    let app = spawn_app().await;
    for (query, code) in [
        ("", "search_query_empty"),
        ("q=", "search_query_empty"),
        ("q=%20%20%20", "search_query_empty"),
        ("q=%22*%3A%26%7C!()-", "search_query_empty"),
        // NUL is refused by the query extractor, as in every query.
        ("q=%00", "invalid_query"),
    ] {
        app.anonymous()
            .get(format!("/api/v1/search?{query}"))
            .send()
            .await
            .assert_problem(400, code);
    }
    let long = "a".repeat(201);
    app.anonymous()
        .get(format!("/api/v1/search?q={long}"))
        .send()
        .await
        .assert_problem(400, "search_query_too_long");
    app.anonymous()
        .get(format!("/api/v1/search?q={}", "a".repeat(200)))
        .send()
        .await
        .assert_status(200);
    for bad in ["q=a&limit=0", "q=a&limit=101", "q=a&colour=red"] {
        app.anonymous()
            .get(format!("/api/v1/search?{bad}"))
            .send()
            .await
            .assert_problem(400, "invalid_query");
    }
}

#[actix_web::test]
async fn no_query_text_makes_either_database_fail() {
    let app = spawn_app().await;
    app.seed_demo();
    let nasty = [
        "\"",
        "\"\"",
        "*",
        "a*",
        "*a",
        "NEAR",
        "NEAR(a b)",
        "a NEAR b",
        "-a",
        "a -b",
        "a:b",
        "a:*",
        "'a':*",
        "a & b",
        "a | b",
        "!a",
        "(a",
        "a)",
        "()",
        "a OR b",
        "a AND NOT b",
        "AND",
        "OR",
        "NOT",
        "^a",
        "a + b",
        "{a b}",
        "col:a",
        "title_words:gmina",
        "\\",
        "'",
        "''",
        "a'b",
        "a\"b",
        "%",
        "_",
        "a\0b",
        "\u{0}",
        "<->",
        "a <-> b",
        "a <2> b",
        "😀",
        "中文",
        "Ελληνικά",
        "ﬁ ligature",
        "ǅ",
        "١٢٣",
        "\u{202e}abc",
        "a\tb\nc",
        "--",
        ";",
        "'; DROP TABLE search_docs; --",
        "1e308",
        "NaN",
    ];
    for q in nasty {
        for path in [
            format!("/api/v1/search?q={}", urlencode(q)),
            format!("/api/v1/positions?q={}", urlencode(q)),
            format!("/api/v1/organizations?q={}", urlencode(q)),
        ] {
            let response = app.anonymous().get(&path).send().await;
            let status = response.status().as_u16();
            assert!(
                status == 200 || status == 400,
                "{path}: {status} {}",
                response.text()
            );
        }
    }
}

#[actix_web::test]
async fn the_rebuild_indexes_every_row_again() {
    let app = spawn_app().await;
    app.seed_demo();
    let before = found(app.as_admin(), "gmin").await;
    assert!(!before.is_empty());
    let indexed = app.with_conn(|conn| {
        razem::db::search_docs::clear(conn).unwrap();
        razem::read_model::rebuild(conn).unwrap()
    });
    assert!(indexed > before.len());
    assert_eq!(found(app.as_admin(), "gmin").await, before);
}

#[actix_web::test]
async fn synthetic_data_is_indexed() {
    let app = spawn_app().await;
    app.with_conn(|conn| razem::seed::load_synthetic(conn, 30, 1, &mut |_, _| {}).unwrap());
    let published: i64 = app
        .anonymous()
        .get("/api/v1/positions?limit=100")
        .send()
        .await
        .assert_status(200)
        .items()
        .len() as i64;
    let found = hits(app.anonymous(), "q=samorzadu&types=position").await;
    assert!(
        !found.is_empty() && found.len() as i64 <= published,
        "{found:?}"
    );
    let listed = app
        .anonymous()
        .get("/api/v1/positions?limit=100&q=samorz%C4%85du")
        .send()
        .await
        .assert_status(200);
    assert_eq!(listed.items().len(), found.len());
}

/// The items of every page of `path` (a query with its `limit`), read anonymously.
async fn all_pages(app: &TestApp, path: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let next = match &cursor {
            None => path.to_owned(),
            Some(c) => format!("{path}&cursor={c}"),
        };
        let page = app.anonymous().get(next).send().await.assert_status(200);
        all.extend(page.items().iter().cloned());
        cursor = page.next_cursor();
        if cursor.is_none() {
            return all;
        }
    }
}

/// `(type, id)` of every hit of `q`, walked page by page (`limit` per page).
async fn walked(app: &TestApp, q: &str, limit: usize) -> Vec<(String, i64)> {
    all_pages(app, &format!("/api/v1/search?q={q}&limit={limit}"))
        .await
        .iter()
        .map(|hit| {
            (
                hit["type"].as_str().unwrap().to_owned(),
                hit["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The anonymous search for `q` finds these positions, best first: on one page, and
/// page by page (`limit` per page).
async fn finds_in_order(app: &TestApp, q: &str, positions: &[i64], limit: usize) {
    let expected: Vec<(String, i64)> = positions.iter().map(|&id| position(id)).collect();
    assert_eq!(found(app.anonymous(), q).await, expected);
    assert_eq!(walked(app, q, limit).await, expected);
}

/// The search ranks only the `RAZEM_SEARCH_CANDIDATES` most recently indexed matches
/// the caller may see (issue 17: its work does not grow with the matches); a change
/// makes an entry recent again; the cursor pages through that one ranked set; the
/// lists' `q` is not bounded.
#[actix_web::test]
async fn the_search_ranks_only_the_most_recently_indexed_matches() {
    let app = crate::helpers::spawn_app_with(|config| config.search_candidates = 3).await;
    let a = association(&app, "Związek Testowy").await;
    let mut ids = Vec::new();
    for (i, river) in ["Odra", "Warta", "Wisła", "Narew", "Pilica"]
        .iter()
        .enumerate()
    {
        // The older the position, the better its rank (more "retencja" in the body).
        let body = "retencja ".repeat(6 - i);
        ids.push(published(&app, a, &format!("Zbiornik {river}"), "Woda.", &body).await);
    }
    // Drafts written after them are not the anonymous caller's candidates: visibility
    // comes before the bound.
    for i in 0..3 {
        draft(&app, a, &format!("Szkic {i}"), "Retencja.", "Retencja.").await;
    }
    // The three last written of the five, best first.
    finds_in_order(&app, "retencja", &[ids[2], ids[3], ids[4]], 1).await;
    // The first one changes: it is a candidate again, and the oldest left is not.
    app.as_admin()
        .patch(format!("/api/v1/positions/{}", ids[0]))
        .json(json!({"summary": "Woda i retencja."}))
        .if_match("*")
        .send()
        .await
        .assert_status(200);
    finds_in_order(&app, "retencja", &[ids[0], ids[3], ids[4]], 2).await;
    // An administrator sees the drafts, so they are the last written of theirs.
    assert_eq!(found(app.as_admin(), "retencja").await.len(), 3);
    // A narrower question still finds its own matches: the bound is on what it asks.
    assert_eq!(
        found(app.anonymous(), "warta retencja").await,
        vec![position(ids[1])]
    );
    // The list's q is exact.
    let listed = app
        .anonymous()
        .get("/api/v1/positions?q=retencja&limit=100")
        .send()
        .await
        .assert_status(200);
    let mut listed = listed.ids();
    listed.sort();
    assert_eq!(listed, ids);
}

/// A term of one or two characters matches that whole word, in the search, its
/// snippets and the lists (as a prefix it would reach much of the vocabulary).
#[actix_web::test]
async fn terms_of_one_or_two_characters_match_whole_words() {
    let app = spawn_app().await;
    let a = association(&app, "Związek Testowy").await;
    // (Positions are numbered 1/… and 2/…: the digits below are none of those.)
    let short = published(&app, a, "Remont ul. Długiej", "Droga nr 7.", "Treść.").await;
    let long = published(&app, a, "Remont ulicy Krótkiej", "Droga nr 7026.", "Treść.").await;
    assert_eq!(found(app.anonymous(), "ul").await, vec![position(short)]);
    assert_eq!(found(app.anonymous(), "nr 7").await, vec![position(short)]);
    assert_eq!(found(app.anonymous(), "uli").await, vec![position(long)]);
    let mut both = found(app.anonymous(), "remont nr").await;
    both.sort();
    assert_eq!(both, vec![position(short), position(long)]);
    assert_eq!(
        all_pages(&app, "/api/v1/search?q=ul").await[0]["snippet"],
        "Remont <mark>ul</mark>. Długiej"
    );
    assert_eq!(list_ids(&app, "/api/v1/positions?q=ul").await, vec![short]);
}

/// Every form a list's `q` takes on SQLite (by how many entries match: a set of ids
/// read by key, a set tested while the list walks its order) gives the list the rows
/// the search finds, page after page, on a synthetic set where a common word matches
/// more than 1000 positions.
#[actix_web::test]
async fn a_list_q_finds_the_same_rows_however_many_match() {
    let app = crate::helpers::spawn_app_with(|config| config.search_candidates = 10_000).await;
    app.with_conn(|conn| razem::seed::load_synthetic(conn, 1200, 1, &mut |_, _| {}).unwrap());
    for (q, at_least) in [
        ("samorzadu", 1001),
        ("oswiaty", 1),
        ("sciekow", 1),
        ("kosmodrom", 0),
    ] {
        let listed: Vec<i64> = all_pages(&app, &format!("/api/v1/positions?q={q}&limit=100"))
            .await
            .iter()
            .map(|item| item["id"].as_i64().unwrap())
            .collect();
        assert!(listed.len() >= at_least, "{q}: {}", listed.len());
        let mut sorted = listed.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), listed.len(), "{q}: no repeats across pages");
        let mut searched: Vec<i64> = walked(&app, &format!("{q}&types=position"), 100)
            .await
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        searched.sort();
        assert_eq!(sorted, searched, "{q}");
    }
}

/// The candidates of a word most entries have and of a word few have are found in two
/// ways on PostgreSQL (`db::search_docs::search`: the primary key walked backwards,
/// visibility tested before the match; the GIN index), chosen from the planner's
/// estimates. Either way a search ranks the most recently indexed matches the caller
/// may see, best first, and finds no draft of an association the caller is not in,
/// however many drafts were written last; SQLite answers the same.
#[actix_web::test]
async fn dense_and_sparse_words_find_the_visible_matches_ranked() {
    use razem::db::DbConnection;
    use razem::db::search_docs::{Question, Reach, walks_backwards};

    let app = crate::helpers::spawn_app_with(|config| config.search_candidates = 3).await;
    let a = association(&app, "Związek Testowy").await;
    let other = association(&app, "Związek Obcy").await;
    let mut dense = Vec::new();
    let mut sparse = Vec::new();
    for i in 0..24 {
        // "retencja" in every position, more often in the last three, so that their
        // rank is not the order of writing (4, 2, 3 times); "kanalizacja" in two.
        let repeats = match i {
            21 => 4,
            22 => 2,
            23 => 3,
            _ => 1,
        };
        // Five words of its own each: PostgreSQL estimates a prefix from the statistics
        // only when they hold at least 100 distinct words (else 2 % of the rows).
        let own: Vec<String> = (0..5).map(|j| format!("wyraz{i}n{j}")).collect();
        let mut body = format!("{}{}", "retencja ".repeat(repeats), own.join(" "));
        if i == 5 || i == 9 {
            body.push_str(&" kanalizacja".repeat(i / 4));
        }
        let id = published(&app, a, &format!("Zbiornik {i}"), "Woda.", &body).await;
        dense.push(id);
        if i == 5 || i == 9 {
            sparse.push(id);
        }
    }
    // Drafts of `a`, written last: the newest entries of both words.
    let mut drafts = Vec::new();
    for i in 0..4 {
        let body = "retencja kanalizacja ".repeat(i + 1);
        drafts.push(draft(&app, a, &format!("Szkic {i}"), "Woda.", &body).await);
    }
    let walks = |q: &str, drafts_of: Vec<i64>| {
        app.with_conn(|conn| {
            if let DbConnection::Pg(pg) = conn {
                diesel::RunQueryDsl::execute(diesel::sql_query("ANALYZE search_docs"), pg).unwrap();
            }
            let reach = [Reach {
                kind: "position",
                drafts_of: Some(drafts_of),
            }];
            walks_backwards(
                conn,
                &Question {
                    reach: &reach,
                    terms: &[q.to_owned()],
                    after: None,
                    updated_since: None,
                    fetch: 21,
                    candidates: 3,
                },
            )
            .unwrap()
        })
    };
    if app.with_conn(|conn| matches!(conn, DbConnection::Pg(_))) {
        assert!(walks("retencj", Vec::new()), "a dense word walks");
        assert!(walks("retencj", vec![a]), "for the owner's editors too");
        assert!(
            !walks("kanalizacj", Vec::new()),
            "a sparse word reads the GIN index"
        );
    }
    // Anonymous: the last three published (the drafts come before the bound, unseen),
    // best first; the sparse word's two, the one with more of it first.
    finds_in_order(&app, "retencja", &[dense[21], dense[23], dense[22]], 1).await;
    finds_in_order(&app, "kanalizacja", &[sparse[1], sparse[0]], 1).await;
    for who in ["anonymous", "another association's editor", "a viewer"] {
        for q in ["retencja", "kanalizacja", "retencja kanalizacja", "szkic"] {
            let caller = match who {
                "anonymous" => app.anonymous(),
                "a viewer" => app.as_viewer(),
                _ => app.as_editor(other),
            };
            let seen = found(caller, q).await;
            assert!(
                seen.iter().all(|(_, id)| !drafts.contains(id)),
                "{who}, {q}: {seen:?} holds a draft"
            );
        }
    }
    // The owner's editors: the three newest are drafts, best first (more words).
    let own = |ids: &[i64]| ids.iter().map(|&id| position(id)).collect::<Vec<_>>();
    assert_eq!(
        found(app.as_editor(a), "retencja").await,
        own(&[drafts[3], drafts[2], drafts[1]])
    );
    assert_eq!(
        found(app.as_editor(a), "kanalizacja").await,
        own(&[drafts[3], drafts[2], drafts[1]])
    );
}
