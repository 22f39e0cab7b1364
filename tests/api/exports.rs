//! Exports of lists (`Accept: text/csv` and `application/x-ndjson`): the whole filtered
//! set in the list's order, the contract's CSV header (also on an empty set), formula
//! defusing, visibility, negotiation, the licence, every list of the contract, and a
//! large export served in constant memory by a real server process.

use std::collections::HashSet;

use razem::seed::load_synthetic;
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, TestResponse, spawn_app};

const CSV: &str = "text/csv";
const NDJSON: &str = "application/x-ndjson";
const BOM: &str = "\u{feff}";

async fn export(app: &TestApp, token: Option<&str>, path: &str, accept: &str) -> TestResponse {
    app.caller(token)
        .get(path)
        .header("Accept", accept)
        .send()
        .await
}

/// Every item of a JSON list, page after page.
async fn all_items(app: &TestApp, token: Option<&str>, path: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}{separator}limit=100&cursor={c}"),
            None => format!("{path}{separator}limit=100"),
        };
        let page = app.caller(token).get(url).send().await.assert_status(200);
        items.extend(page.items().iter().cloned());
        match page.next_cursor() {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

/// The rows of a CSV export after its BOM (header first), asserting the framing.
#[track_caller]
fn csv_rows(response: &TestResponse) -> Vec<Vec<String>> {
    assert_eq!(response.status(), 200, "body: {}", response.text());
    assert_eq!(response.content_type(), "text/csv; charset=utf-8");
    let text = response.text();
    assert!(
        text.starts_with(BOM),
        "no BOM: {:?}",
        &text[..text.len().min(20)]
    );
    assert!(text.ends_with("\r\n"));
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&text.as_bytes()[BOM.len()..])
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[track_caller]
fn ndjson_items(response: &TestResponse) -> Vec<Value> {
    assert_eq!(response.status(), 200, "body: {}", response.text());
    assert_eq!(response.content_type(), NDJSON);
    response
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON item per line"))
        .collect()
}

/// The CSV header the contract documents for a list path.
async fn contract_header(app: &TestApp, path: &str) -> String {
    let document = app.served_document().await;
    let example = document["paths"][path]["get"]["responses"]["200"]["content"][CSV]["example"]
        .as_str()
        .unwrap_or_else(|| panic!("no CSV example for {path}"))
        .to_owned();
    let header = example
        .trim_start_matches(BOM)
        .split("\r\n")
        .next()
        .unwrap_or_default();
    header.to_owned()
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let index = rows[0]
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|row| row[index].clone()).collect()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| item.id().to_string()).collect()
}

#[actix_web::test]
async fn csv_and_ndjson_are_the_whole_filtered_set_in_the_lists_order() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    for path in [
        format!("/api/v1/positions?association={opos}&sort=adopted_on"),
        "/api/v1/organizations?kind=jst".to_owned(),
        "/api/v1/consultations?sort=-closes_at".to_owned(),
        "/api/v1/events?sort=-starts_on".to_owned(),
        "/api/v1/practices".to_owned(),
    ] {
        let expected = all_items(&app, None, &path).await;
        assert!(!expected.is_empty(), "{path} has no demo rows");

        let lines = ndjson_items(&export(&app, None, &path, NDJSON).await);
        assert_eq!(
            lines, expected,
            "{path}: NDJSON is the JSON items, in order"
        );

        let rows = csv_rows(&export(&app, None, &path, CSV).await);
        let list = path.split('?').next().unwrap_or_default();
        assert_eq!(
            rows[0].join(";"),
            contract_header(&app, list).await,
            "{path}"
        );
        assert_eq!(
            column(&rows, "id"),
            ids(&expected),
            "{path}: CSV rows in order"
        );
        assert!(rows.iter().all(|row| row.len() == rows[0].len()));
    }
}

#[actix_web::test]
async fn csv_cells_are_the_items_fields_with_nested_objects_as_dotted_columns() {
    let app = spawn_app().await;
    app.seed_demo();
    let path = "/api/v1/positions";
    let expected = all_items(&app, None, path).await;
    let rows = csv_rows(&export(&app, None, path, CSV).await);
    assert_eq!(rows.len(), expected.len() + 1);
    let titles = column(&rows, "title");
    let associations = column(&rows, "association.name");
    let topics = column(&rows, "topics");
    let adopted = column(&rows, "adopted_on");
    for (i, item) in expected.iter().enumerate() {
        assert_eq!(titles[i], item["title"].as_str().unwrap_or_default());
        assert_eq!(
            associations[i],
            item["association"]["name"].as_str().unwrap_or_default()
        );
        // Arrays are their JSON text; null is an empty cell.
        let listed: Value = serde_json::from_str(&topics[i]).expect("JSON text");
        assert_eq!(listed, item["topics"]);
        assert_eq!(adopted[i], item["adopted_on"].as_str().unwrap_or_default());
    }
}

#[actix_web::test]
async fn formulas_are_defused_and_drafts_are_exported_only_to_those_who_see_them() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let admin = app.admin().await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"kliknij\")";
    let draft = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({
            "association_id": opos,
            "kind": "position",
            "title": formula,
            "summary": "+48 32 123 45 67",
            "body": "Treść.",
            "topics": ["-finanse"]
        }))
        .send()
        .await
        .assert_status(201)
        .id()
        .to_string();

    let rows = csv_rows(&export(&app, Some(&admin), "/api/v1/positions", CSV).await);
    let at = column(&rows, "id")
        .iter()
        .position(|id| *id == draft)
        .expect("the admin's export has the draft");
    assert_eq!(column(&rows, "title")[at], format!("'{formula}"));
    assert_eq!(column(&rows, "summary")[at], "'+48 32 123 45 67");
    assert_eq!(column(&rows, "status")[at], "draft");

    for format in [CSV, NDJSON] {
        let anonymous = export(&app, None, "/api/v1/positions", format).await;
        assert_eq!(anonymous.status(), 200);
        assert!(!anonymous.text().contains("HYPERLINK"), "{format}");
        assert!(
            !anonymous.text().contains("\"status\":\"draft\""),
            "{format}"
        );
    }
    let anonymous = csv_rows(&export(&app, None, "/api/v1/positions", CSV).await);
    assert!(!column(&anonymous, "id").contains(&draft));
    assert!(!column(&anonymous, "status").iter().any(|s| s == "draft"));
}

#[actix_web::test]
async fn an_empty_set_has_the_same_header_and_no_rows() {
    let app = spawn_app().await;
    let empty = export(&app, None, "/api/v1/positions?topic=nic-takiego", CSV).await;
    let header = contract_header(&app, "/api/v1/positions").await;
    assert_eq!(empty.text(), format!("{BOM}{header}\r\n"));
    app.seed_demo();
    let full = csv_rows(&export(&app, None, "/api/v1/positions", CSV).await);
    assert_eq!(full[0].join(";"), header);
    assert!(full.len() > 1);

    let nothing = export(&app, None, "/api/v1/positions?topic=nic-takiego", NDJSON).await;
    assert_eq!(nothing.status(), 200);
    assert_eq!(nothing.text(), "");
}

#[actix_web::test]
async fn exports_carry_a_file_name_the_licence_and_vary_on_accept() {
    let app = spawn_app().await;
    app.seed_demo();
    let project = all_items(&app, None, "/api/v1/projects").await[0].id();
    let csv = export(
        &app,
        None,
        &format!("/api/v1/projects/{project}/events"),
        CSV,
    )
    .await;
    assert_eq!(
        csv.header("content-disposition"),
        Some(format!("attachment; filename=\"projects-{project}-events.csv\"").as_str())
    );
    assert_eq!(
        csv.header("link"),
        Some(
            "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"; title=\"CC BY 4.0\""
        )
    );
    assert!(csv.header("vary").is_some_and(|v| v.contains("Accept")));
    let ndjson = export(&app, None, "/api/v1/organizations", NDJSON).await;
    assert_eq!(
        ndjson.header("content-disposition"),
        Some("attachment; filename=\"organizations.ndjson\"")
    );
    let json = app.anonymous().get("/api/v1/organizations").send().await;
    assert!(json.header("vary").is_some_and(|v| v.contains("Accept")));

    let licensed = crate::helpers::spawn_app_with(|config| {
        config.data_license = razem::config::DataLicense {
            name: "CC0 1.0".into(),
            url: "https://creativecommons.org/publicdomain/zero/1.0/".into(),
        };
    })
    .await;
    let csv = export(&licensed, None, "/api/v1/organizations", CSV).await;
    assert_eq!(
        csv.header("link"),
        Some(
            "<https://creativecommons.org/publicdomain/zero/1.0/>; rel=\"license\"; title=\"CC0 1.0\""
        )
    );
}

#[actix_web::test]
async fn accept_is_negotiated_by_quality_and_nothing_acceptable_is_406() {
    let app = spawn_app().await;
    app.seed_demo();
    let path = "/api/v1/organizations";
    for (accept, expected) in [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/*", "text/csv; charset=utf-8"),
        (
            "application/json;q=0.5, text/csv",
            "text/csv; charset=utf-8",
        ),
        ("text/csv;q=0.5, application/x-ndjson;q=0.9", NDJSON),
        ("application/x-ndjson, application/json;q=0.1", NDJSON),
        ("text/csv, application/json", "application/json"),
        ("text/html, */*;q=0.1", "application/json"),
        ("APPLICATION/X-NDJSON", NDJSON),
    ] {
        let response = export(&app, None, path, accept).await;
        assert_eq!(response.status(), 200, "{accept}: {}", response.text());
        assert_eq!(response.content_type(), expected, "{accept}");
    }
    for accept in [
        "application/xml",
        "text/html",
        "application/json;q=0, text/csv;q=0, */*;q=0",
        "*/*;q=0",
    ] {
        export(&app, None, path, accept)
            .await
            .assert_problem(406, "not_acceptable");
    }
    let response = app.anonymous().get(path).send().await;
    assert_eq!(response.content_type(), "application/json");
}

#[actix_web::test]
async fn errors_before_the_stream_are_problems() {
    let app = spawn_app().await;
    export(&app, None, "/api/v1/projects/999999/events", CSV)
        .await
        .assert_problem(404, "not_found");
    export(&app, None, "/api/v1/positions?cursor=nonsense", NDJSON)
        .await
        .assert_problem(400, "invalid_cursor");
    export(&app, None, "/api/v1/audit", CSV)
        .await
        .assert_problem(401, "authentication_required");
}

#[actix_web::test]
async fn a_set_of_many_pages_is_exported_whole_whatever_the_limit_and_a_cursor_resumes() {
    let app = spawn_app().await;
    app.with_conn(|conn| load_synthetic(conn, 700, 3, &mut |_, _| {}).expect("synthetic"));
    let path = "/api/v1/positions?sort=-updated_at";
    let expected = ids(&all_items(&app, None, path).await);
    assert!(expected.len() >= 600, "{} public positions", expected.len());

    let rows = csv_rows(&export(&app, None, &format!("{path}&limit=5"), CSV).await);
    assert_eq!(column(&rows, "id"), expected);
    let lines = ndjson_items(&export(&app, None, path, NDJSON).await);
    assert_eq!(ids(&lines), expected);
    assert_eq!(
        ids(&lines).into_iter().collect::<HashSet<_>>().len(),
        expected.len()
    );

    // A cursor of the JSON pages starts the export after that page.
    let first = app
        .anonymous()
        .get(format!("{path}&limit=10"))
        .send()
        .await
        .assert_status(200);
    let cursor = first.next_cursor().expect("a next page");
    let rest = ndjson_items(&export(&app, None, &format!("{path}&cursor={cursor}"), NDJSON).await);
    assert_eq!(ids(&rest), expected[10..]);
}

/// Fills the path parameters of a list with ids of the demo data.
fn concrete(path: &str, ids: &std::collections::HashMap<&str, String>) -> String {
    let mut out = path.to_owned();
    for (name, value) in ids {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[actix_web::test]
async fn every_list_of_the_contract_exports_with_its_documented_header() {
    let app = spawn_app().await;
    app.seed_demo();
    let admin = app.admin().await;
    let document = app.served_document().await;
    let first_id = |items: Vec<Value>| {
        items
            .first()
            .map(|i| i.id().to_string())
            .unwrap_or("1".into())
    };
    let project = first_id(all_items(&app, None, "/api/v1/projects").await);
    let practice = first_id(all_items(&app, None, "/api/v1/practices").await);
    let consultation = first_id(all_items(&app, None, "/api/v1/consultations").await);
    let mut params = std::collections::HashMap::new();
    params.insert("id_or_slug", "opos".to_owned());
    let mut lists = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        let content = &item["get"]["responses"]["200"]["content"];
        if content.get(NDJSON).is_none() {
            continue;
        }
        lists += 1;
        let id = if path.starts_with("/api/v1/projects/") {
            project.clone()
        } else if path.starts_with("/api/v1/practices/") {
            practice.clone()
        } else if path.starts_with("/api/v1/consultations/") {
            consultation.clone()
        } else {
            "1".to_owned()
        };
        params.insert("id", id);
        let url = concrete(path, &params);
        let header = contract_header(&app, path).await;
        for format in [CSV, NDJSON] {
            let response = export(&app, Some(&admin), &url, format).await;
            let status = response.status().as_u16();
            assert!(
                status == 200 || status == 404,
                "{url} as {format}: {status} {}",
                response.text()
            );
            if status == 200 && format == CSV {
                let rows = csv_rows(&response);
                assert_eq!(rows[0].join(";"), header, "{url}");
            }
            if status == 200 && format == NDJSON {
                let json = app
                    .with_token(&admin)
                    .get(&url)
                    .send()
                    .await
                    .assert_status(200);
                let expected: Vec<Value> = json.items().iter().take(3).cloned().collect();
                let lines = ndjson_items(&response);
                assert_eq!(lines[..expected.len()], expected[..], "{url}");
            }
        }
    }
    assert!(lists >= 26, "{lists} lists documented with exports");
}

/// Peak resident memory of a process, in kB (`VmHWM` in /proc/<pid>/status).
fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Reads an export from a real server chunk by chunk, keeping only counts.
async fn stream_export(client: &awc::Client, url: &str) -> (u64, u64) {
    use futures_util::StreamExt;
    let mut response = client
        .get(url)
        .insert_header(("Accept", CSV))
        .send()
        .await
        .expect("the export answers");
    assert_eq!(response.status().as_u16(), 200);
    let (mut bytes, mut lines) = (0u64, 0u64);
    while let Some(chunk) = response.next().await {
        let chunk = chunk.expect("a chunk");
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    (bytes, lines)
}

/// Kills the server when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[actix_web::test]
async fn a_large_export_is_streamed_in_constant_memory() {
    const POSITIONS: usize = 20_000;
    let app = spawn_app().await;
    app.with_conn(|conn| load_synthetic(conn, POSITIONS, 11, &mut |_, _| {}).expect("synthetic"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let server = Server(
        std::process::Command::new(env!("CARGO_BIN_EXE_razem"))
            .arg("serve")
            .env("DATABASE_URL", &app.database_url)
            .env("RAZEM_BIND", format!("127.0.0.1:{port}"))
            .env("RAZEM_WORKERS", "1")
            .env("RAZEM_DB_POOL_SIZE", "2")
            .env("RUST_LOG", "warn")
            // One malloc arena per thread would let each blocking thread keep its own
            // page's worth of freed memory, which is noise here, not growth.
            .env("MALLOC_ARENA_MAX", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts"),
    );
    let pid = server.0.id();
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .finish();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let mut ready = false;
    for _ in 0..600 {
        if client
            .get(format!("http://127.0.0.1:{port}/health/live"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not come up");

    // A small export and a full JSON page first, so the allocator and the caches are warm.
    let (_, small_lines) = stream_export(&client, &format!("{base}/positions?topic=nic")).await;
    assert_eq!(small_lines, 1);
    stream_export(
        &client,
        &format!("{base}/positions?limit=100&association=1"),
    )
    .await;
    let before = peak_kb(pid);

    let (bytes, lines) = stream_export(&client, &format!("{base}/positions")).await;
    let after = peak_kb(pid);
    assert!(lines > POSITIONS as u64 / 2, "{lines} lines");
    assert!(bytes > 8 << 20, "{bytes} bytes: too small to tell");
    // Holding the set would raise the peak by at least its size; a stream holds a page.
    let growth_kb = after.saturating_sub(before);
    eprintln!("peak {before} kB before, {after} kB after a {bytes}-byte export of {lines} lines");
    assert!(
        growth_kb * 1024 < bytes / 4,
        "peak memory grew by {growth_kb} kB over a {bytes}-byte export"
    );
}
