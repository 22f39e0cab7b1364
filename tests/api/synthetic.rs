//! `razem seed --synthetic N` through its library function: counts, consistent numbers,
//! a contiguous range of published ids, determinism, refusal of a second load, and the
//! data served by the API (on both backends).

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use razem::db::DbConnection;
use razem::db::schema::{
    organizations, position_addressees, position_co_signers, position_responses, position_topics,
    position_transitions, positions,
};
use razem::seed::{SyntheticReport, load_synthetic};
use serde_json::json;

use crate::helpers::{Resource, spawn_app};

const COUNT: usize = 400;

fn load(
    conn: &mut DbConnection,
    count: usize,
    seed: u64,
) -> (SyntheticReport, Vec<(usize, usize)>) {
    let mut calls = Vec::new();
    let report = load_synthetic(conn, count, seed, &mut |done, total| {
        calls.push((done, total))
    })
    .expect("synthetic data");
    (report, calls)
}

type PositionKey = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<NaiveDate>,
);

/// Positions, topics, co-signers and organization names.
type Dump = (
    Vec<PositionKey>,
    Vec<(i64, String)>,
    Vec<(i64, i64)>,
    Vec<String>,
);

/// Everything that identifies the generated positions, in id order.
fn dump(conn: &mut DbConnection) -> Dump {
    let rows: Vec<PositionKey> = positions::table
        .select((
            positions::id,
            positions::association_id,
            positions::number,
            positions::title,
            positions::body,
            positions::status,
            positions::adopted_on,
        ))
        .order(positions::id)
        .load(conn)
        .unwrap();
    let topics = position_topics::table
        .select((position_topics::position_id, position_topics::topic))
        .order((position_topics::position_id, position_topics::topic))
        .load(conn)
        .unwrap();
    let co_signers = position_co_signers::table
        .select((
            position_co_signers::position_id,
            position_co_signers::organization_id,
        ))
        .order((
            position_co_signers::position_id,
            position_co_signers::organization_id,
        ))
        .load(conn)
        .unwrap();
    let names = organizations::table
        .select(organizations::name)
        .order(organizations::id)
        .load(conn)
        .unwrap();
    (rows, topics, co_signers, names)
}

#[actix_web::test]
async fn synthetic_data_has_the_asked_shape_and_consistent_numbers() {
    let app = spawn_app().await;
    let (report, calls) = app.with_conn(|conn| load(conn, COUNT, 42));

    // The report and what is stored agree.
    assert_eq!(report.positions, COUNT);
    assert_eq!(report.associations, 200);
    assert!(report.government_bodies > 0);
    assert_eq!(report.published + report.drafts, COUNT);
    assert!(report.drafts > 0 && report.drafts < COUNT / 5, "{report:?}");
    assert_eq!(calls.last(), Some(&(COUNT, COUNT)));
    let (stored, associations, published, topics, addressees, co_signers, responses, moves) = app
        .with_conn(|conn| {
            (
                positions::table.count().get_result::<i64>(conn).unwrap(),
                organizations::table
                    .filter(organizations::kind.eq("association"))
                    .filter(organizations::slug.like("syn-%"))
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                positions::table
                    .filter(positions::published.eq(true))
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                position_topics::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                position_addressees::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                position_co_signers::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                position_responses::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                position_transitions::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
            )
        });
    assert_eq!(stored as usize, COUNT);
    assert_eq!(associations, 200);
    assert_eq!(published as usize, report.published);
    assert_eq!(topics as usize, report.topics);
    assert!(report.topics >= COUNT);
    assert_eq!(addressees as usize, report.addressees);
    assert!(report.addressees >= COUNT);
    assert_eq!(co_signers as usize, report.co_signers);
    assert!(report.co_signers > 0);
    assert_eq!(responses as usize, report.responses);
    assert_eq!(moves as usize, report.transitions);

    // Numbers: N/YYYY of the adoption year, unique and consecutive per association and
    // year in the order of adoption; drafts have none and are not published.
    type Row = (
        i64,
        i64,
        Option<String>,
        Option<i32>,
        Option<i32>,
        Option<NaiveDate>,
        bool,
        String,
    );
    let rows: Vec<Row> = app.with_conn(|conn| {
        positions::table
            .select((
                positions::id,
                positions::association_id,
                positions::number,
                positions::number_year,
                positions::number_seq,
                positions::adopted_on,
                positions::published,
                positions::status,
            ))
            .order((positions::adopted_sort, positions::id))
            .load(conn)
            .unwrap()
    });
    let mut last_seq: BTreeMap<(i64, i32), i32> = BTreeMap::new();
    let mut numbers = HashSet::new();
    for (id, association, number, year, seq, adopted_on, published, status) in &rows {
        match adopted_on {
            Some(adopted_on) => {
                let (year, seq) = (year.unwrap(), seq.unwrap());
                assert_eq!(year, adopted_on.year(), "position {id}");
                assert_eq!(number.as_deref(), Some(format!("{seq}/{year}").as_str()));
                assert!(
                    numbers.insert((*association, number.clone())),
                    "duplicate number"
                );
                let previous = last_seq.insert((*association, year), seq).unwrap_or(0);
                assert_eq!(seq, previous + 1, "numbers follow adoption, position {id}");
                assert!(*published);
                assert_ne!(status, "draft");
            }
            None => {
                assert!(number.is_none() && year.is_none() && seq.is_none());
                assert!(!published);
                assert_eq!(status, "draft");
            }
        }
    }

    // Published positions take one contiguous id range; drafts the ids after it.
    let (first, last) = report.published_ids.expect("published ids");
    assert_eq!((last - first + 1) as usize, report.published);
    for (id, _, _, _, _, _, published, _) in &rows {
        assert_eq!(*published, (first..=last).contains(id), "position {id}");
    }

    // Dates spread over the years; bodies are about a kibibyte of Markdown.
    let years: HashSet<i32> = rows.iter().filter_map(|r| r.5.map(|d| d.year())).collect();
    assert!(years.len() >= 10, "{years:?}");
    let bodies: Vec<Option<String>> =
        app.with_conn(|conn| positions::table.select(positions::body).load(conn).unwrap());
    for body in bodies {
        let body = body.unwrap();
        assert!((800..1600).contains(&body.len()) && body.starts_with("## "));
    }

    // The API serves it: a page, one position with its embeds, a draft hidden.
    let page = app
        .anonymous()
        .get("/api/v1/positions?limit=50")
        .send()
        .await
        .assert_status(200);
    assert_eq!(page.json()["items"].as_array().unwrap().len(), 50);
    assert!(page.json()["next_cursor"].is_string());
    let one = app
        .anonymous()
        .get(format!("/api/v1/positions/{first}"))
        .send()
        .await
        .assert_status(200);
    assert!(!one.json()["topics"].as_array().unwrap().is_empty());
    assert!(!one.json()["addressees"].as_array().unwrap().is_empty());
    assert_eq!(one.json()["association"]["kind"], "association");
    let draft = app
        .anonymous()
        .get(format!("/api/v1/positions/{}", last + 1))
        .send()
        .await;
    draft.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let first = spawn_app().await;
    let second = spawn_app().await;
    let third = spawn_app().await;
    let (report_a, _) = first.with_conn(|conn| load(conn, 150, 7));
    let (report_b, _) = second.with_conn(|conn| load(conn, 150, 7));
    let (_, _) = third.with_conn(|conn| load(conn, 150, 8));
    assert_eq!(report_a, report_b);
    let a = first.with_conn(dump);
    let b = second.with_conn(dump);
    let c = third.with_conn(dump);
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
}

#[actix_web::test]
async fn a_second_load_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    app.with_conn(|conn| load(conn, 20, 1));
    let error = app
        .with_conn(|conn| load_synthetic(conn, 20, 1, &mut |_, _| {}))
        .unwrap_err();
    assert_eq!(error.code().as_str(), "synthetic_data_exists");
    let count: i64 = app.with_conn(|conn| positions::table.count().get_result(conn).unwrap());
    assert_eq!(count, 20);
}

#[actix_web::test]
async fn synthetic_data_goes_after_existing_rows_and_leaves_ids_usable() {
    let app = spawn_app().await;
    app.seed_demo();
    let before: i64 = app.with_conn(|conn| {
        positions::table
            .select(diesel::dsl::max(positions::id))
            .first::<Option<i64>>(conn)
            .unwrap()
            .unwrap_or(0)
    });
    let (report, _) = app.with_conn(|conn| load(conn, 30, 3));
    assert_eq!(report.published_ids.unwrap().0, before + 1);
    // New rows through the API take ids after the synthetic ones (the sequences moved).
    let admin = app.admin().await;
    let association = report.published_ids.unwrap().0;
    let association_id: i64 = app.with_conn(|conn| {
        positions::table
            .select(positions::association_id)
            .find(association)
            .first(conn)
            .unwrap()
    });
    let created = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({"association_id": association_id, "kind": "appeal", "title": "Apel testowy"}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(created.id(), before + 30 + 1, "{}", created.text());
    let organization = app
        .organization(&admin, json!({"name": "Gmina Testowa", "kind": "jst"}))
        .await;
    let max_organization: i64 = app.with_conn(|conn| {
        organizations::table
            .select(diesel::dsl::max(organizations::id))
            .filter(organizations::slug.like("syn-%"))
            .first::<Option<i64>>(conn)
            .unwrap()
            .unwrap()
    });
    assert!(organization.id() > max_organization);
}
