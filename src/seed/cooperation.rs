//! The cooperation standard (seed 003): the catalogue of the West Pomeranian standard,
//! the KCWIS project with the voivodeship's self-government, and one published
//! assessment of a West Pomeranian gmina with generated answers.
//!
//! From the seed: the three planes and six areas with their titles and descriptions,
//! and the tools ("Narzędzia") of each area as the seed lists them (the OCR's
//! "intemetowe" read as "internetowe", "grupy kusowe" as "grupy fokusowe"); the project
//! (Koszalińskie Centrum Wspierania Inicjatyw Społecznych with the Samorząd Województwa
//! Zachodniopomorskiego, six local governments assessed, workshop trainings for JST and
//! NGO representatives, two obligatory areas of the plane each JST chooses). Not in the
//! seed, and so marked "dane demonstracyjne": the indicators (the seed names no
//! questions), the project's dates beyond the article's day, and the assessment of Gmina
//! Miasto Szczecin for 2014 over plane I with its generated answers (6 staff, 7 NGOs).

use crate::cooperation::dto::{CreateAssessment, StandardArea, StandardIndicator, StandardPlane};
use crate::cooperation::model::{AssessmentRow, AssessmentStatus, NewResponse, RespondentGroup};
use crate::cooperation::{repo as cooperation, service as cooperation_service};
use crate::db::DbConnection;
use crate::domain::{JstKind, OrganizationKind, PartnerRole, ProjectStatus, Teryt, Voivodeship};
use crate::error::{ApiError, ApiResult};
use crate::organizations::repo as organizations;
use crate::projects::indicators::model::IndicatorFields;
use crate::projects::indicators::service as indicator_service;
use crate::projects::model::{PartnerData, ProjectFields, ProjectLinks};
use crate::projects::{repo as projects, service as project_service};
use crate::write::{Actor, Expected};

pub const CATALOGUE_TITLE: &str =
    "Standard współpracy samorządów zachodniopomorskich z III sektorem";
pub const PROJECT_CODE: &str = "KCWIS-WZP-2014";
const KCWIS: &str = "koszalinskie-centrum-wspierania-inicjatyw-spolecznych";
const VOIVODESHIP: &str = "samorzad-wojewodztwa-zachodniopomorskiego";
/// The assessed gmina (already in the demo set through the consultation of seed 003).
const SZCZECIN: &str = "gmina-miasto-szczecin";
const DEMO: &str = "Dane demonstracyjne.";

/// (code, title, description, [(code, title, description, tools, indicators)]).
type DemoArea = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
type DemoPlane = (&'static str, &'static str, &'static str, [DemoArea; 2]);

const PLANES: [DemoPlane; 3] = [
    (
        "I",
        "Współpraca jednostek samorządu terytorialnego i organizacji pozarządowych w zakresie tworzenia polityk publicznych",
        "Płaszczyzna zawiera opis rozwiązań, które dotyczą udziału NGOs i władz samorządowych w kształtowaniu \
         polityk publicznych, strategii i programów. Polityka publiczna rozumiana jest jako suma działań \
         podejmowanych w celu rozwiązania najważniejszych problemów lokalnych społeczności.",
        [
            (
                "I.1",
                "Współtworzenie przez samorząd terytorialny i organizacje pozarządowe strategii i programów \
                 realizacji polityk publicznych oraz rozwiązań instytucjonalnych",
                "Profesjonalne planowanie i realizacja lokalnych polityk wymaga stworzenia klarownej strategii \
                 obejmującej kluczowe cele, rezultaty i działania, wykorzystania wiedzy, umiejętności i \
                 doświadczeń partnerów, przemyślenia tego, co lokalna społeczność chce osiągnąć i w jaki sposób.",
                &[
                    "tworzenie wieloletnich programów współpracy z NGOs",
                    "upublicznianie informacji o tworzonych strategiach i programach",
                ],
                &[
                    "Czy samorząd ma wieloletni program współpracy z organizacjami pozarządowymi, przygotowany wspólnie z nimi?",
                    "Czy organizacje pozarządowe uczestniczą w pracach nad strategiami i programami od ich początku?",
                    "Czy informacje o tworzonych strategiach i programach są publikowane z wyprzedzeniem?",
                    "Czy w strategiach i programach wykorzystuje się wiedzę i doświadczenie partnerów pozarządowych?",
                ],
            ),
            (
                "I.2",
                "Konsultowanie założeń projektów aktów normatywnych oraz zasad realizacji innych przedsięwzięć",
                "Konsultacje społeczne: uzyskiwanie opinii i stanowisk od podmiotów, których dotkną skutki \
                 proponowanych przez administrację działań; mogą przyjmować dwie formy: tradycyjną \
                 (publikowanie projektów aktów prawnych, udostępnianie w formie drukowanej) oraz innowacyjną \
                 (interaktywne strony WWW, grupy fokusowe). Narzędzia konsultacyjne dostosowane są do \
                 lokalnych zwyczajów, zasobów i możliwości, ich wyniki są opracowywane i publikowane.",
                &[
                    "konsultacje w formie tradycyjnej (publikowanie projektów aktów prawnych, udostępnianie w formie drukowanej)",
                    "konsultacje w formie innowacyjnej (interaktywne strony WWW, grupy fokusowe)",
                ],
                &[
                    "Czy projekty aktów dotyczących organizacji pozarządowych są konsultowane przed przyjęciem?",
                    "Czy formy konsultacji są dostosowane do lokalnych zwyczajów, zasobów i możliwości?",
                    "Czy wyniki konsultacji są opracowywane i publikowane?",
                ],
            ),
        ],
    ),
    (
        "II",
        "Współpraca jednostek samorządu terytorialnego z organizacjami pozarządowymi w zakresie realizacji zadań publicznych",
        "Zadania publiczne to działania, które podejmuje administracja samorządowa w ramach ustaw określających \
         zakres ich kompetencji. Płaszczyzna zawiera opis współpracy samorządu z organizacjami pozarządowymi \
         przy realizacji zadań publicznych z wykorzystaniem różnych form współpracy finansowej i \
         niefinansowej oraz partnerstwa.",
        [
            (
                "II.1",
                "Realizacja zadań publicznych z wykorzystaniem form finansowych",
                "Realizacja zadań publicznych powinna opierać się na umowach wieloletnich, powiązana jest z \
                 przekazaniem środków przez samorząd na ich realizację uwzględniając jakość i efektywność; \
                 samorząd powinien rezygnować z bezpośredniego prowadzenia działań w obszarach, w których \
                 zadania te mogą przejmować NGOs.",
                &[
                    "procedura dostępu do ofert realizowanych ze środków publicznych",
                    "publikacja sprawozdań z realizacji zadań publicznych",
                ],
                &[
                    "Czy zadania publiczne zleca się organizacjom na podstawie umów wieloletnich?",
                    "Czy przy przekazywaniu środków uwzględnia się jakość i efektywność realizacji zadań?",
                    "Czy samorząd rezygnuje z bezpośredniego prowadzenia działań tam, gdzie mogą je przejąć organizacje?",
                ],
            ),
            (
                "II.2",
                "Realizacja zadań publicznych z wykorzystaniem form niefinansowych",
                "Realizacja zadań publicznych wykorzystuje potencjał materialny jak i osobowy każdej ze stron, \
                 pozwala wykorzystać samorządowe zasoby komunalne do realizacji zadań publicznych (np. zasady \
                 wynajmu lokali użytkowych), zobowiązuje NGOs do korzystania z mienia komunalnego na warunkach \
                 współpracy z innymi partnerami pozarządowymi.",
                &[
                    "korzystanie z sieci kontaktów samorządu (np. w mediach)",
                    "patronaty",
                    "spotkania informacyjne",
                ],
                &[
                    "Czy organizacje mogą korzystać z lokali i innych zasobów komunalnych na jasnych zasadach?",
                    "Czy samorząd obejmuje patronatem i promuje działania organizacji (np. w mediach)?",
                    "Czy odbywają się regularne spotkania informacyjne dla organizacji?",
                ],
            ),
        ],
    ),
    (
        "III",
        "Infrastruktura współpracy, tworzenie warunków do społecznej aktywności",
        "Przez infrastrukturę należy rozumieć ogół lokalnie ukształtowanych czynników wpływających na \
         funkcjonowanie organizacji pozarządowych oraz na współpracę pomiędzy sektorem samorządowym a trzecim \
         sektorem (pozarządowym). W tej płaszczyźnie mieszczą się zarówno instytucje działające na rzecz \
         organizacji pozarządowych, dotyczące ich prawo miejscowe, jak i relacje oraz wzorce postępowań \
         występujące w danym samorządzie.",
        [
            (
                "III.1",
                "System wspierania inicjatyw obywatelskich i NGOs",
                "Wspieranie lokalnego społeczeństwa obywatelskiego powinno mieć charakter kompleksowy, wymaga \
                 opracowania i wdrożenia systemu wsparcia dostosowanego do lokalnych potrzeb i możliwości, \
                 dotyczy istniejących organizacji i nieformalnych oddolnych inicjatyw mieszkańców, ale wymaga \
                 także stworzenia warunków do zawiązywania się nowych organizacji pozarządowych i inicjatyw.",
                &[
                    "wsparcie w ramach sfery nr 33 ustawy opp",
                    "Pełnomocnicy ds. NGOs",
                    "COP",
                ],
                &[
                    "Czy samorząd ma pełnomocnika ds. współpracy z organizacjami pozarządowymi?",
                    "Czy wsparcie obejmuje także nieformalne, oddolne inicjatywy mieszkańców?",
                    "Czy działa centrum lub punkt wspierania organizacji pozarządowych?",
                ],
            ),
            (
                "III.2",
                "Wspieranie procesów integracji sektora organizacji pozarządowych",
                "Integracja organizacji pozarządowych i tworzenie partnerstw pozwala eliminować dublowanie \
                 realizacji zadań, ogranicza konkurencję oraz pozwala pełniej wykorzystać posiadane zasoby i \
                 narzędzia, wynika z przekonania NGOs o korzyściach z tego wynikających, wymaga stwarzania \
                 warunków sprzyjających integracji, np. możliwości wymiany poglądów, doświadczeń.",
                &[
                    "internetowe grupy problemowe i tematyczne",
                    "Rada Działalności Pożytku Publicznego",
                ],
                &[
                    "Czy działa Rada Działalności Pożytku Publicznego?",
                    "Czy organizacje mają okazję do wymiany poglądów i doświadczeń (np. w grupach tematycznych)?",
                    "Czy samorząd wspiera partnerstwa organizacji, które ograniczają dublowanie zadań?",
                ],
            ),
        ],
    ),
];

/// The generated answers (dane demonstracyjne) to I.1.1–I.1.4 and I.2.1–I.2.3; `None`:
/// don't know. Six of the gmina's staff, seven NGOs.
const JST_ANSWERS: [[Option<i32>; 7]; 6] = [
    [
        Some(4),
        Some(3),
        Some(4),
        Some(3),
        Some(4),
        Some(3),
        Some(3),
    ],
    [Some(5), Some(3), Some(4), None, Some(4), Some(4), Some(3)],
    [
        Some(4),
        Some(2),
        Some(3),
        Some(3),
        Some(3),
        Some(3),
        Some(2),
    ],
    [Some(3), Some(3), Some(4), Some(4), Some(5), None, Some(3)],
    [
        Some(4),
        Some(4),
        Some(5),
        Some(3),
        Some(4),
        Some(3),
        Some(4),
    ],
    [None, Some(3), Some(4), Some(3), Some(4), Some(3), Some(3)],
];
const NGO_ANSWERS: [[Option<i32>; 7]; 7] = [
    [
        Some(2),
        Some(2),
        Some(3),
        Some(1),
        Some(3),
        Some(2),
        Some(1),
    ],
    [
        Some(3),
        Some(2),
        Some(3),
        Some(2),
        Some(4),
        Some(2),
        Some(2),
    ],
    [
        Some(2),
        Some(1),
        Some(4),
        Some(2),
        Some(3),
        Some(3),
        Some(1),
    ],
    [None, Some(2), Some(3), Some(2), Some(3), Some(2), None],
    [
        Some(3),
        Some(3),
        Some(4),
        Some(2),
        Some(4),
        Some(3),
        Some(2),
    ],
    [Some(2), Some(1), Some(2), None, Some(2), Some(1), Some(1)],
    [
        Some(3),
        Some(2),
        Some(3),
        Some(2),
        Some(3),
        Some(2),
        Some(2),
    ],
];
const ANSWERED: [&str; 7] = [
    "I.1.1", "I.1.2", "I.1.3", "I.1.4", "I.2.1", "I.2.2", "I.2.3",
];

fn planes() -> Vec<StandardPlane> {
    PLANES
        .iter()
        .map(|(code, title, description, areas)| StandardPlane {
            code: (*code).to_owned(),
            title: (*title).to_owned(),
            description: Some((*description).to_owned()),
            areas: areas
                .iter()
                .map(
                    |(code, title, description, tools, questions)| StandardArea {
                        code: (*code).to_owned(),
                        title: (*title).to_owned(),
                        description: Some((*description).to_owned()),
                        tools: tools.iter().map(|t| (*t).to_owned()).collect(),
                        indicators: questions
                            .iter()
                            .enumerate()
                            .map(|(i, question)| StandardIndicator {
                                code: format!("{code}.{}", i + 1),
                                question: (*question).to_owned(),
                                description: Some(DEMO.to_owned()),
                                demonstration: true,
                            })
                            .collect(),
                    },
                )
                .collect(),
        })
        .collect()
}

fn date(text: &str) -> ApiResult<chrono::NaiveDate> {
    text.parse().map_err(ApiError::internal)
}

fn load_project(conn: &mut DbConnection, actor: &Actor) -> ApiResult<usize> {
    let mut added = super::add_organization(
        conn,
        actor,
        (
            VOIVODESHIP,
            "Samorząd Województwa Zachodniopomorskiego",
            OrganizationKind::Jst,
        ),
        |f| {
            f.city = Some("Szczecin".to_owned());
            f.voivodeship = Some(Voivodeship::Zachodniopomorskie);
            f.teryt = "3200000".parse::<Teryt>().ok().map(String::from);
            f.jst_kind = Some(JstKind::Wojewodztwo);
        },
    )?;
    let (Some(kcwis), Some(voivodeship)) = (
        organizations::find_by_id_or_slug(conn, KCWIS)?,
        organizations::find_by_id_or_slug(conn, VOIVODESHIP)?,
    ) else {
        return Ok(added);
    };
    if projects::find_by_code(conn, PROJECT_CODE)?.is_some() {
        return Ok(added);
    }
    let starts_on = date("2014-01-20")?;
    let mut fields = ProjectFields {
        code: PROJECT_CODE.to_owned(),
        title: "Współpraca z III sektorem – standardem zachodniopomorskich samorządów".to_owned(),
        summary: Some(
            "Projekt partnerski Koszalińskiego Centrum Wspierania Inicjatyw Społecznych i Samorządu \
             Województwa Zachodniopomorskiego, prowadzony w oparciu o „Model współpracy administracji \
             publicznej i organizacji pozarządowych” (Departament Pożytku Publicznego MPiPS). W 6 \
             wybranych JST badanie oceny współpracy: lokalny indeks jakości współpracy diagnozuje braki i \
             silne strony współpracy."
                .to_owned(),
        ),
        description: Some(
            "Zrekrutowane samorządy same wybiorą płaszczyznę współpracy, w ramach której będą realizowały \
             działania z dwóch obligatoryjnych obszarów. Wdrożenie standardów przypisanych do płaszczyzn \
             odbywa się przy współpracy animatora, przedstawicieli władz lokalnych oraz reprezentantów \
             organizacji pozarządowych. Szkolenia warsztatowe dla przedstawicieli JST i NGO: zasady i \
             techniki wzajemnej współpracy. Data rozpoczęcia to dzień ogłoszenia projektu (20 stycznia \
             2014); pozostałe daty nie są znane."
                .to_owned(),
        ),
        lead_id: kcwis.id,
        // The seed announces the work (2014-01-20) and gives no end: no end date, so not completed.
        status: ProjectStatus::InProgress,
        starts_on,
        ends_on: None,
        last_day: starts_on,
        value_minor: None,
        value_currency: None,
        sort_title: String::new(),
    };
    fields.refresh_derived();
    let links = ProjectLinks {
        partners: vec![PartnerData {
            organization_id: voivodeship.id,
            role: PartnerRole::Partner,
        }],
        funding: Vec::new(),
        goals: vec![
            "Badanie oceny współpracy w 6 JST i wdrożenie lokalnego indeksu jakości współpracy".to_owned(),
            "Szkolenia warsztatowe dla przedstawicieli JST i NGO: zasady i techniki wzajemnej współpracy"
                .to_owned(),
            "Wdrożenie standardów z dwóch obligatoryjnych obszarów wybranej płaszczyzny".to_owned(),
        ],
    };
    let project = project_service::insert(conn, actor, fields, links)?;
    indicator_service::insert(
        conn,
        actor,
        &IndicatorFields {
            project_id: project.id,
            name: "JST objęte badaniem oceny współpracy".to_owned(),
            unit: "JST".to_owned(),
            baseline: 0,
            target: 6,
            achieved: None,
            as_of: None,
        },
    )?;
    added += 2;
    Ok(added)
}

fn load_assessment(conn: &mut DbConnection, actor: &Actor) -> ApiResult<usize> {
    let Some(jst) = organizations::find_by_id_or_slug(conn, SZCZECIN)? else {
        return Ok(0);
    };
    if cooperation::find_for_year(conn, jst.id, 2014)?.is_some() {
        return Ok(0);
    }
    let body = CreateAssessment {
        jst_id: jst.id,
        year: 2014,
        area_codes: vec!["I.1".to_owned(), "I.2".to_owned()],
        min_group_size: None,
        catalogue_id: None,
    };
    // Each move expects the version of the row the previous one returned.
    let advance = |conn: &mut DbConnection, row: &AssessmentRow, to| {
        cooperation_service::move_assessment(conn, actor, row, Expected::current(row.version), to)
    };
    let mut row = cooperation_service::insert_assessment(conn, actor, body, true)?;
    row = advance(conn, &row, AssessmentStatus::Collecting)?;
    let groups = JST_ANSWERS
        .iter()
        .map(|a| (RespondentGroup::Jst, a))
        .chain(NGO_ANSWERS.iter().map(|a| (RespondentGroup::Ngo, a)));
    let now = crate::time::now();
    for (group, scores) in groups {
        let answers: Vec<(String, Option<i32>)> = ANSWERED
            .iter()
            .zip(scores)
            .map(|(code, score)| ((*code).to_owned(), *score))
            .collect();
        let response = NewResponse {
            assessment_id: row.id,
            respondent_group: group,
            submitted_at: now,
        };
        cooperation::insert_response(conn, &response, &answers)?;
    }
    for to in [AssessmentStatus::Closed, AssessmentStatus::Published] {
        row = advance(conn, &row, to)?;
    }
    Ok(1 + JST_ANSWERS.len() + NGO_ANSWERS.len())
}

/// Loads what is missing of the cooperation standard's demo set; returns how many
/// records it added.
pub fn load_demo_cooperation(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let mut added = 0;
    if cooperation::current_catalogue(conn)?.is_none() {
        cooperation_service::insert_catalogue(
            conn,
            &actor,
            CATALOGUE_TITLE,
            Some(
                "Na podstawie „Modelu współpracy administracji publicznej i organizacji pozarządowych” \
                 (seed 003); płaszczyzny, obszary i narzędzia jak w standardzie, wskaźniki: dane \
                 demonstracyjne."
                    .to_owned(),
            ),
            planes(),
        )?;
        added += 1;
    }
    added += load_assessment(conn, &actor)?;
    added += load_project(conn, &actor)?;
    Ok(added)
}

/// The KCWIS project of seed 003 with the Samorząd Województwa Zachodniopomorskiego (an
/// organization and a project more in the demo set); part of `load_demo_cooperation`.
pub fn load_demo_project(conn: &mut DbConnection) -> ApiResult<usize> {
    load_project(conn, &Actor::default())
}
