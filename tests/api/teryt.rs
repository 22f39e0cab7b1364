//! `razem import-teryt`: the library function the CLI calls, on a real excerpt of the
//! GUS TERC register (śląskie), asserting on what is stored.

use diesel::prelude::*;
use razem::db::schema::organizations;
use razem::teryt::{ImportReport, import};

use crate::helpers::{organization_count, spawn_app};

const FIXTURE: &str = include_str!("../fixtures/terc_slaskie.csv");
/// 53 rows: 44 local governments, 4 town/rural parts and 5 powiat rows of cities
/// with powiat rights.
const UNITS: usize = 44;
const SKIPPED: usize = 9;

type Stored = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn stored(conn: &mut razem::db::DbConnection, teryt: &str) -> Option<Stored> {
    organizations::table
        .filter(organizations::teryt.eq(teryt))
        .select((
            organizations::name,
            organizations::kind,
            organizations::jst_kind,
            organizations::voivodeship,
            organizations::description,
        ))
        .first(conn)
        .optional()
        .unwrap()
}

fn run(conn: &mut razem::db::DbConnection, bytes: &[u8]) -> ImportReport {
    import(conn, bytes, 10, &mut |_, _| {}).expect("import")
}

#[actix_web::test]
async fn the_register_is_imported_once_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    let mut progress = Vec::new();
    let first = app.with_conn(|conn| {
        import(conn, FIXTURE.as_bytes(), 10, &mut |done, total| {
            progress.push((done, total))
        })
        .expect("import")
    });
    assert_eq!(
        (first.added, first.updated, first.unchanged, first.skipped),
        (UNITS, 0, 0, SKIPPED)
    );
    assert_eq!(first.encoding, "UTF-8");
    assert_eq!(progress, [(10, 44), (20, 44), (30, 44), (40, 44)]);

    app.with_conn(|conn| {
        assert_eq!(organization_count(conn), UNITS as i64);
        let (name, kind, jst_kind, voivodeship, description) =
            stored(conn, "2413072").expect("Świerklaniec");
        assert_eq!(name, "Gmina Świerklaniec");
        assert_eq!(kind, "jst");
        assert_eq!(jst_kind.as_deref(), Some("gmina_wiejska"));
        assert_eq!(voivodeship.as_deref(), Some("śląskie"));
        assert_eq!(
            description.as_deref(),
            Some("Gmina wiejska, powiat tarnogórski, województwo śląskie (TERC 2413072).")
        );
        let wojewodztwo = stored(conn, "2400000").unwrap();
        assert_eq!(wojewodztwo.0, "Województwo śląskie");
        assert_eq!(wojewodztwo.2.as_deref(), Some("wojewodztwo"));
        let powiat = stored(conn, "2413000").unwrap();
        assert_eq!(powiat.0, "Powiat tarnogórski");
        assert_eq!(powiat.2.as_deref(), Some("powiat"));
        let katowice = stored(conn, "2469011").unwrap();
        assert_eq!(katowice.0, "Katowice");
        assert_eq!(katowice.2.as_deref(), Some("miasto_na_prawach_powiatu"));
        let tarnowskie_gory = stored(conn, "2413041").unwrap();
        assert_eq!(tarnowskie_gory.0, "Gmina Miejska Tarnowskie Góry");
        assert_eq!(tarnowskie_gory.2.as_deref(), Some("gmina_miejska"));
        let siewierz = stored(conn, "2401073").unwrap();
        assert_eq!(siewierz.2.as_deref(), Some("gmina_miejsko_wiejska"));
        for skipped in ["2469000", "2401074", "2401075", "2405064"] {
            assert!(stored(conn, skipped).is_none(), "{skipped} is not imported");
        }
    });

    // The imported local governments are served like any organization.
    let served = app
        .anonymous()
        .get("/api/v1/organizations?teryt=2413072")
        .send()
        .await
        .assert_status(200);
    assert_eq!(served.json()["items"][0]["name"], "Gmina Świerklaniec");
    assert_eq!(served.json()["items"][0]["slug"], "gmina-swierklaniec");
    let slaskie = app
        .anonymous()
        .get("/api/v1/organizations?kind=jst&voivodeship=%C5%9Bl%C4%85skie&limit=100")
        .send()
        .await;
    assert_eq!(slaskie.json()["items"].as_array().unwrap().len(), UNITS);

    let second = app.with_conn(|conn| run(conn, FIXTURE.as_bytes()));
    assert_eq!(
        (second.added, second.updated, second.unchanged),
        (0, 0, UNITS)
    );
    assert!(
        second
            .to_string()
            .starts_with("0 added, 0 updated, 44 unchanged"),
        "{second}"
    );
    app.with_conn(|conn| assert_eq!(organization_count(conn), UNITS as i64));
}

#[actix_web::test]
async fn a_renamed_unit_is_updated_and_an_editors_description_survives() {
    let app = spawn_app().await;
    app.with_conn(|conn| run(conn, FIXTURE.as_bytes()));
    let path = "/api/v1/organizations/gmina-swierklaniec";
    app.as_admin().patch(path).json(serde_json::json!({"name": "Świerklaniec (stara nazwa)", "description": "Opis redakcji."})).if_match(1).send()
        .await.assert_status(200);

    let report = app.with_conn(|conn| run(conn, FIXTURE.as_bytes()));
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (0, 1, UNITS - 1)
    );
    let after = app.anonymous().get(path).send().await;
    assert_eq!(after.json()["name"], "Gmina Świerklaniec");
    assert_eq!(after.json()["description"], "Opis redakcji.");
    assert_eq!(after.version(), 3);
    assert!(app.audit_count("organization", after.id()) >= 3);
}

#[actix_web::test]
async fn a_malformed_row_names_its_line_and_nothing_is_written() {
    let app = spawn_app().await;
    let cases = [
        // (line to append, its line number, what the message says)
        ("24;13;10;7;Zła;gmina;2025-01-01", "type digit"),
        ("24;13;10;2;Za mało pól", "fields"),
        ("25;;;;NIEPARZYSTE;województwo;2025-01-01", "even"),
        ("24;13;;2;Bez gminy;gmina wiejska;2025-01-01", "a row names"),
        (
            "24;13;1;2;Jedna cyfra;gmina wiejska;2025-01-01",
            "GMI must be 2 digit",
        ),
        ("24;13;11;2;;gmina wiejska;2025-01-01", "NAZWA is empty"),
        (
            "24;13;07;2;Świerklaniec;gmina wiejska;2025-01-01",
            "already appeared on line 30",
        ),
    ];
    for (row, message) in cases {
        // The bad row goes in the middle: line 30 of the file.
        let mut lines: Vec<&str> = FIXTURE.lines().collect();
        lines.insert(29, row);
        let text = lines.join("\n");
        let error = app
            .with_conn(|conn| import(conn, text.as_bytes(), 10, &mut |_, _| {}))
            .expect_err(row);
        let line = if message.starts_with("already") {
            37
        } else {
            30
        };
        assert_eq!(error.line, Some(line), "{row}: {error}");
        assert!(
            error.to_string().starts_with(&format!("line {line}: "))
                && error.to_string().contains(message),
            "{row}: {error}"
        );
        app.with_conn(|conn| assert_eq!(organization_count(conn), 0, "nothing written for {row}"));
    }
    let no_header = app
        .with_conn(|conn| {
            import(
                conn,
                "24;;;;ŚLĄSKIE;województwo;2025-01-01\n".as_bytes(),
                10,
                &mut |_, _| {},
            )
        })
        .expect_err("no header");
    assert_eq!(no_header.line, Some(1));
    assert!(
        no_header
            .message
            .contains("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD")
    );
}

#[actix_web::test]
async fn utf8_with_a_bom_and_windows_1250_read_alike() {
    let app = spawn_app().await;
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(FIXTURE.as_bytes());
    let report = app.with_conn(|conn| run(conn, &with_bom));
    assert_eq!((report.added, report.encoding), (UNITS, "UTF-8"));

    let (windows_1250, _, unmappable) = encoding_rs::WINDOWS_1250.encode(FIXTURE);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&windows_1250).is_err(),
        "really not UTF-8"
    );
    let again = app.with_conn(|conn| run(conn, &windows_1250));
    assert_eq!(again.encoding, "Windows-1250");
    assert_eq!(
        (again.added, again.updated, again.unchanged),
        (0, 0, UNITS),
        "the same names, decoded from Windows-1250"
    );
    app.with_conn(|conn| {
        assert_eq!(stored(conn, "2414052").unwrap().0, "Gmina Chełm Śląski");
        assert_eq!(
            stored(conn, "2408011").unwrap().0,
            "Gmina Miejska Łaziska Górne"
        );
    });
}
