//! A synthetic data set for benchmarks: `razem seed --synthetic N` writes N positions
//! of ~200 generated associations, with Polish-like titles, ~1 KiB Markdown bodies,
//! topics, addressees (government bodies), co-signers, replies and their lifecycle
//! history, adopted over fifteen years (2011-2025).
//!
//! - Deterministic: the same `seed` gives the same rows (ids included, on an empty
//!   database).
//! - Fast: rows go in multi-row `INSERT`s of up to [`BATCH`] rows in one transaction,
//!   with ids assigned here. `MultiConnection` has no multi-row insert, so this module
//!   talks to the backend's own connection, in one place ([`insert_rows!`]).
//! - Numbers are consistent: `N/YYYY`, consecutive per association and year in the
//!   order of adoption; drafts have none.
//! - Ids follow adoption: published positions take one contiguous id range, the
//!   drafts (not adopted yet, the newest work) the ids after it.
//! - Not idempotent: it refuses to run when synthetic organizations (slugs `syn-…`)
//!   already exist.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::db::DbConnection;
use crate::db::schema::{
    organizations, position_addressees, position_attachments, position_co_signers,
    position_responses, position_topics, position_transitions, positions,
};
use crate::domain::{OrganizationKind, PositionKind, PositionStatus, Slug, Voivodeship};
use crate::error::{ApiError, ApiResult, Code};
use crate::organizations::model::OrganizationFields;
use crate::positions::model::{PositionFields, no_adoption_date};

/// How many associations adopt the positions.
pub const ASSOCIATIONS: usize = 200;
/// Rows per `INSERT` (22 columns × 1000 rows stays under both backends' bind limits).
pub const BATCH: usize = 1000;
/// Slugs of synthetic organizations start with this.
pub const SLUG_PREFIX: &str = "syn-";

/// What a synthetic load wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyntheticReport {
    pub associations: usize,
    pub government_bodies: usize,
    pub positions: usize,
    /// Positions visible to anonymous callers (adopted and later).
    pub published: usize,
    pub drafts: usize,
    /// The contiguous id range of the published positions, if any.
    pub published_ids: Option<(i64, i64)>,
    pub topics: usize,
    pub addressees: usize,
    pub co_signers: usize,
    pub responses: usize,
    pub attachments: usize,
    pub transitions: usize,
}

impl std::fmt::Display for SyntheticReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} positions ({} published, {} drafts) of {} associations, addressed to {} government bodies; \
             {} topics, {} addressees, {} co-signatures, {} replies, {} attachments, {} lifecycle moves",
            self.positions,
            self.published,
            self.drafts,
            self.associations,
            self.government_bodies,
            self.topics,
            self.addressees,
            self.co_signers,
            self.responses,
            self.attachments,
            self.transitions
        )?;
        if let Some((first, last)) = self.published_ids {
            write!(f, "; published ids {first}-{last}")?;
        }
        Ok(())
    }
}

/// Inserts `rows` (a slice of `Insertable`s) into `table` in one statement, on the
/// backend's own connection: the one place this module looks inside `DbConnection`.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Pg(pg) => diesel::insert_into($table).values($rows).execute(pg),
            DbConnection::Sqlite(sqlite) => {
                diesel::insert_into($table).values($rows).execute(sqlite)
            }
        }
    };
}

// ------------------------------------------------------------------ word lists

const ASSOCIATION_PATTERNS: [&str; 7] = [
    "Związek Gmin",
    "Stowarzyszenie Gmin i Powiatów",
    "Związek Miast i Gmin",
    "Porozumienie Samorządów",
    "Związek Powiatów",
    "Stowarzyszenie Samorządów",
    "Forum Samorządowe",
];

/// Regions (genitive) with a seat and its voivodeship.
const REGIONS: [(&str, &str, Voivodeship); 30] = [
    ("Ziemi Kłodzkiej", "Kłodzko", Voivodeship::Dolnoslaskie),
    ("Doliny Baryczy", "Milicz", Voivodeship::Dolnoslaskie),
    ("Karkonoszy", "Jelenia Góra", Voivodeship::Dolnoslaskie),
    ("Kujaw", "Inowrocław", Voivodeship::KujawskoPomorskie),
    (
        "Pojezierza Brodnickiego",
        "Brodnica",
        Voivodeship::KujawskoPomorskie,
    ),
    ("Roztocza", "Zamość", Voivodeship::Lubelskie),
    ("Doliny Bugu", "Włodawa", Voivodeship::Lubelskie),
    (
        "Ziemi Lubuskiej",
        "Gorzów Wielkopolski",
        Voivodeship::Lubuskie,
    ),
    ("Ziemi Łęczyckiej", "Łęczyca", Voivodeship::Lodzkie),
    ("Podhala", "Nowy Targ", Voivodeship::Malopolskie),
    ("Sądecczyzny", "Nowy Sącz", Voivodeship::Malopolskie),
    ("Kurpiów", "Ostrołęka", Voivodeship::Mazowieckie),
    ("Mazowsza Płockiego", "Płock", Voivodeship::Mazowieckie),
    ("Śląska Opolskiego", "Opole", Voivodeship::Opolskie),
    ("Beskidu Niskiego", "Krosno", Voivodeship::Podkarpackie),
    (
        "Pogórza Przemyskiego",
        "Przemyśl",
        Voivodeship::Podkarpackie,
    ),
    ("Podlasia", "Białystok", Voivodeship::Podlaskie),
    ("Suwalszczyzny", "Suwałki", Voivodeship::Podlaskie),
    ("Kaszub", "Kartuzy", Voivodeship::Pomorskie),
    ("Żuław", "Malbork", Voivodeship::Pomorskie),
    ("Powiśla", "Kwidzyn", Voivodeship::Pomorskie),
    ("Górnego Śląska", "Gliwice", Voivodeship::Slaskie),
    ("Zagłębia Dąbrowskiego", "Sosnowiec", Voivodeship::Slaskie),
    ("Ponidzia", "Busko-Zdrój", Voivodeship::Swietokrzyskie),
    ("Gór Świętokrzyskich", "Kielce", Voivodeship::Swietokrzyskie),
    ("Warmii", "Olsztyn", Voivodeship::WarminskoMazurskie),
    (
        "Mazur Zachodnich",
        "Ostróda",
        Voivodeship::WarminskoMazurskie,
    ),
    ("Pałuk", "Wągrowiec", Voivodeship::Wielkopolskie),
    ("Ziemi Kaliskiej", "Kalisz", Voivodeship::Wielkopolskie),
    (
        "Pomorza Zachodniego",
        "Koszalin",
        Voivodeship::Zachodniopomorskie,
    ),
];

const GOVERNMENT_BODIES: [(&str, &str); 16] = [
    ("Ministerstwo Finansów", "MF"),
    ("Ministerstwo Edukacji", "MEN"),
    ("Ministerstwo Zdrowia", "MZ"),
    ("Ministerstwo Klimatu i Środowiska", "MKiŚ"),
    (
        "Ministerstwo Rodziny, Pracy i Polityki Społecznej",
        "MRPiPS",
    ),
    ("Ministerstwo Spraw Wewnętrznych i Administracji", "MSWiA"),
    ("Ministerstwo Rozwoju i Technologii", "MRiT"),
    ("Ministerstwo Cyfryzacji", "MC"),
    ("Ministerstwo Rolnictwa i Rozwoju Wsi", "MRiRW"),
    ("Ministerstwo Kultury i Dziedzictwa Narodowego", "MKiDN"),
    ("Ministerstwo Funduszy i Polityki Regionalnej", "MFiPR"),
    ("Ministerstwo Aktywów Państwowych", "MAP"),
    (
        "Sejmowa Komisja Samorządu Terytorialnego i Polityki Regionalnej",
        "KSTiPR",
    ),
    (
        "Senacka Komisja Samorządu Terytorialnego i Administracji Państwowej",
        "KSTAP",
    ),
    ("Rzecznik Praw Obywatelskich", "RPO"),
    ("Prezes Rady Ministrów", "PRM"),
];

/// What positions are about: (locative for "ustawy o …", genitive for "w sprawie …", topic).
const SUBJECTS: [(&str, &str, &str); 24] = [
    (
        "dochodach jednostek samorządu terytorialnego",
        "dochodów jednostek samorządu terytorialnego",
        "finanse samorządowe",
    ),
    (
        "finansach publicznych",
        "limitu zadłużenia jednostek samorządu terytorialnego",
        "finanse samorządowe",
    ),
    (
        "podatkach i opłatach lokalnych",
        "stawek podatków i opłat lokalnych",
        "podatki lokalne",
    ),
    (
        "systemie oświaty",
        "finansowania zadań oświatowych",
        "oświata",
    ),
    ("Karcie Nauczyciela", "wynagrodzeń nauczycieli", "oświata"),
    (
        "utrzymaniu czystości i porządku w gminach",
        "systemu gospodarki odpadami komunalnymi",
        "gospodarka odpadami",
    ),
    (
        "zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu ścieków",
        "taryf za wodę i ścieki",
        "gospodarka wodno-ściekowa",
    ),
    (
        "publicznym transporcie zbiorowym",
        "finansowania przewozów autobusowych",
        "transport publiczny",
    ),
    (
        "drogach publicznych",
        "utrzymania dróg gminnych i powiatowych",
        "drogi",
    ),
    (
        "pomocy społecznej",
        "kosztów utrzymania domów pomocy społecznej",
        "pomoc społeczna",
    ),
    (
        "wspieraniu rodziny i systemie pieczy zastępczej",
        "zadań gmin w pieczy zastępczej",
        "pomoc społeczna",
    ),
    (
        "planowaniu i zagospodarowaniu przestrzennym",
        "planów ogólnych gmin",
        "planowanie przestrzenne",
    ),
    (
        "efektywności energetycznej",
        "cen energii dla jednostek samorządu terytorialnego",
        "energetyka",
    ),
    (
        "ochronie powietrza",
        "programu wymiany źródeł ciepła",
        "środowisko",
    ),
    (
        "ochronie zdrowia psychicznego",
        "finansowania szpitali powiatowych",
        "ochrona zdrowia",
    ),
    (
        "samorządzie gminnym",
        "kadencji organów jednostek samorządu terytorialnego",
        "administracja samorządowa",
    ),
    (
        "pracownikach samorządowych",
        "wynagrodzeń pracowników samorządowych",
        "wynagrodzenia",
    ),
    (
        "zarządzaniu kryzysowym",
        "zadań samorządów w ochronie ludności",
        "bezpieczeństwo",
    ),
    (
        "ochronie ludności i obronie cywilnej",
        "finansowania schronów i miejsc doraźnego schronienia",
        "bezpieczeństwo",
    ),
    (
        "rewitalizacji",
        "wsparcia rewitalizacji małych miast",
        "rozwój lokalny",
    ),
    (
        "zasadach prowadzenia polityki rozwoju",
        "podziału środków funduszy europejskich",
        "fundusze europejskie",
    ),
    (
        "informatyzacji działalności podmiotów realizujących zadania publiczne",
        "cyfryzacji urzędów gmin",
        "cyfryzacja",
    ),
    (
        "kulturze fizycznej",
        "utrzymania obiektów sportowych",
        "kultura i sport",
    ),
    (
        "społecznym budownictwie mieszkaniowym",
        "programów budownictwa komunalnego",
        "mieszkalnictwo",
    ),
];

const EXTRA_TOPICS: [&str; 6] = [
    "finanse samorządowe",
    "administracja samorządowa",
    "fundusze europejskie",
    "legislacja",
    "dialog z rządem",
    "wynagrodzenia",
];

const SUMMARIES: [&str; 8] = [
    "Związek opiniuje projekt negatywnie i wnosi o jego wycofanie z dalszych prac legislacyjnych.",
    "Związek popiera cel regulacji, lecz wskazuje na brak źródeł finansowania nowych zadań gmin.",
    "Samorządy apelują o pilne zwiększenie środków przekazywanych na realizację zadań zleconych.",
    "Związek wnosi o przedłużenie terminu konsultacji i rzetelną ocenę skutków regulacji.",
    "Stanowisko wskazuje na konieczność rekompensaty utraconych dochodów jednostek samorządu.",
    "Związek postuluje uproszczenie procedur i ograniczenie obowiązków sprawozdawczych.",
    "Samorządy zwracają uwagę na skutki projektu dla mieszkańców małych gmin wiejskich.",
    "Związek przedstawia szczegółowe uwagi do projektu i proponuje zmiany brzmienia przepisów.",
];

const SENTENCES: [&str; 20] = [
    "Projekt nakłada na jednostki samorządu terytorialnego nowe obowiązki bez wskazania źródeł ich finansowania.",
    "Ocena skutków regulacji nie uwzględnia kosztów, które poniosą gminy i powiaty.",
    "Zgodnie z art. 167 Konstytucji RP zmiany w zakresie zadań samorządu następują wraz ze zmianami w podziale dochodów publicznych.",
    "Samorządy od lat sygnalizują rosnącą lukę między kosztami zadań oświatowych a wysokością subwencji.",
    "Proponowane terminy wejścia w życie przepisów są nierealne dla mniejszych gmin.",
    "Związek zwraca uwagę na konieczność konsultowania projektu w Komisji Wspólnej Rządu i Samorządu Terytorialnego.",
    "Wzrost cen energii i materiałów budowlanych istotnie ogranicza możliwości inwestycyjne samorządów.",
    "Rozwiązania przyjęte w projekcie ograniczają samodzielność gmin w kształtowaniu lokalnej polityki.",
    "Mieszkańcy oczekują stabilnych i przewidywalnych zasad finansowania usług publicznych.",
    "Konieczne jest zapewnienie okresu przejściowego, który pozwoli dostosować uchwały organów stanowiących.",
    "Dotychczasowe doświadczenia pokazują, że podobne zmiany prowadziły do wzrostu kosztów administracyjnych.",
    "Związek deklaruje gotowość do udziału w pracach zespołu roboczego nad projektem.",
    "Przepisy przejściowe powinny jednoznacznie rozstrzygać o losie postępowań wszczętych przed dniem wejścia w życie ustawy.",
    "Projekt nie zawiera mechanizmu waloryzacji środków przekazywanych na realizację zadań zleconych.",
    "Brak jest danych pozwalających ocenić wpływ regulacji na budżety powiatów.",
    "Gminy wiejskie, o niskich dochodach własnych, zostaną dotknięte zmianami w największym stopniu.",
    "Samorządy wskazują na potrzebę uproszczenia procedur i ograniczenia obowiązków sprawozdawczych.",
    "Uzasadnienie projektu nie odnosi się do uwag zgłaszanych przez korporacje samorządowe w poprzednich latach.",
    "Wprowadzenie nowych standardów wymaga wcześniejszego zapewnienia kadr i środków na ich wdrożenie.",
    "Związek wnosi o uwzględnienie przedstawionych uwag w dalszych pracach legislacyjnych.",
];

const DEMANDS: [&str; 8] = [
    "Zapewnienie pełnego finansowania nowych zadań",
    "Wydłużenie vacatio legis",
    "Rzetelna ocena skutków regulacji",
    "Konsultacja w Komisji Wspólnej",
    "Waloryzacja dotacji celowych",
    "Okres przejściowy",
    "Rekompensata utraconych dochodów",
    "Uproszczenie procedur",
];

const REPLIES: [&str; 5] = [
    "Ministerstwo dziękuje za przekazane stanowisko; uwagi zostaną przeanalizowane w toku prac legislacyjnych.",
    "Uwagi zostały częściowo uwzględnione w nowej wersji projektu.",
    "Resort nie podziela przedstawionych zastrzeżeń i podtrzymuje proponowane rozwiązania.",
    "Sprawa została przekazana do rozpatrzenia zespołowi roboczemu Komisji Wspólnej.",
    "Ministerstwo informuje o przygotowaniu zmian w rozporządzeniu wykonawczym.",
];

// ------------------------------------------------------------------ rows

#[derive(Insertable)]
#[diesel(table_name = organizations)]
struct NewOrganization {
    id: i64,
    #[diesel(embed)]
    fields: OrganizationFields,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = positions)]
struct NewPosition {
    id: i64,
    #[diesel(embed)]
    fields: PositionFields,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = position_topics)]
struct NewTopic {
    position_id: i64,
    topic: &'static str,
}

#[derive(Insertable)]
#[diesel(table_name = position_addressees)]
struct NewAddressee {
    position_id: i64,
    organization_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = position_co_signers)]
struct NewCoSigner {
    position_id: i64,
    organization_id: i64,
    signed_on: NaiveDate,
}

#[derive(Insertable)]
#[diesel(table_name = position_attachments, treat_none_as_null = true)]
struct NewAttachment {
    position_id: i64,
    title: String,
    url: String,
    media_type: Option<&'static str>,
    size_bytes: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = position_responses, treat_none_as_null = true)]
struct NewResponse {
    position_id: i64,
    received_on: NaiveDate,
    from_organization_id: i64,
    summary: &'static str,
    attachment_title: Option<String>,
    attachment_url: Option<String>,
    attachment_media_type: Option<&'static str>,
    attachment_size_bytes: Option<i64>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = position_transitions, treat_none_as_null = true)]
struct NewTransition {
    position_id: i64,
    from_status: Option<&'static str>,
    to_status: &'static str,
    on_date: NaiveDate,
    note: Option<&'static str>,
    actor_user_id: Option<i64>,
    created_at: NaiveDateTime,
}

/// The skeleton of a position, planned before any text is written: enough to order
/// positions by adoption and number them.
struct Plan {
    association: usize,
    kind: PositionKind,
    status: PositionStatus,
    /// `None` for drafts.
    adopted_on: Option<NaiveDate>,
    number: Option<(i32, i32)>,
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn at(date: NaiveDate, seconds: u32) -> NaiveDateTime {
    date.and_hms_opt(8, 0, 0).unwrap_or_default() + Duration::seconds(i64::from(seconds))
}

fn pick_weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in choices {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    choices[0].0
}

/// The positions to write, in id order: published by adoption date, then drafts.
fn plan(rng: &mut StdRng, count: usize, associations: usize) -> Vec<Plan> {
    let first = day(2011, 1, 1);
    let span = (day(2025, 9, 30) - first).num_days();
    let mut plans: Vec<Plan> = (0..count)
        .map(|_| {
            let status = pick_weighted(
                rng,
                &[
                    (PositionStatus::Draft, 5),
                    (PositionStatus::Adopted, 8),
                    (PositionStatus::Sent, 30),
                    (PositionStatus::Answered, 35),
                    (PositionStatus::Closed, 20),
                    (PositionStatus::Withdrawn, 2),
                ],
            );
            let kind = pick_weighted(
                rng,
                &[
                    (PositionKind::Position, 45),
                    (PositionKind::Opinion, 25),
                    (PositionKind::Appeal, 12),
                    (PositionKind::Intervention, 10),
                    (PositionKind::Resolution, 8),
                ],
            );
            let adopted_on = (status != PositionStatus::Draft)
                .then(|| first + Duration::days(rng.random_range(0..=span)));
            Plan {
                association: rng.random_range(0..associations),
                kind,
                status,
                adopted_on,
                number: None,
            }
        })
        .collect();
    // Drafts sort last (no adoption date yet); a stable sort keeps the rest deterministic.
    plans.sort_by_key(|p| p.adopted_on.unwrap_or(NaiveDate::MAX));
    let mut next_seq: std::collections::HashMap<(usize, i32), i32> = Default::default();
    for plan in &mut plans {
        if let Some(adopted_on) = plan.adopted_on {
            let seq = next_seq
                .entry((plan.association, adopted_on.year()))
                .or_insert(0);
            *seq += 1;
            plan.number = Some((*seq, adopted_on.year()));
        }
    }
    plans
}

fn association_fields(
    index: usize,
    pattern: &str,
    region: &(&str, &str, Voivodeship),
) -> OrganizationFields {
    let name = format!("{pattern} {}", region.0);
    let slug = format!("{SLUG_PREFIX}{}", Slug::from_name(&name).as_str());
    let mut fields = organization(slug, name, None, OrganizationKind::Association);
    fields.city = Some(region.1.to_owned());
    fields.voivodeship = Some(region.2);
    fields.description = Some(format!(
        "Regionalna organizacja samorządowa zrzeszająca gminy i powiaty ({}, nr {}; dane syntetyczne).",
        region.2.as_str(),
        index + 1
    ));
    fields
}

fn organization(
    slug: String,
    name: String,
    short_name: Option<&str>,
    kind: OrganizationKind,
) -> OrganizationFields {
    let slug = slug
        .chars()
        .take(100)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned();
    let mut fields = OrganizationFields::named(slug, name, kind);
    fields.short_name = short_name.map(str::to_owned);
    fields.refresh_derived();
    fields
}

/// The largest id in a table (0 when empty).
fn max_id(conn: &mut DbConnection, table: &str) -> ApiResult<i64> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let max: Max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
        .get_result(conn)?;
    Ok(max.id)
}

/// PostgreSQL's sequences do not see explicit ids: move them past the new rows.
/// (SQLite's AUTOINCREMENT counter follows explicit ids by itself.)
fn advance_sequence(conn: &mut DbConnection, table: &str) -> ApiResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .execute(pg)?;
    }
    Ok(())
}

/// Does the database already hold synthetic data?
pub fn exists(conn: &mut DbConnection) -> ApiResult<bool> {
    let found: Option<i64> = organizations::table
        .select(organizations::id)
        .filter(organizations::slug.like(format!("{SLUG_PREFIX}%")))
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Rows waiting for their multi-row `INSERT`.
#[derive(Default)]
struct Pending {
    positions: Vec<NewPosition>,
    topics: Vec<NewTopic>,
    addressees: Vec<NewAddressee>,
    co_signers: Vec<NewCoSigner>,
    attachments: Vec<NewAttachment>,
    responses: Vec<NewResponse>,
    transitions: Vec<NewTransition>,
}

impl Pending {
    /// Writes what is pending (parents first), in statements of at most [`BATCH`] rows.
    fn flush(&mut self, conn: &mut DbConnection) -> ApiResult<()> {
        for chunk in self.positions.chunks(BATCH) {
            insert_rows!(&mut *conn, positions::table, chunk)?;
        }
        for chunk in self.topics.chunks(BATCH * 4) {
            insert_rows!(&mut *conn, position_topics::table, chunk)?;
        }
        for chunk in self.addressees.chunks(BATCH * 4) {
            insert_rows!(&mut *conn, position_addressees::table, chunk)?;
        }
        for chunk in self.co_signers.chunks(BATCH * 4) {
            insert_rows!(&mut *conn, position_co_signers::table, chunk)?;
        }
        for chunk in self.attachments.chunks(BATCH * 2) {
            insert_rows!(&mut *conn, position_attachments::table, chunk)?;
        }
        for chunk in self.responses.chunks(BATCH) {
            insert_rows!(&mut *conn, position_responses::table, chunk)?;
        }
        for chunk in self.transitions.chunks(BATCH * 2) {
            insert_rows!(&mut *conn, position_transitions::table, chunk)?;
        }
        *self = Pending::default();
        Ok(())
    }
}

/// Writes `count` synthetic positions (and their associations and addressees) in one
/// transaction; `progress(done, total)` is called after every batch.
pub fn load_synthetic(
    conn: &mut DbConnection,
    count: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> ApiResult<SyntheticReport> {
    conn.transaction(|conn| {
        if exists(conn)? {
            return Err(ApiError::new(
                Code::SyntheticDataExists,
                "synthetic data is already loaded (organizations 'syn-…'); load it into a fresh database",
            ));
        }
        let report = write(conn, count, seed, progress)?;
        // The rows went in without the write path: render the read model from them.
        crate::read_model::rebuild(conn)?;
        Ok(report)
    })
}

fn write(
    conn: &mut DbConnection,
    count: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> ApiResult<SyntheticReport> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = SyntheticReport::default();
    let created = at(day(2010, 12, 1), 0);

    // Organizations: the associations (distinct pattern × region names), then the
    // government bodies positions are addressed to.
    let mut names: Vec<(usize, usize)> = (0..ASSOCIATION_PATTERNS.len())
        .flat_map(|p| (0..REGIONS.len()).map(move |r| (p, r)))
        .collect();
    rand::seq::SliceRandom::shuffle(names.as_mut_slice(), &mut rng);
    names.truncate(ASSOCIATIONS);
    let mut next_organization = max_id(conn, "organizations")? + 1;
    let mut organization_rows = Vec::new();
    let mut association_ids = Vec::new();
    for (index, (pattern, region)) in names.iter().enumerate() {
        association_ids.push(next_organization);
        organization_rows.push(NewOrganization {
            id: next_organization,
            fields: association_fields(index, ASSOCIATION_PATTERNS[*pattern], &REGIONS[*region]),
            version: 1,
            created_at: created,
            updated_at: created,
        });
        next_organization += 1;
    }
    let mut government_ids = Vec::new();
    for (name, short_name) in GOVERNMENT_BODIES {
        let slug = format!("{SLUG_PREFIX}{}", Slug::from_name(name).as_str());
        let mut fields = organization(
            slug,
            name.to_owned(),
            Some(short_name),
            OrganizationKind::GovernmentBody,
        );
        fields.city = Some("Warszawa".to_owned());
        fields.voivodeship = Some(Voivodeship::Mazowieckie);
        government_ids.push(next_organization);
        organization_rows.push(NewOrganization {
            id: next_organization,
            fields,
            version: 1,
            created_at: created,
            updated_at: created,
        });
        next_organization += 1;
    }
    for chunk in organization_rows.chunks(BATCH) {
        insert_rows!(&mut *conn, organizations::table, chunk)?;
    }
    advance_sequence(conn, "organizations")?;
    report.associations = association_ids.len();
    report.government_bodies = government_ids.len();

    // Positions.
    let plans = plan(&mut rng, count, association_ids.len());
    let first_id = max_id(conn, "positions")? + 1;
    let drafts_from = first_id + plans.iter().filter(|p| p.adopted_on.is_some()).count() as i64;
    let mut pending = Pending::default();
    for (offset, plan) in plans.iter().enumerate() {
        let id = first_id + offset as i64;
        generate(
            &mut rng,
            &mut pending,
            &mut report,
            id,
            plan,
            &association_ids,
            &government_ids,
        );
        if pending.positions.len() >= BATCH {
            pending.flush(conn)?;
            progress(offset + 1, count);
        }
    }
    pending.flush(conn)?;
    if !count.is_multiple_of(BATCH) {
        progress(count, count);
    }
    advance_sequence(conn, "positions")?;
    report.positions = count;
    report.drafts = plans
        .iter()
        .filter(|p| p.status == PositionStatus::Draft)
        .count();
    report.published = count - report.drafts;
    report.published_ids = (report.published > 0).then(|| (first_id, drafts_from - 1));
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn generate(
    rng: &mut StdRng,
    pending: &mut Pending,
    report: &mut SyntheticReport,
    id: i64,
    plan: &Plan,
    association_ids: &[i64],
    government_ids: &[i64],
) {
    let association_id = association_ids[plan.association];
    let (locative, genitive, topic) = *SUBJECTS.choose(rng).unwrap_or(&SUBJECTS[0]);
    let bill = rng.random_bool(0.6);
    let about = if bill {
        let others = if rng.random_bool(0.3) {
            " oraz niektórych innych ustaw"
        } else {
            ""
        };
        format!("projektu ustawy o zmianie ustawy o {locative}{others}")
    } else {
        genitive.to_owned()
    };
    let title = match plan.kind {
        PositionKind::Position => format!("Stanowisko w sprawie {about}"),
        PositionKind::Opinion if bill => format!("Opinia do {about}"),
        PositionKind::Opinion => format!("Opinia w sprawie {about}"),
        PositionKind::Appeal => format!("Apel w sprawie {about}"),
        PositionKind::Intervention => format!("Interwencja w sprawie {about}"),
        PositionKind::Resolution => format!("Uchwała w sprawie {about}"),
    };
    let summary = SUMMARIES.choose(rng).copied().unwrap_or(SUMMARIES[0]);
    let body = body(rng, &title);
    let legislation = bill.then(|| {
        let number = rng.random_range(1..1200);
        (
            format!("UD{number}"),
            format!("Projekt ustawy o zmianie ustawy o {locative}"),
            format!(
                "https://legislacja.gov.pl/projekt/{}",
                12_300_000 + number * 7
            ),
        )
    });

    // The lifecycle: dates of every move after creation.
    let status = plan.status;
    let mut moves: Vec<(PositionStatus, NaiveDate)> = Vec::new();
    let created_on;
    let mut sent_on = None;
    let mut received_on = None;
    match plan.adopted_on {
        None => {
            created_on = day(2025, 10, 1) + Duration::days(rng.random_range(0..90));
        }
        Some(adopted_on) => {
            created_on = adopted_on - Duration::days(rng.random_range(1..30));
            moves.push((PositionStatus::Adopted, adopted_on));
            let goes_on = matches!(
                status,
                PositionStatus::Sent | PositionStatus::Answered | PositionStatus::Closed
            ) || (status == PositionStatus::Withdrawn && rng.random_bool(0.5));
            if goes_on {
                let sent = adopted_on + Duration::days(rng.random_range(1..15));
                sent_on = Some(sent);
                moves.push((PositionStatus::Sent, sent));
                if matches!(status, PositionStatus::Answered | PositionStatus::Closed) {
                    let received = sent + Duration::days(rng.random_range(14..60));
                    received_on = Some(received);
                    moves.push((PositionStatus::Answered, received));
                }
                if status == PositionStatus::Closed {
                    let last = moves.last().map(|m| m.1).unwrap_or(sent);
                    moves.push((
                        PositionStatus::Closed,
                        last + Duration::days(rng.random_range(1..30)),
                    ));
                }
            }
            if status == PositionStatus::Withdrawn {
                let last = moves.last().map(|m| m.1).unwrap_or(adopted_on);
                moves.push((
                    PositionStatus::Withdrawn,
                    last + Duration::days(rng.random_range(1..20)),
                ));
            }
        }
    }
    let last_on = moves.last().map(|m| m.1).unwrap_or(created_on);
    let created_at = at(created_on, rng.random_range(0..36_000));
    let updated_at = at(last_on, rng.random_range(0..36_000)).max(created_at);

    let mut fields = PositionFields {
        association_id,
        number: plan.number.map(|(seq, year)| format!("{seq}/{year}")),
        number_year: None,
        number_seq: None,
        kind: plan.kind,
        title: Some(title),
        summary: Some(summary.to_owned()),
        body: Some(body),
        status,
        adopted_on: plan.adopted_on,
        adopted_sort: no_adoption_date(),
        sent_on,
        legislation_register_number: legislation.as_ref().map(|l| l.0.clone()),
        legislation_title: legislation.as_ref().map(|l| l.1.clone()),
        legislation_url: legislation.map(|l| l.2),
        consultation_id: None,
        published: plan.adopted_on.is_some(),
    };
    fields.refresh_derived();
    pending.positions.push(NewPosition {
        id,
        fields,
        version: 1 + moves.len() as i64,
        created_at,
        updated_at,
    });

    // Topics: the subject's, and up to two more.
    let mut topics = vec![topic];
    for _ in 0..rng.random_range(0..3) {
        let extra = EXTRA_TOPICS.choose(rng).copied().unwrap_or(EXTRA_TOPICS[0]);
        if !topics.contains(&extra) {
            topics.push(extra);
        }
    }
    report.topics += topics.len();
    pending
        .topics
        .extend(topics.into_iter().map(|topic| NewTopic {
            position_id: id,
            topic,
        }));

    // Addressees: one to three government bodies; the first one replies.
    let mut addressees: Vec<i64> = Vec::new();
    for _ in 0..rng.random_range(1..4) {
        let body = government_ids[rng.random_range(0..government_ids.len())];
        if !addressees.contains(&body) {
            addressees.push(body);
        }
    }
    report.addressees += addressees.len();
    pending
        .addressees
        .extend(addressees.iter().map(|&organization_id| NewAddressee {
            position_id: id,
            organization_id,
        }));

    // Co-signers: other associations, signing before the position is sent.
    let mut co_signers: Vec<i64> = Vec::new();
    for _ in 0..pick_weighted(rng, &[(0usize, 50), (1, 25), (2, 15), (3, 10)]) {
        let other = association_ids[rng.random_range(0..association_ids.len())];
        if other != association_id && !co_signers.contains(&other) {
            co_signers.push(other);
        }
    }
    let signing_from = plan.adopted_on.unwrap_or(created_on);
    for organization_id in &co_signers {
        let signed_on = match sent_on {
            Some(sent) => {
                signing_from
                    + Duration::days(rng.random_range(0..=(sent - signing_from).num_days()))
            }
            None => signing_from + Duration::days(rng.random_range(0..5)),
        };
        pending.co_signers.push(NewCoSigner {
            position_id: id,
            organization_id: *organization_id,
            signed_on,
        });
    }
    report.co_signers += co_signers.len();

    // An attachment for about a third.
    if rng.random_bool(0.3) {
        pending.attachments.push(NewAttachment {
            position_id: id,
            title: "Treść stanowiska (PDF)".to_owned(),
            url: format!("https://example.org/stanowiska/{id}.pdf"),
            media_type: Some("application/pdf"),
            size_bytes: Some(rng.random_range(40_000..900_000)),
        });
        report.attachments += 1;
    }

    // The reply that made it answered.
    if let Some(received_on) = received_on {
        pending.responses.push(NewResponse {
            position_id: id,
            received_on,
            from_organization_id: addressees[0],
            summary: REPLIES.choose(rng).copied().unwrap_or(REPLIES[0]),
            attachment_title: None,
            attachment_url: None,
            attachment_media_type: None,
            attachment_size_bytes: None,
            created_at: at(received_on, 3600),
        });
        report.responses += 1;
    }

    // The history: creation, then every move.
    pending.transitions.push(NewTransition {
        position_id: id,
        from_status: None,
        to_status: PositionStatus::Draft.as_str(),
        on_date: created_on,
        note: None,
        actor_user_id: None,
        created_at,
    });
    report.transitions += 1 + moves.len();
    let mut from = PositionStatus::Draft;
    for (to, on) in moves {
        pending.transitions.push(NewTransition {
            position_id: id,
            from_status: Some(from.as_str()),
            to_status: to.as_str(),
            on_date: on,
            note: None,
            actor_user_id: None,
            created_at: at(on, 7200),
        });
        from = to;
    }
}

/// About 1 KiB of Markdown: a justification and numbered demands.
fn body(rng: &mut StdRng, title: &str) -> String {
    let mut body = String::with_capacity(1400);
    body.push_str("## Uzasadnienie\n\n");
    body.push_str(title);
    body.push_str(" — ");
    while body.len() < 700 {
        body.push_str(SENTENCES.choose(rng).copied().unwrap_or(SENTENCES[0]));
        body.push(if rng.random_bool(0.25) { '\n' } else { ' ' });
    }
    body.push_str("\n\n## Wnioski\n\n");
    for n in 1..=rng.random_range(2..4) {
        let demand = DEMANDS.choose(rng).copied().unwrap_or(DEMANDS[0]);
        let reason = SENTENCES.choose(rng).copied().unwrap_or(SENTENCES[0]);
        body.push_str(&format!("{n}. **{demand}.** {reason}\n"));
    }
    body.push_str("\n*Dane syntetyczne.*");
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_consecutive_per_association_and_year() {
        let mut rng = StdRng::seed_from_u64(7);
        let plans = plan(&mut rng, 5000, 20);
        let mut seen = std::collections::HashSet::new();
        for p in &plans {
            match (p.adopted_on, p.number) {
                (Some(on), Some((seq, year))) => {
                    assert_eq!(on.year(), year);
                    assert!(seen.insert((p.association, year, seq)));
                }
                (None, None) => assert_eq!(p.status, PositionStatus::Draft),
                _ => panic!("numbered iff adopted"),
            }
        }
        // Drafts come last.
        let first_draft = plans
            .iter()
            .position(|p| p.adopted_on.is_none())
            .unwrap_or(plans.len());
        assert!(plans[first_draft..].iter().all(|p| p.adopted_on.is_none()));
    }

    #[test]
    fn bodies_are_about_a_kibibyte() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..50 {
            let text = body(
                &mut rng,
                "Stanowisko w sprawie dochodów jednostek samorządu terytorialnego",
            );
            assert!((800..1600).contains(&text.len()), "{}", text.len());
        }
    }
}
