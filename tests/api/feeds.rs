//! Feeds: the Atom feeds of positions and consultations, parsed with a real XML parser
//! (RFC 4287's required elements, escaping, only public rows, newest first), and the
//! iCalendar files of events checked line by line against RFC 5545 (CRLF, folding at 75
//! octets, escaping, the time zone, stable UIDs); entity tags and 304s on all four.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use serde_json::{Value, json};

use crate::helpers::{Resource, TestApp, spawn_app, spawn_app_with};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// An XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: HashMap<String, String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    #[track_caller]
    fn one(&self, name: &str) -> &Node {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "<{}> needs one <{name}>", self.name);
        found[0]
    }

    fn text_of(&self, name: &str) -> String {
        self.one(name).text.clone()
    }

    fn link(&self, rel: &str) -> Option<&Node> {
        self.all("link")
            .into_iter()
            .find(|l| l.attributes.get("rel").map(String::as_str) == Some(rel))
    }
}

fn element(start: &BytesStart) -> Node {
    let mut node = Node {
        name: start.name().as_ref().to_owned(),
        ..Node::default()
    };
    for attribute in start.attributes() {
        let attribute = attribute.expect("a well-formed attribute");
        node.attributes.insert(
            attribute.key.as_ref().to_owned(),
            attribute
                .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("an attribute value")
                .into_owned(),
        );
    }
    node
}

/// Parses a whole document, panicking on anything that is not well-formed XML.
fn parse(xml: &str) -> Node {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let node = element(&start);
                stack.last_mut().expect("a parent").children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().expect("an open element");
                stack.last_mut().expect("a parent").children.push(node);
            }
            Event::Text(text) => stack
                .last_mut()
                .expect("a parent")
                .text
                .push_str(&text.xml10_content()),
            Event::GeneralRef(reference) => {
                let name = reference.to_string();
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .expect("a known entity")
                    .into_owned();
                stack.last_mut().expect("a parent").text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut document = stack.pop().expect("the document");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.remove(0)
}

fn instant(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|_| panic!("{text:?} is not an RFC 3339 date-time"))
}

/// Checks what RFC 4287 requires of a feed and of each entry; returns the entries.
#[track_caller]
fn atom_entries(xml: &str) -> Vec<Node> {
    let feed = parse(xml);
    assert_eq!(feed.name, "feed");
    assert_eq!(
        feed.attributes.get("xmlns").map(String::as_str),
        Some(ATOM_NS)
    );
    for required in ["id", "title", "updated"] {
        assert!(!feed.text_of(required).is_empty(), "feed <{required}>");
    }
    instant(&feed.text_of("updated"));
    assert!(feed.text_of("id").starts_with("tag:"));
    assert!(feed.text_of("rights").contains("CC BY 4.0"));
    assert!(
        feed.link("self")
            .is_some_and(|l| l.attributes["href"].starts_with("http"))
    );
    assert!(feed.link("license").is_some());
    let mut entries = feed.children;
    entries.retain(|c| c.name == "entry");
    let mut previous: Option<chrono::DateTime<chrono::FixedOffset>> = None;
    for entry in &entries {
        let id = entry.text_of("id");
        assert!(id.starts_with("tag:localhost,2026:"), "{id}");
        assert!(!entry.text_of("title").is_empty());
        let updated = instant(&entry.text_of("updated"));
        instant(&entry.text_of("published"));
        assert!(!entry.text_of("summary").is_empty());
        assert!(!entry.one("author").text_of("name").is_empty());
        let link = entry.link("alternate").expect("an alternate link");
        assert!(link.attributes["href"].starts_with("http://localhost"));
        if let Some(previous) = previous {
            assert!(previous >= updated, "newest first");
        }
        previous = Some(updated);
    }
    let ids: std::collections::HashSet<String> = entries.iter().map(|e| e.text_of("id")).collect();
    assert_eq!(ids.len(), entries.len(), "entry ids are unique");
    entries
}

async fn adopted_position(app: &TestApp, association: i64, title: &str) -> i64 {
    let created = app
        .as_admin()
        .post("/api/v1/positions")
        .json(json!({
            "association_id": association,
            "kind": "position",
            "title": title,
            "summary": "Streszczenie <z> & \"cudzysłowem\".",
            "body": "Treść.",
        }))
        .send()
        .await
        .assert_status(201);
    let id = created.id();
    app.as_admin()
        .post(format!("/api/v1/positions/{id}/transitions"))
        .json(json!({"to": "adopted", "on": "2024-05-06"}))
        .if_match(created.etag())
        .send()
        .await
        .assert_status(200);
    id
}

#[actix_web::test]
async fn the_positions_feed_is_atom_of_public_positions_newest_first() {
    let app = spawn_app().await;
    app.seed_demo();
    let opos = app.id_of("opos").await;
    let title = "Stanowisko w sprawie <opłat> & \"podatków\" 'lokalnych'";
    let public = adopted_position(&app, opos, title).await;
    app.as_admin()
        .post("/api/v1/positions")
        .json(json!({"association_id": opos, "kind": "position", "title": "Projekt poufny"}))
        .send()
        .await
        .assert_status(201);

    for caller in [None, Some(app.admin().await)] {
        let response = app
            .caller(caller.as_deref())
            .get("/api/v1/feeds/positions.atom")
            .send()
            .await
            .assert_status(200);
        assert_eq!(
            response.content_type(),
            "application/atom+xml; charset=utf-8"
        );
        assert!(
            response
                .text()
                .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        );
        let entries = atom_entries(response.text());
        assert!(
            entries
                .iter()
                .all(|e| e.text_of("title") != "Projekt poufny")
        );
        let newest = &entries[0];
        assert_eq!(newest.text_of("title"), title);
        assert_eq!(
            newest.text_of("id"),
            format!("tag:localhost,2026:positions/{public}")
        );
        assert_eq!(
            newest.text_of("summary"),
            "Streszczenie <z> & \"cudzysłowem\"."
        );
        assert_eq!(
            newest.one("author").text_of("name"),
            "Ogólnopolskie Porozumienie Organizacji Samorządowych"
        );
        assert_eq!(
            newest.link("alternate").expect("a link").attributes["href"],
            format!("http://localhost:8080/api/v1/positions/{public}")
        );
        // The entries are the public list's newest, in its order.
        let list = app
            .anonymous()
            .get("/api/v1/positions?sort=-updated_at&limit=50")
            .send()
            .await
            .assert_status(200);
        let expected: Vec<String> = list
            .ids()
            .iter()
            .map(|id| format!("tag:localhost,2026:positions/{id}"))
            .collect();
        let got: Vec<String> = entries.iter().map(|e| e.text_of("id")).collect();
        assert_eq!(got, expected);
    }
}

#[actix_web::test]
async fn the_consultations_feed_has_the_announced_and_open_ones() {
    use crate::consultations::{announced, closed, days, open, world};
    let app = spawn_app().await;
    let w = world(&app).await;
    let coming = announced(&app, &w, &days(5), &days(40)).await;
    let running = open(&app, &w).await;
    let ended = closed(&app, &w).await;
    let mut expected = Vec::new();
    for status in ["announced", "open"] {
        let page = app
            .anonymous()
            .get(format!("/api/v1/consultations?status={status}&limit=100"))
            .send()
            .await
            .assert_status(200);
        expected.extend(page.ids());
    }
    let response = app
        .anonymous()
        .get("/api/v1/feeds/consultations.atom")
        .send()
        .await
        .assert_status(200);
    let entries = atom_entries(response.text());
    let mut got: Vec<i64> = entries
        .iter()
        .map(|e| {
            e.text_of("id")
                .rsplit('/')
                .next()
                .and_then(|id| id.parse().ok())
                .expect("an id")
        })
        .collect();
    assert!(got.contains(&coming) && got.contains(&running), "{got:?}");
    assert!(!got.contains(&ended));
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[actix_web::test]
async fn feeds_have_entity_tags_and_answer_304_when_unchanged() {
    let app = spawn_app().await;
    app.seed_demo();
    let project = app.anonymous().get("/api/v1/projects").send().await.ids()[0];
    for path in [
        "/api/v1/feeds/positions.atom".to_owned(),
        "/api/v1/feeds/consultations.atom".to_owned(),
        "/api/v1/events.ics".to_owned(),
        format!("/api/v1/projects/{project}/events.ics"),
    ] {
        let first = app.anonymous().get(&path).send().await.assert_status(200);
        let tag = first.header("etag").expect("an ETag").to_owned();
        assert_eq!(first.header("cache-control"), Some("no-cache"), "{path}");
        assert_eq!(
            first.header("link"),
            Some(
                "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"; title=\"CC BY 4.0\""
            ),
            "{path}"
        );
        let again = app.anonymous().get(&path).send().await;
        assert_eq!(again.header("etag"), Some(tag.as_str()), "{path}: stable");
        let cached = app
            .anonymous()
            .get(&path)
            .header("If-None-Match", &tag)
            .send()
            .await
            .assert_status(304);
        assert_eq!(cached.text(), "");
    }
}

/// The content lines of a calendar, unfolded, after checking CRLF and the 75-octet rule.
#[track_caller]
fn content_lines(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"));
    let body = &text[..text.len() - 2];
    assert!(
        !body.replace("\r\n", "").contains(['\r', '\n']),
        "CRLF only"
    );
    let mut lines: Vec<String> = Vec::new();
    for physical in body.split("\r\n") {
        assert!(
            physical.len() <= 75,
            "{} octets: {physical:?}",
            physical.len()
        );
        match physical.strip_prefix(' ') {
            Some(continued) => lines
                .last_mut()
                .expect("a line to continue")
                .push_str(continued),
            None => lines.push(physical.to_owned()),
        }
    }
    lines
}

/// The events of a calendar: their properties by name (parameters kept in the name).
#[track_caller]
fn vevents(text: &str) -> Vec<Vec<(String, String)>> {
    let lines = content_lines(text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    for required in [
        "VERSION:2.0",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Warsaw",
        "END:VTIMEZONE",
    ] {
        assert!(lines.iter().any(|l| l == required), "{required}");
    }
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let mut events = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in lines {
        match line.as_str() {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => events.push(current.take().expect("an open event")),
            _ => {
                if let Some(event) = current.as_mut() {
                    let (name, value) = line.split_once(':').expect("NAME:value");
                    event.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }
    for event in &events {
        for required in ["UID", "DTSTAMP", "SUMMARY"] {
            assert!(
                event.iter().any(|(n, _)| n == required),
                "{required} in {event:?}"
            );
        }
        assert!(event.iter().any(|(n, _)| n.starts_with("DTSTART")));
    }
    events
}

fn property<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
    event
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[actix_web::test]
async fn the_calendar_is_icalendar_in_warsaw_time_with_escaped_text_and_stable_uids() {
    let app = spawn_app_with(|config| config.feed_domain = Some("razem.example.org".into())).await;
    app.seed_demo();
    let project = app.anonymous().get("/api/v1/projects").send().await.ids()[0];
    let description = "Program: powitanie, panel; dyskusja\\wnioski.\nDruga linia z długim opisem, który na pewno przekroczy siedemdziesiąt pięć oktetów w jednej linii.";
    let event = app
        .as_admin()
        .post(format!("/api/v1/projects/{project}/events"))
        .json(json!({
            "kind": "meeting",
            "title": "Spotkanie; sala 1, piętro 2",
            "description": description,
            "starts_on": "2024-07-10",
            "starts_at": "10:00",
            "ends_at": "12:30",
            "city": "Opole",
            "venue": "Urząd Marszałkowski",
        }))
        .send()
        .await
        .assert_status(201)
        .into_json();
    let id = event.id();
    let all_day = app
        .as_admin()
        .post(format!("/api/v1/projects/{project}/events"))
        .json(json!({"kind": "conference", "title": "Kongres", "starts_on": "2024-12-30", "ends_on": "2025-01-02"}))
        .send()
        .await
        .assert_status(201)
        .id();

    let response = app
        .anonymous()
        .get("/api/v1/events.ics")
        .send()
        .await
        .assert_status(200);
    assert_eq!(response.content_type(), "text/calendar; charset=utf-8");
    let events = vevents(response.text());
    let listed = app
        .anonymous()
        .get("/api/v1/events?limit=100")
        .send()
        .await
        .assert_status(200);
    assert_eq!(events.len(), listed.ids().len());

    let uid = format!("event-{id}@razem.example.org");
    let ours = events
        .iter()
        .find(|e| property(e, "UID") == Some(uid.as_str()))
        .expect("the new event");
    assert_eq!(
        property(ours, "SUMMARY"),
        Some("Spotkanie\\; sala 1\\, piętro 2")
    );
    assert_eq!(
        property(ours, "DESCRIPTION").map(|d| d.split("\\n\\n").next().unwrap_or_default().to_owned()),
        Some(
            "Program: powitanie\\, panel\\; dyskusja\\\\wnioski.\\nDruga linia z długim opisem\\, który na pewno przekroczy siedemdziesiąt pięć oktetów w jednej linii."
                .to_owned()
        )
    );
    assert_eq!(
        property(ours, "DTSTART;TZID=Europe/Warsaw"),
        Some("20240710T100000")
    );
    assert_eq!(
        property(ours, "DTEND;TZID=Europe/Warsaw"),
        Some("20240710T123000")
    );
    assert_eq!(
        property(ours, "LOCATION"),
        Some("Urząd Marszałkowski\\, Opole")
    );
    let stamp = property(ours, "DTSTAMP").expect("DTSTAMP");
    assert!(stamp.len() == 16 && stamp.ends_with('Z'), "{stamp}");

    let kongres = events
        .iter()
        .find(|e| property(e, "UID") == Some(format!("event-{all_day}@razem.example.org").as_str()))
        .expect("the all-day event");
    assert_eq!(property(kongres, "DTSTART;VALUE=DATE"), Some("20241230"));
    assert_eq!(property(kongres, "DTEND;VALUE=DATE"), Some("20250103"));

    // The UID survives an edit; the project's calendar has only its own events.
    let current = app
        .anonymous()
        .get(format!("/api/v1/projects/{project}/events/{id}"))
        .send()
        .await
        .assert_status(200);
    app.as_admin()
        .patch(format!("/api/v1/projects/{project}/events/{id}"))
        .json(json!({"title": "Spotkanie przeniesione"}))
        .if_match(current.etag())
        .send()
        .await
        .assert_status(200);
    let own = app
        .anonymous()
        .get(format!("/api/v1/projects/{project}/events.ics"))
        .send()
        .await
        .assert_status(200);
    let own_events = vevents(own.text());
    let moved = own_events
        .iter()
        .find(|e| property(e, "UID") == Some(uid.as_str()))
        .expect("the same UID after the edit");
    assert_eq!(property(moved, "SUMMARY"), Some("Spotkanie przeniesione"));
    let listed: Vec<Value> = app
        .anonymous()
        .get(format!("/api/v1/projects/{project}/events?limit=100"))
        .send()
        .await
        .items()
        .to_vec();
    assert_eq!(own_events.len(), listed.len());
    assert!(own_events.iter().all(|e| {
        property(e, "URL").is_some_and(|u| u.contains(&format!("/projects/{project}/events/")))
    }));
}

#[actix_web::test]
async fn a_missing_project_has_no_calendar() {
    let app = spawn_app().await;
    app.anonymous()
        .get("/api/v1/projects/999999/events.ics")
        .send()
        .await
        .assert_problem(404, "not_found");
    app.anonymous()
        .get("/api/v1/projects/x/events.ics")
        .send()
        .await
        .assert_problem(400, "invalid_path");
    // An empty database still gives valid, empty feeds.
    let empty = app
        .anonymous()
        .get("/api/v1/events.ics")
        .send()
        .await
        .assert_status(200);
    assert!(vevents(empty.text()).is_empty());
    let feed = app
        .anonymous()
        .get("/api/v1/feeds/positions.atom")
        .send()
        .await
        .assert_status(200);
    assert!(atom_entries(feed.text()).is_empty());
}
