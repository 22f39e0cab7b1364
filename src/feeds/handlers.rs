//! HTTP layer of the feeds: run the public lists, render, respond with an entity tag.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::IntoResponses;
use utoipa::openapi::RefOr;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{Object, Type};

use super::atom::{self, Entry, Feed};
use super::ical::{self, Calendar, Event};
use super::{CALENDAR_EVENTS, FEED_ENTRIES};
use crate::auth::Principal;
use crate::config::Config;
use crate::consultations::dto::{ConsultationListQuery, ConsultationSort};
use crate::consultations::service::ConsultationList;
use crate::domain::ConsultationStatus;
use crate::error::ApiResult;
use crate::extract::Path;
use crate::http::AppState;
use crate::pagination::first_items;
use crate::positions::dto::{PositionListQuery, PositionSort};
use crate::projects::dto::ProjectPath;
use crate::projects::events::dto::{EventSort, ProjectEventListQuery};
use crate::projects::events::service::{calendar_request, project_request};

const ATOM: &str = "application/atom+xml; charset=utf-8";
const CALENDAR: &str = "text/calendar; charset=utf-8";

const ATOM_EXAMPLE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"pl\">\n  <id>tag:razem.example.org,2026:feeds/positions</id>\n  <title>Razem: positions</title>\n  <subtitle>Positions, appeals, interventions, opinions and resolutions of associations of local governments</subtitle>\n  <updated>2024-03-15T11:30:00Z</updated>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"https://razem.example.org/api/v1/feeds/positions.atom\"/>\n  <link rel=\"alternate\" type=\"application/json\" href=\"https://razem.example.org/api/v1/positions\"/>\n  <link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\"/>\n  <rights>CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)</rights>\n  <author><name>Razem</name></author>\n  <generator>Razem</generator>\n  <entry>\n    <id>tag:razem.example.org,2026:positions/3</id>\n    <title>Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę</title>\n    <updated>2024-03-15T11:30:00Z</updated>\n    <published>2024-02-20T09:00:00Z</published>\n    <link rel=\"alternate\" type=\"application/json\" href=\"https://razem.example.org/api/v1/positions/3\"/>\n    <summary>Porozumienie popiera wdrożenie dyrektywy, ale wskazuje na brak źródeł finansowania nowych zadań gmin.</summary>\n    <author><name>Ogólnopolskie Porozumienie Organizacji Samorządowych</name></author>\n    <category term=\"opinion\"/>\n  </entry>\n</feed>\n";

const CALENDAR_EXAMPLE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Razem//Razem API//PL\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Razem: events\r\nX-WR-TIMEZONE:Europe/Warsaw\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Warsaw\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19960331T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:event-4@razem.example.org\r\nDTSTAMP:20160322T091500Z\r\nCREATED:20160301T080000Z\r\nLAST-MODIFIED:20160322T091500Z\r\nDTSTART;TZID=Europe/Warsaw:20160405T110000\r\nDTEND;TZID=Europe/Warsaw:20160405T153000\r\nSUMMARY:Konferencja podsumowująca projekt\r\nLOCATION:Urząd Marszałkowski\\, ul. Piastowska 14\\, Opole\r\nDESCRIPTION:Budowanie kompetencji do współpracy międzysamorządowej i międz\r\n ysektorowej\r\nCATEGORIES:conference\r\nURL:https://razem.example.org/api/v1/projects/1/events/4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// The 200 of a feed: the document as `content_type`, its `ETag` and the licence `Link`
/// (`feed` names it in the `ETag`'s description: "feed", "calendar").
fn feed_ok(
    description: &str,
    content_type: &str,
    example: &str,
    feed: &str,
) -> BTreeMap<String, RefOr<Response>> {
    let text = || Object::with_type(Type::String);
    let header = |description: String| {
        HeaderBuilder::new()
            .schema(Some(text()))
            .description(Some(description))
            .build()
    };
    let content = ContentBuilder::new()
        .schema(Some(text()))
        .example(Some(Value::from(example)))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content(content_type, content)
        .header(
            "ETag",
            header(format!("Digest of the {feed}, for `If-None-Match`")),
        )
        .header(
            "Link",
            header("`<…>; rel=\"license\"; title=\"…\"`: the licence of the data".to_owned()),
        )
        .build();
    BTreeMap::from([("200".to_owned(), RefOr::T(response))])
}

/// The 200 of an Atom feed.
struct AtomFeed;

impl IntoResponses for AtomFeed {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        feed_ok("The feed", "application/atom+xml", ATOM_EXAMPLE, "feed")
    }
}

/// The 200 of an iCalendar file.
struct CalendarFile;

impl IntoResponses for CalendarFile {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        feed_ok(
            "The calendar",
            "text/calendar",
            CALENDAR_EXAMPLE,
            "calendar",
        )
    }
}

/// Where the feed is served and the domain of its ids.
struct Site {
    base: String,
    domain: String,
    self_link: String,
}

impl Site {
    fn of(req: &HttpRequest, config: &Config) -> Site {
        let info = req.connection_info();
        // The host goes into ids and links: anything but a plain host[:port] is
        // replaced rather than echoed.
        let plain = |host: &str| {
            !host.is_empty()
                && host.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        };
        let host = Some(info.host())
            .filter(|h| plain(h))
            .unwrap_or("localhost");
        let scheme = if info.scheme() == "https" {
            "https"
        } else {
            "http"
        };
        let base = format!("{scheme}://{host}");
        let domain = config.feed_domain.clone().unwrap_or_else(|| {
            let name = host.rsplit_once(':').map_or(host, |(name, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    name
                } else {
                    host
                }
            });
            name.trim_matches(['[', ']']).replace(':', "-")
        });
        Site {
            self_link: format!("{base}{}", req.path()),
            base,
            domain,
        }
    }

    fn tag(&self, specific: &str) -> String {
        format!("tag:{},2026:{specific}", self.domain)
    }
}

fn respond(state: &AppState, content_type: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(crate::http::conditional::digest_tag(
            body.as_bytes(),
        )))
        .insert_header((
            header::CACHE_CONTROL,
            crate::http::conditional::RESOURCE_CACHE_CONTROL,
        ))
        .insert_header((
            header::LINK,
            crate::export::license_link(&state.config.data_license),
        ))
        .content_type(content_type)
        .body(body)
}

fn text<'a>(item: &'a Value, key: &str) -> Option<&'a str> {
    item.get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// An entry of a list item with `id`, `title`, `created_at`, `updated_at`, its summary
/// in `summary_key`, its author's name in `author_key.name` and its category in `kind`.
fn entry(
    site: &Site,
    collection: &str,
    item: &Value,
    summary_key: &str,
    author_key: &str,
) -> Option<Entry> {
    let id = item.get("id")?.as_i64()?;
    let title = text(item, "title")?.to_owned();
    Some(Entry {
        id: site.tag(&format!("{collection}/{id}")),
        summary: text(item, summary_key).unwrap_or(&title).to_owned(),
        updated: text(item, "updated_at")?.to_owned(),
        published: text(item, "created_at")?.to_owned(),
        link: format!("{}/api/v1/{collection}/{id}", site.base),
        author: item
            .get(author_key)
            .and_then(|author| text(author, "name"))
            .unwrap_or("Razem")
            .to_owned(),
        category: text(item, "kind")
            .or_else(|| text(item, "status"))
            .map(str::to_owned),
        title,
    })
}

fn feed(
    site: &Site,
    state: &AppState,
    collection: &str,
    title: &str,
    subtitle: &str,
    mut entries: Vec<Entry>,
) -> String {
    let instant = |e: &Entry| DateTime::parse_from_rfc3339(&e.updated).ok();
    entries.sort_by(|a, b| instant(b).cmp(&instant(a)).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(FEED_ENTRIES);
    let license = &state.config.data_license;
    atom::render(&Feed {
        id: site.tag(&format!("feeds/{collection}")),
        title: title.to_owned(),
        subtitle: subtitle.to_owned(),
        self_link: site.self_link.clone(),
        alternate: format!("{}/api/v1/{collection}", site.base),
        rights: format!("{} ({})", license.name, license.url),
        license_url: license.url.clone(),
        updated: entries
            .first()
            .map_or_else(|| atom::EMPTY_UPDATED.to_owned(), |e| e.updated.clone()),
        entries,
    })
}

fn values<T: Serialize>(items: Vec<T>) -> impl Iterator<Item = Value> {
    items
        .into_iter()
        .filter_map(|item| serde_json::to_value(item).ok())
}

/// Atom feed of positions.
///
/// The 50 most recently changed positions the public may see (never drafts, whoever
/// asks), newest first (RFC 4287). Entry ids are `tag:` URIs that do not change; links
/// point at `GET /positions/{id}`. `<rights>` and `Link: rel="license"` name the
/// licence of the data.
#[utoipa::path(tag = "feeds", security(), responses(AtomFeed))]
#[get("/feeds/positions.atom")]
pub async fn positions_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let query = PositionListQuery {
        sort: Some(PositionSort::UpdatedAtDesc),
        ..Default::default()
    };
    let (listing, page) = crate::positions::service::list_request(&Principal::Anonymous, query)?;
    let items = first_items(&state.db, listing, page, FEED_ENTRIES).await?;
    let site = Site::of(&req, &state.config);
    let entries = values(items)
        .filter_map(|item| entry(&site, "positions", &item, "summary", "association"))
        .collect();
    let body = feed(
        &site,
        &state,
        "positions",
        "Razem: positions",
        "Positions, appeals, interventions, opinions and resolutions of associations of local governments",
        entries,
    );
    Ok(respond(&state, ATOM, body))
}

/// Atom feed of consultations.
///
/// The 50 most recently changed consultations that are announced or open now, newest
/// first (RFC 4287); links point at `GET /consultations/{id}`.
#[utoipa::path(tag = "feeds", security(), responses(AtomFeed))]
#[get("/feeds/consultations.atom")]
pub async fn consultations_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut entries = Vec::new();
    let site = Site::of(&req, &state.config);
    for status in [ConsultationStatus::Announced, ConsultationStatus::Open] {
        let query = ConsultationListQuery {
            sort: Some(ConsultationSort::UpdatedAtDesc),
            status: Some(status),
            ..Default::default()
        };
        let (listing, page) = ConsultationList::new(&state, &Principal::Anonymous, query)?;
        let items = first_items(&state.db, listing, page, FEED_ENTRIES).await?;
        entries.extend(
            values(items).filter_map(|item| {
                entry(&site, "consultations", &item, "description", "organizer")
            }),
        );
    }
    let body = feed(
        &site,
        &state,
        "consultations",
        "Razem: consultations",
        "Consultations announced or open now",
        entries,
    );
    Ok(respond(&state, ATOM, body))
}

/// `HH:MM` as hours and minutes.
fn clock(item: &Value, key: &str) -> Option<(u32, u32)> {
    let (h, m) = text(item, key)?.split_once(':')?;
    let (h, m) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

fn calendar_event(site: &Site, item: &Value) -> Option<Event> {
    let id = item.get("id")?.as_i64()?;
    let project_id = item.get("project_id")?.as_i64()?;
    let date = |key: &str| text(item, key).and_then(|d| d.parse::<NaiveDate>().ok());
    let instant = |key: &str| text(item, key).and_then(|t| t.parse::<DateTime<Utc>>().ok());
    let location: Vec<&str> = ["venue", "address", "city"]
        .iter()
        .filter_map(|key| text(item, key))
        .collect();
    let project = item.get("project").and_then(|p| text(p, "title"));
    let description = match (text(item, "description"), project) {
        (Some(d), Some(p)) => Some(format!("{d}\n\n{p}")),
        (d, p) => d.or(p).map(str::to_owned),
    };
    Some(Event {
        uid: format!("event-{id}@{}", site.domain),
        stamp: instant("updated_at")?,
        created: instant("created_at")?,
        summary: text(item, "title")?.to_owned(),
        description,
        location: (!location.is_empty()).then(|| location.join(", ")),
        url: format!("{}/api/v1/projects/{project_id}/events/{id}", site.base),
        category: text(item, "kind").map(str::to_owned),
        starts_on: date("starts_on")?,
        ends_on: date("ends_on"),
        starts_at: clock(item, "starts_at"),
        ends_at: clock(item, "ends_at"),
    })
}

fn calendar_query() -> ProjectEventListQuery {
    ProjectEventListQuery {
        sort: Some(EventSort::StartsOnDesc),
        ..Default::default()
    }
}

fn calendar<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    name: String,
    items: Vec<T>,
) -> HttpResponse {
    let site = Site::of(req, &state.config);
    let mut events: Vec<Event> = values(items)
        .filter_map(|item| calendar_event(&site, &item))
        .collect();
    events.reverse(); // fetched latest first; a calendar reads in date order
    let body = ical::render(&Calendar { name, events });
    respond(state, CALENDAR, body)
}

/// iCalendar of every project's events.
///
/// The 500 latest-starting events (RFC 5545), in date order; times are wall-clock
/// times in `Europe/Warsaw` (with its VTIMEZONE), events without a time are all-day.
/// UIDs are `event-<id>@<domain>` and do not change.
#[utoipa::path(tag = "feeds", security(), responses(CalendarFile,))]
#[get("/events.ics")]
pub async fn events_calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (listing, page) = calendar_request(None, calendar_query())?;
    let items = first_items(&state.db, listing, page, CALENDAR_EVENTS).await?;
    Ok(calendar(&req, &state, "Razem: events".to_owned(), items))
}

/// iCalendar of a project's events.
///
/// As `GET /events.ics`, for one project; 404 when it does not exist.
#[utoipa::path(
    tag = "feeds",
    security(),
    params(ProjectPath),
    responses(
        CalendarFile,
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/projects/{id}/events.ics")]
pub async fn project_events_calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: Path<ProjectPath>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner().id;
    let (listing, page) = project_request(id, calendar_query())?;
    let items = first_items(&state.db, listing, page, CALENDAR_EVENTS).await?;
    Ok(calendar(
        &req,
        &state,
        format!("Razem: events of project {id}"),
        items,
    ))
}
