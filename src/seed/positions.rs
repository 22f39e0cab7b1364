//! Demo positions: the OPOS opinion on the draft amendment of the act on collective
//! water supply and sewage disposal, and a handful of appeals, interventions and
//! resolutions of OPOS and its member associations from 2014 to 2026.
//!
//! The seed document records only that OPOS took part in opining that draft (and that
//! the alliance adopted over a hundred positions, appeals and interventions in its
//! first decade). The texts, dates, numbers, register number and replies below are
//! written for the demo — plausible, not copies of real documents — and every body
//! says so in its last line.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::organization_id;
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::schema::positions;
use crate::domain::{OrganizationKind, PositionKind, PositionStatus, Voivodeship};
use crate::error::{ApiError, ApiResult};
use crate::positions::model::{
    CoSignerRow, NewResponse, PositionFields, PositionLinks, PositionRow, no_adoption_date,
};
use crate::positions::service::{self, Move};
use crate::write::{Actor, Expected};

/// The government bodies the demo positions are addressed to.
const GOVERNMENT_BODIES: [(&str, &str, &str); 3] = [
    (
        "ministerstwo-infrastruktury",
        "Ministerstwo Infrastruktury",
        "MI",
    ),
    (
        "komisja-wspolna-rzadu-i-samorzadu-terytorialnego",
        "Komisja Wspólna Rządu i Samorządu Terytorialnego",
        "KWRiST",
    ),
    (
        "kancelaria-prezesa-rady-ministrow",
        "Kancelaria Prezesa Rady Ministrów",
        "KPRM",
    ),
];

const DEMO_NOTE: &str = "\n\n---\n\n*Tekst przykładowy — dane demonstracyjne.*";

/// A demo position and how far its lifecycle went.
struct DemoPosition {
    association: &'static str,
    kind: PositionKind,
    /// `None`: numbered on adoption.
    number: Option<&'static str>,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    topics: &'static [&'static str],
    legislation: Option<(&'static str, &'static str)>,
    addressees: &'static [&'static str],
    co_signers: &'static [(&'static str, &'static str)],
    /// The moves after creation, with their dates.
    moves: &'static [(PositionStatus, &'static str)],
    /// A reply: (from, received on, summary); recorded after the move to `sent`.
    response: Option<(&'static str, &'static str, &'static str)>,
}

const WATER_OPINION_BODY: &str = "## Uwagi ogólne

Ogólnopolskie Porozumienie Organizacji Samorządowych, skupiające dziewięć regionalnych organizacji \
samorządowych, które zrzeszają 857 jednostek samorządu terytorialnego, przedstawia opinię do projektu \
ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków oraz niektórych \
innych ustaw.

Porozumienie popiera cel projektu — zapewnienie mieszkańcom stałego dostępu do wody przeznaczonej do \
spożycia o wysokiej jakości — zwraca jednak uwagę, że projekt nakłada na gminy i przedsiębiorstwa \
wodociągowo-kanalizacyjne nowe obowiązki bez wskazania źródeł ich finansowania.

## Uwagi szczegółowe

1. **Koszty nowych zadań.** Ocena ryzyka w systemach zaopatrzenia w wodę, rozszerzony monitoring jakości \
wody i nowe obowiązki informacyjne wobec odbiorców oznaczają koszty, które ostatecznie obciążą mieszkańców \
w taryfach. Ocena skutków regulacji powinna je rzetelnie oszacować i wskazać źródła ich pokrycia.
2. **Terminy wdrożenia.** Proponowane terminy są zbyt krótkie, zwłaszcza dla małych gmin wiejskich, które \
prowadzą gospodarkę wodociągową w formie zakładu budżetowego lub bezpośrednio przez urząd gminy.
3. **Taryfy.** Postępowanie w sprawie zatwierdzania taryf przez organ regulacyjny należy uprościć, a terminy \
jego rozstrzygnięć skrócić, tak aby gminy mogły planować inwestycje.
4. **Tryb prac.** Projekt powinien zostać przedstawiony do zaopiniowania Komisji Wspólnej Rządu \
i Samorządu Terytorialnego.

## Wnioski

OPOS opiniuje projekt pozytywnie pod warunkiem uwzględnienia powyższych uwag i deklaruje udział swoich \
ekspertów w dalszych pracach nad projektem.";

fn demo_positions() -> Vec<DemoPosition> {
    use PositionStatus::{Adopted, Answered, Closed, Sent, Withdrawn};
    vec![
        DemoPosition {
            association: "opos",
            kind: PositionKind::Opinion,
            number: Some("4/2023"),
            title: "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym \
                    odprowadzaniu ścieków oraz niektórych innych ustaw",
            summary: "Porozumienie popiera cel projektu, ale wskazuje na brak źródeł finansowania nowych zadań gmin \
                      i przedsiębiorstw wodociągowych, zbyt krótkie terminy wdrożenia i potrzebę uproszczenia \
                      zatwierdzania taryf.",
            body: WATER_OPINION_BODY,
            topics: &[
                "gospodarka wodno-ściekowa",
                "finanse samorządowe",
                "legislacja",
            ],
            // The register number is illustrative.
            legislation: Some((
                "UD439",
                "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu \
                 ścieków oraz niektórych innych ustaw",
            )),
            addressees: &["ministerstwo-infrastruktury"],
            co_signers: &[
                ("slaski-zwiazek-gmin-i-powiatow", "2023-03-02"),
                ("stowarzyszenie-gmin-i-powiatow-wielkopolski", "2023-03-02"),
                ("zwiazek-gmin-lubelszczyzny", "2023-03-03"),
                (
                    "podkarpackie-stowarzyszenie-samorzadow-terytorialnych",
                    "2023-03-06",
                ),
            ],
            moves: &[(Adopted, "2023-02-28"), (Sent, "2023-03-07")],
            response: None,
        },
        DemoPosition {
            association: "opos",
            kind: PositionKind::Appeal,
            number: Some("5/2014"),
            title: "Apel OPOS w sprawie finansowania zadań oświatowych jednostek samorządu terytorialnego",
            summary: "Porozumienie apeluje o urealnienie części oświatowej subwencji ogólnej, tak aby pokrywała \
                      koszty zadań, które ustawodawca przekazał samorządom.",
            body: "## Apel\n\nRegionalne organizacje samorządowe tworzące OPOS zwracają uwagę, że wydatki gmin \
                   i powiatów na oświatę od lat przekraczają część oświatową subwencji ogólnej.\n\nApelujemy o:\n\n\
                   1. urealnienie wysokości subwencji w ustawie budżetowej,\n2. finansowanie nowych zadań \
                   oświatowych wraz z ich przekazaniem.",
            topics: &["oświata", "finanse samorządowe"],
            legislation: None,
            addressees: &["kancelaria-prezesa-rady-ministrow"],
            co_signers: &[],
            moves: &[
                (Adopted, "2014-05-20"),
                (Sent, "2014-05-26"),
                (Closed, "2014-09-30"),
            ],
            response: Some((
                "kancelaria-prezesa-rady-ministrow",
                "2014-07-14",
                "Kancelaria przekazała apel do ministra właściwego do spraw oświaty z prośbą o zajęcie stanowiska.",
            )),
        },
        DemoPosition {
            association: "slaski-zwiazek-gmin-i-powiatow",
            kind: PositionKind::Intervention,
            number: Some("2/2016"),
            title: "Interwencja w sprawie terminów naborów wniosków na inwestycje wodno-kanalizacyjne",
            summary: "Związek interweniuje w sprawie opóźnień w ogłaszaniu naborów, które uniemożliwiają gminom \
                      przygotowanie inwestycji w wymaganych terminach.",
            body: "Śląski Związek Gmin i Powiatów zwraca się o podanie harmonogramu naborów wniosków na \
                   inwestycje wodno-kanalizacyjne oraz o wydłużenie terminów składania wniosków.",
            topics: &["gospodarka wodno-ściekowa", "fundusze europejskie"],
            legislation: None,
            addressees: &["komisja-wspolna-rzadu-i-samorzadu-terytorialnego"],
            co_signers: &[],
            moves: &[(Adopted, "2016-03-10"), (Sent, "2016-03-14")],
            response: None,
        },
        DemoPosition {
            association: "opos",
            kind: PositionKind::Position,
            number: None,
            title: "Stanowisko OPOS w sprawie zasad wynagradzania pracowników samorządowych",
            summary: "Porozumienie sprzeciwia się zmianom zasad wynagradzania przygotowanym bez konsultacji ze \
                      stroną samorządową.",
            body: "Ogólnopolskie Porozumienie Organizacji Samorządowych stoi na stanowisku, że zasady \
                   wynagradzania pracowników samorządowych powinny być kształtowane w dialogu ze stroną \
                   samorządową, w ramach Komisji Wspólnej Rządu i Samorządu Terytorialnego.",
            topics: &["administracja samorządowa", "wynagrodzenia"],
            legislation: None,
            addressees: &["komisja-wspolna-rzadu-i-samorzadu-terytorialnego"],
            co_signers: &[("zwiazek-gmin-pomorskich", "2018-06-11")],
            moves: &[
                (Adopted, "2018-06-08"),
                (Sent, "2018-06-12"),
                (Answered, "2018-08-20"),
                (Closed, "2018-12-31"),
            ],
            response: None,
        },
        DemoPosition {
            association: "opos",
            kind: PositionKind::Opinion,
            number: Some("7/2019"),
            title: "Opinia OPOS do projektu rozporządzenia w sprawie sprawozdawczości budżetowej",
            summary: "Opinia przyjęta, a następnie wycofana po zmianie projektu przez ministerstwo.",
            body: "Porozumienie opiniowało projekt rozporządzenia negatywnie ze względu na nowe obowiązki \
                   sprawozdawcze. Po przedstawieniu zmienionego projektu opinia została wycofana.",
            topics: &["finanse samorządowe", "sprawozdawczość"],
            legislation: None,
            addressees: &[],
            co_signers: &[],
            moves: &[(Adopted, "2019-04-02"), (Withdrawn, "2019-04-16")],
            response: None,
        },
        DemoPosition {
            association: "opos",
            kind: PositionKind::Appeal,
            number: Some("3/2020"),
            title: "Apel OPOS o rekompensatę utraconych dochodów jednostek samorządu terytorialnego w związku \
                    z epidemią COVID-19",
            summary: "Porozumienie apeluje o rekompensatę ubytku dochodów własnych i udziałów w podatkach \
                      dochodowych w związku z epidemią.",
            body: "## Apel\n\nEpidemia COVID-19 spowodowała gwałtowny spadek dochodów jednostek samorządu \
                   terytorialnego przy jednoczesnym wzroście wydatków na zadania związane z ochroną zdrowia \
                   mieszkańców.\n\nOPOS apeluje o:\n\n- rekompensatę ubytku udziałów w podatkach dochodowych,\n\
                   - czasowe złagodzenie reguł fiskalnych,\n- uproszczenie zasad rozliczania środków \
                   przekazanych na przeciwdziałanie epidemii.",
            topics: &["finanse samorządowe", "covid-19"],
            legislation: None,
            addressees: &["kancelaria-prezesa-rady-ministrow"],
            co_signers: &[
                ("zrzeszenie-gmin-wojewodztwa-lubuskiego", "2020-04-21"),
                (
                    "zwiazek-miast-i-gmin-regionu-swietokrzyskiego",
                    "2020-04-21",
                ),
                (
                    "stowarzyszenie-gmin-regionu-poludniowo-zachodniego-mazowsza",
                    "2020-04-22",
                ),
            ],
            moves: &[(Adopted, "2020-04-20"), (Sent, "2020-04-23")],
            response: Some((
                "kancelaria-prezesa-rady-ministrow",
                "2020-06-02",
                "Kancelaria informuje o przygotowywanych instrumentach wsparcia inwestycji samorządowych.",
            )),
        },
        DemoPosition {
            association: "zwiazek-gmin-lubelszczyzny",
            kind: PositionKind::Intervention,
            number: Some("4/2022"),
            title: "Interwencja w sprawie cen energii elektrycznej i gazu dla jednostek samorządu terytorialnego",
            summary: "Związek interweniuje w sprawie objęcia gmin, ich jednostek i spółek ochroną przed \
                      wzrostem cen energii.",
            body: "Związek Gmin Lubelszczyzny zwraca się o objęcie jednostek samorządu terytorialnego, ich \
                   jednostek organizacyjnych i spółek komunalnych mechanizmami ograniczającymi wzrost cen \
                   energii elektrycznej i gazu.",
            topics: &["energia", "finanse samorządowe"],
            legislation: None,
            addressees: &["kancelaria-prezesa-rady-ministrow"],
            co_signers: &[],
            moves: &[
                (Adopted, "2022-09-15"),
                (Sent, "2022-09-19"),
                (Answered, "2022-11-03"),
                (Closed, "2022-12-20"),
            ],
            response: None,
        },
        DemoPosition {
            association: "stowarzyszenie-gmin-i-powiatow-wielkopolski",
            kind: PositionKind::Resolution,
            number: Some("1/2025"),
            title: "Uchwała w sprawie reformy systemu dochodów jednostek samorządu terytorialnego",
            summary: "Stowarzyszenie przyjmuje ocenę pierwszego roku funkcjonowania nowego systemu dochodów \
                      i wskazuje zmiany potrzebne powiatom.",
            body: "Zarząd Stowarzyszenia Gmin i Powiatów Wielkopolski przyjmuje ocenę pierwszego roku \
                   funkcjonowania nowego systemu dochodów jednostek samorządu terytorialnego i wskazuje zmiany \
                   potrzebne powiatom.",
            topics: &["finanse samorządowe"],
            legislation: None,
            addressees: &[],
            co_signers: &[],
            moves: &[(Adopted, "2025-05-14")],
            response: None,
        },
        DemoPosition {
            association: "opos",
            kind: PositionKind::Position,
            number: None,
            title: "Stanowisko OPOS w sprawie finansowania zadań z zakresu ochrony ludności",
            summary: "Projekt stanowiska do przyjęcia na najbliższym spotkaniu Porozumienia.",
            body: "Projekt stanowiska w sprawie finansowania zadań gmin i powiatów z zakresu ochrony ludności \
                   i obrony cywilnej.",
            topics: &["bezpieczeństwo", "finanse samorządowe"],
            legislation: None,
            addressees: &["kancelaria-prezesa-rady-ministrow"],
            co_signers: &[],
            moves: &[],
            response: None,
        },
    ]
}

fn date(text: &str) -> ApiResult<NaiveDate> {
    text.parse()
        .map_err(|e| ApiError::internal(format!("demo date {text}: {e}")))
}

fn load_government_bodies(conn: &mut DbConnection, actor: &Actor) -> ApiResult<usize> {
    let mut added = 0;
    for (slug, name, short_name) in GOVERNMENT_BODIES {
        let kind = OrganizationKind::GovernmentBody;
        added += super::add_organization(conn, actor, (slug, name, kind), |f| {
            f.short_name = Some(short_name.to_owned());
            f.city = Some("Warszawa".to_owned());
            f.voivodeship = Some(Voivodeship::Mazowieckie);
        })?;
    }
    Ok(added)
}

/// Loads what is missing of the demo positions (and the government bodies they are
/// addressed to); returns how many organizations it added. A position is known by its
/// association and title.
pub fn load_demo_positions(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let added = load_government_bodies(conn, &actor)?;
    for demo in demo_positions() {
        let association_id = organization_id(conn, demo.association)?;
        let exists: Option<i64> = positions::table
            .select(positions::id)
            .filter(positions::association_id.eq(association_id))
            .filter(positions::title.eq(demo.title))
            .first(conn)
            .optional()?;
        if exists.is_none() {
            load_position(conn, &actor, association_id, &demo)?;
        }
    }
    Ok(added)
}

fn load_position(
    conn: &mut DbConnection,
    actor: &Actor,
    association_id: i64,
    demo: &DemoPosition,
) -> ApiResult<PositionRow> {
    let mut fields = PositionFields {
        association_id,
        number: demo.number.map(str::to_owned),
        number_year: None,
        number_seq: None,
        kind: demo.kind,
        title: Some(demo.title.to_owned()),
        summary: Some(demo.summary.to_owned()),
        body: Some(format!("{}{DEMO_NOTE}", demo.body)),
        status: PositionStatus::Draft,
        adopted_on: None,
        adopted_sort: no_adoption_date(),
        sent_on: None,
        legislation_register_number: demo.legislation.map(|(number, _)| number.to_owned()),
        legislation_title: demo.legislation.map(|(_, title)| title.to_owned()),
        legislation_url: None,
        consultation_id: None,
        published: false,
    };
    fields.refresh_derived();
    let mut links = PositionLinks {
        topics: demo.topics.iter().map(|t| (*t).to_owned()).collect(),
        ..PositionLinks::default()
    };
    for slug in demo.addressees {
        links.addressee_ids.push(organization_id(conn, slug)?);
    }
    for (slug, signed_on) in demo.co_signers {
        links.co_signers.push(CoSignerRow {
            organization_id: organization_id(conn, slug)?,
            signed_on: date(signed_on)?,
        });
    }
    let mut row = service::insert_draft(conn, actor, &DraftVisibility::All, fields, links)?;
    for (to, on) in demo.moves {
        let on = date(on)?;
        if *to == PositionStatus::Closed
            && let Some((from, received_on, summary)) = demo.response
        {
            row = respond(conn, actor, &row, from, received_on, summary)?;
        }
        let request = Move {
            to: *to,
            on: Some(on),
            note: None,
        };
        row = service::move_position(conn, actor, &row, Expected::current(row.version), &request)?;
    }
    let pending_response = demo.response.is_some()
        && !demo
            .moves
            .iter()
            .any(|(to, _)| *to == PositionStatus::Closed);
    if pending_response && let Some((from, received_on, summary)) = demo.response {
        row = respond(conn, actor, &row, from, received_on, summary)?;
    }
    Ok(row)
}

fn respond(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &PositionRow,
    from: &str,
    received_on: &str,
    summary: &str,
) -> ApiResult<PositionRow> {
    let response = NewResponse {
        position_id: row.id,
        received_on: date(received_on)?,
        from_organization_id: organization_id(conn, from)?,
        summary: summary.to_owned(),
        attachment_title: None,
        attachment_url: None,
        attachment_media_type: None,
        attachment_size_bytes: None,
        created_at: crate::time::now(),
    };
    service::record_reply(conn, actor, row, response)
}
