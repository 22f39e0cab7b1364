//! The demo project: "Budowanie kompetencji do współpracy międzysamorządowej i
//! międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego", the predefined
//! project of the Związek Miast Polskich in the Regional Programme co-financed by the
//! EEA Financial Mechanism 2009–2014, as the seed document describes it (seeds/004).
//!
//! From the document: the partners (ZMP the leader; KS, ZPP and ZGW RP), the period
//! (June 2012 – 31 October 2016), the value ("ponad 10,5 mln zł", recorded as
//! 10 500 000.00 PLN), the funding programme, the goals, the results (29 trainings,
//! 52 workshop sessions, 1 610 participants, 9 conferences with 465 participants,
//! 6 study visits for 80 people, 38 partnerships) and the events of 2015–2016.
//! Not in the document, and so chosen for the demo: the code `ZMP-EOG-2012`; the first
//! day of June 2012 as the start; the whole value as the programme's funding (the
//! document gives no split between the EEA grant and national co-financing); the
//! targets of the indicators, set to the reported results (progress 100%). Only the Opole
//! conference comes with its venue and time (from the domain description); the other
//! events carry their city.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{Currency, EventKind, Money, PartnerRole, ProjectStatus};
use crate::error::{ApiError, ApiResult};
use crate::organizations::repo as organizations;
use crate::projects::events::model::EventFields;
use crate::projects::events::{repo as events, service as event_service};
use crate::projects::indicators::model::IndicatorFields;
use crate::projects::indicators::{repo as indicators, service as indicator_service};
use crate::projects::model::{FundingData, PartnerData, ProjectFields, ProjectLinks};
use crate::projects::{repo as projects, service as project_service};
use crate::write::Actor;

pub const ZMP_PROJECT_CODE: &str = "ZMP-EOG-2012";

pub const ZMP_PROJECT_TITLE: &str = "Budowanie kompetencji do współpracy międzysamorządowej i \
    międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego";

const SUMMARY: &str = "Pięcioletni projekt predefiniowany Związku Miast Polskich w ramach Programu \
    Regionalnego współfinansowanego przez MF EOG 2009–2014: pomoc doradcza, szkoleniowa i ekspercka \
    dla 38 lokalnych partnerstw samorządowych, promocja podejścia partnerskiego w planowaniu \
    strategicznym obszarów funkcjonalnych i identyfikacja barier prawnych współpracy \
    międzysamorządowej.";

const DESCRIPTION: &str = "## Cel projektu

Towarzyszyliśmy polskim jednostkom samorządu w procesie tworzenia nowej jakości – zintegrowanego \
zarządzania terytorialnego (w obszarach funkcjonalnych miast) – wykraczającego poza granice \
administracyjne pojedynczej JST oraz włączającego do stałego dialogu partnerów samorządowych, \
organizacje pozarządowe i partnerów sektora prywatnego.

## Partnerstwa

W grupie prawie 600 podmiotów biorących udział w projekcie 446 to jednostki samorządu \
terytorialnego, w tym 194 miasta; 87 z nich (45%) to miasta członkowskie ZMP, które pełniły funkcję \
liderów 24 partnerstw (63%). Partnerstwa przygotowywały plany strategiczne rozwoju swojego obszaru \
funkcjonalnego, plany operacyjne i dokumentację techniczną pod przyszłe inwestycje. Łącznie \
partnerstwa wspierane przez ZMP wdrażają projekty na kwotę ponad 66,5 mln zł.

## Wydarzenia

- 29 szkoleń specjalistycznych nt. komunikacji i współpracy
- 52 sesje Warsztatów Zarządzania Strategicznego
- 2 warsztaty nt. współpracy przy tworzeniu i funkcjonowaniu CUW w JST i ich partnerstwach
- 9 konferencji i seminariów (w tym Kongres Partnerstw Samorządowych w czerwcu 2014 r.)
- 2 edycje Konkursu Samorządowy Lider Zarządzania – Razem dla Rozwoju
- 6 wizyt studyjnych w Norwegii dla 80 przedstawicieli polskich JST
- Grupy Wymiany Doświadczeń między partnerstwami";

const GOALS: [&str; 2] = [
    "Pomoc doradcza, szkoleniowa i ekspercka w utworzeniu i rozwoju 38 lokalnych partnerstw z terenu \
     całej Polski, które otrzymały dotacje Ministerstwa Rozwoju ze środków MF EOG i POPT na indywidualne \
     projekty, oraz szeroka promocja podejścia partnerskiego w strategicznym planowaniu obszarów \
     funkcjonalnych wśród JST w kraju.",
    "Analiza stanu prawnego i doświadczeń JST oraz okresowe formułowanie do właściwych ministerstw \
     (MSWiA, MR) sugestii zmian prawnych ułatwiających współpracę międzysamorządową.",
];

/// The partners besides the leader, in the order of the seed document.
const PARTNERS: [&str; 3] = ["ks", "zpp", "zgw-rp"];

/// (name, unit, reported result).
pub const ZMP_INDICATORS: [(&str, &str, i64); 8] = [
    (
        "Szkolenia specjalistyczne nt. komunikacji i współpracy",
        "szkolenia",
        29,
    ),
    ("Sesje Warsztatów Zarządzania Strategicznego", "sesje", 52),
    (
        "Przedstawiciele partnerstw samorządowych objęci szkoleniami i warsztatami",
        "osoby",
        1610,
    ),
    (
        "Konferencje i seminaria (w tym Kongres Partnerstw Samorządowych)",
        "konferencje",
        9,
    ),
    ("Uczestnicy konferencji i seminariów", "osoby", 465),
    ("Wizyty studyjne w Norwegii", "wizyty", 6),
    ("Uczestnicy wizyt studyjnych w Norwegii", "osoby", 80),
    (
        "Partnerstwa samorządowe objęte wsparciem doradczym",
        "partnerstwa",
        38,
    ),
];

/// A demo event: (kind, day, title, description, city, venue, address, start time).
type DemoEvent = (
    EventKind,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

pub const ZMP_EVENTS: [DemoEvent; 5] = [
    (
        EventKind::Competition,
        "2015-12-16",
        "Finał II edycji konkursu „Samorządowy Lider Zarządzania – Razem dla rozwoju”",
        "Konferencja kończąca II edycję konkursu dla partnerstw samorządowych i sektorowych; wyłoniono \
         12 laureatów.",
        "Warszawa",
        None,
        None,
        None,
    ),
    (
        EventKind::Conference,
        "2016-01-29",
        "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Szczecinie",
        "Pierwsza z cyklu regionalnych konferencji informacyjnych dla samorządów tworzących lub \
         chcących utworzyć partnerstwa międzysamorządowe.",
        "Szczecin",
        None,
        None,
        None,
    ),
    (
        EventKind::Conference,
        "2016-03-17",
        "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Lublinie",
        "Wymiana doświadczeń dotyczących wykorzystania narzędzi współpracy w partnerstwach \
         samorządowych.",
        "Lublin",
        None,
        None,
        None,
    ),
    (
        EventKind::Conference,
        "2016-04-18",
        "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu",
        "Konferencja z cyklu regionalnych konferencji informacyjnych dla samorządów tworzących lub \
         chcących utworzyć partnerstwa międzysamorządowe.",
        "Opole",
        Some("Sala Herbowa, Opolski Urząd Wojewódzki"),
        Some("ul. Piastowska 14"),
        Some("11:00"),
    ),
    (
        EventKind::Conference,
        "2016-10-18",
        "Konferencja podsumowująca projekt",
        "Konferencja podsumowująca pięcioletni projekt Związku Miast Polskich dedykowany partnerstwom \
         samorządowym.",
        "Poznań",
        None,
        None,
        None,
    ),
];

fn date(text: &str) -> ApiResult<NaiveDate> {
    text.parse().map_err(ApiError::internal)
}

/// Loads what is missing of the demo project (it needs the ZMP, ZPP, ZGW RP and KS
/// organizations); returns how many records it added (project, indicators, events).
pub fn load_demo_projects(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let Some(zmp) = organizations::find_by_id_or_slug(conn, "zmp")? else {
        return Ok(0);
    };
    let mut added = 0;
    let existing = projects::find_by_code(conn, ZMP_PROJECT_CODE)?;
    let existed = existing.is_some();
    let project = match existing {
        Some(project) => project,
        None => {
            let mut partners = Vec::new();
            for slug in PARTNERS {
                if let Some(partner) = organizations::find_by_id_or_slug(conn, slug)? {
                    partners.push(PartnerData {
                        organization_id: partner.id,
                        role: PartnerRole::Partner,
                    });
                }
            }
            let value = Money::from_minor(1_050_000_000, Currency::Pln)
                .ok_or_else(|| ApiError::internal("demo value out of range"))?;
            let mut fields = ProjectFields {
                code: ZMP_PROJECT_CODE.to_owned(),
                title: ZMP_PROJECT_TITLE.to_owned(),
                summary: Some(SUMMARY.to_owned()),
                description: Some(DESCRIPTION.to_owned()),
                lead_id: zmp.id,
                status: ProjectStatus::Completed,
                starts_on: date("2012-06-01")?,
                ends_on: Some(date("2016-10-31")?),
                last_day: date("2016-10-31")?,
                value_minor: None,
                value_currency: None,
                sort_title: String::new(),
            };
            fields.set_value(Some(value));
            fields.refresh_derived();
            let links = ProjectLinks {
                partners,
                funding: vec![FundingData {
                    source: "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014"
                        .to_owned(),
                    programme: Some(
                        "Program Regionalny współfinansowany przez MF EOG 2009–2014".to_owned(),
                    ),
                    amount: value,
                }],
                goals: GOALS.iter().map(|g| (*g).to_owned()).collect(),
            };
            added += 1;
            project_service::insert(conn, &actor, fields, links)?
        }
    };
    let as_of = date("2016-10-31")?;
    let mut indicators_added = 0;
    for (name, unit, result) in ZMP_INDICATORS {
        if indicators::find_by_name(conn, project.id, name)?.is_some() {
            continue;
        }
        let fields = IndicatorFields {
            project_id: project.id,
            name: name.to_owned(),
            unit: unit.to_owned(),
            baseline: 0,
            target: result,
            achieved: Some(result),
            as_of: Some(as_of),
        };
        indicator_service::insert(conn, &actor, &fields)?;
        indicators_added += 1;
    }
    // The project embeds its indicators: one added to a project loaded before changes
    // its version (a project created just now is created with them).
    if existed && indicators_added > 0 {
        project_service::touch(
            conn,
            &actor,
            &project,
            serde_json::json!({"indicators_added": indicators_added}),
        )?;
    }
    added += indicators_added;
    for (kind, day, title, description, city, venue, address, starts_at) in ZMP_EVENTS {
        let day = date(day)?;
        if events::find_by_day_and_title(conn, project.id, day, title)?.is_some() {
            continue;
        }
        let mut fields = EventFields {
            project_id: project.id,
            kind,
            title: title.to_owned(),
            description: Some(description.to_owned()),
            starts_on: day,
            ends_on: None,
            last_day: day,
            starts_at: starts_at.map(str::to_owned),
            ends_at: None,
            start_sort: 0,
            city: Some(city.to_owned()),
            city_folded: None,
            venue: venue.map(str::to_owned),
            address: address.map(str::to_owned),
            participants_count: None,
            organizations_count: None,
        };
        fields.refresh_derived();
        event_service::insert(conn, &actor, &fields)?;
        added += 1;
    }
    Ok(added)
}
