//! The good-practice base (seed 001): the seven categories of the base, "Aglomeracja
//! Opolska" as the seed gives it, and a handful of practices marked "dane
//! demonstracyjne" spread over voivodeships and categories, so that the map and the
//! filters have something to show.
//!
//! What the seed's entry holds and where it lives: the title → `title`; the *Skrót*
//! (the full text of the justification) → `summary`; the category "Współpraca między
//! JST" → `categories`; "Data wprowadzenia do BDP: 2014-12-06" → `entered_on`; "Data
//! aktualizacji: 2016-11-29" → `reviewed_on`; "Typ jednostki: powiat grodzki" (a city
//! with powiat rights) → `unit_kind` `miasto_na_prawach_powiatu`; "Miejscowość / Powiat:
//! Opole", "Województwo: opolskie" → `jst` (Miasto Opole, TERC 1661011), `teryt`,
//! `address.city`, `address.voivodeship`; "Jednostka wdrażająca: Biuro Stowarzyszenia
//! Aglomeracja Opolska" → `implementer` (the association) and the contact's name;
//! "Ulica: Horoszkiewicza 6" → `address.street`; "Telefon" → `phone`; "Wirtyna
//! internetowa" → `website`; "Liczba mieszkańców: 0" → `population` null (unknown, not
//! zero); "Osoby kontaktowe" → one contact: the office and the role ("Dyrektor Biura
//! Stowarzyszenia"), without the person's name or e-mail address. The page belongs to
//! the portal of the ZMP project (the header of the seed), hence `project`.
//!
//! Not copied: the postal code "41-301", which is not an Opole code (Opole's begin with
//! 45-); the right one is not in the seed, so `postal_code` stays empty. Not in the seed,
//! and so chosen for the demo: the location (the centre of Opole, not the geocoded
//! street address). The further practices, their places and numbers are demonstration
//! data, said so in their summaries; they come from organizations already in the demo set.

use crate::db::DbConnection;
use crate::domain::{OrganizationKind, PracticeStatus, Teryt, UnitKind, Voivodeship, to_micro};
use crate::error::{ApiError, ApiResult};
use crate::organizations::dto::{AddressInput, CreateOrganization, check_consistency};
use crate::organizations::repo as organizations;
use crate::practices::model::{ContactData, PracticeFields, PracticeLinks, PracticeState};
use crate::practices::{repo as practices, service as practice_service};
use crate::write::{Actor, Expected};

/// The categories of the base, in the order of its menu.
pub const CATEGORIES: [&str; 7] = [
    "Usługi społeczne",
    "Usługi techniczne",
    "Rozwój instytucjonalny",
    "Efektywność energetyczna",
    "Współpraca JST-NGO",
    "Współpraca między JST",
    "Dialog społeczny",
];

pub const OPOLE_TITLE: &str = "Aglomeracja Opolska";

const OPOLE_SUMMARY: &str = "Praktykę uznaje się za dobrą i godną popularyzowania ze względu na \
przeprowadzenie budowy partnerstwa w metodyczny sposób – od budowy podstaw zaufania, jako \
niezbędnego czynnika warunkującego dalsze kroki, przez wstępne porozumienie, a na \
instytucjonalizacji i sprawnym mechanizmie pracy operacyjnej kończąc. Partnerstwo Aglomeracji \
Opolskiej realizowane jest na podstawie wspólnej decyzji partnerów członków obszaru wokół miasta \
Opole. W procesie zawiązywania inicjatorem był prezydent miasta. Jednak po bardzo istotnym, może \
kluczowym, etapie informowania oraz komunikowania idei porozumienia przez wiceprezydenta miasta na \
sesjach rad poszczególnych gmin, nastąpił proces budowy głębszego porozumienia i trwałej \
współpracy. Przywiązywano uwagę do jawności i transparentności działań. Jako kluczową uznano \
komunikację pomiędzy partnerami. Powołano stałą radę i zespół pracowników oddelegowanych do \
kontaktu i prac w ramach partnerstwa. Spowodowało to osiągnięcie optymalnego składu oraz \
mobilności organizacyjnej partnerstwa. Partnerstwo promuje aktywnie jasną formułę komunikacji z \
interesariuszami, kładzie na tego typu działania szczególny nacisk. W powołanym stowarzyszeniu \
każdy z partnerów posiada jeden głos. Biuro stowarzyszenia zajmuje się koordynacją pracy, ale to \
partnerzy zajmują się wypracowaniem merytorycznym decyzji. Dzięki takiej formule organizacyjnej \
osiągnięto wysoki poziom mobilności partnerów - w przypadku potrzeby szybkiego działania w \
wybranym temacie możliwe jest zwołanie zespołów operacyjnych.";

/// A local government or association of the demo practices.
struct Place {
    slug: &'static str,
    name: &'static str,
    kind: OrganizationKind,
    teryt: Option<&'static str>,
    city: &'static str,
    voivodeship: Option<Voivodeship>,
    website: Option<&'static str>,
}

const fn jst(
    slug: &'static str,
    name: &'static str,
    teryt: &'static str,
    city: &'static str,
) -> Place {
    Place {
        slug,
        name,
        kind: OrganizationKind::Jst,
        teryt: Some(teryt),
        city,
        voivodeship: None,
        website: None,
    }
}

/// The two organizations the seed's entry needs; the further practices come from
/// organizations already in the demo set (the regional associations of OPOS, Szczecin).
const PLACES: [Place; 2] = [
    Place {
        slug: "stowarzyszenie-aglomeracja-opolska",
        name: "Stowarzyszenie Aglomeracja Opolska",
        kind: OrganizationKind::Association,
        teryt: None,
        city: "Opole",
        voivodeship: Some(Voivodeship::Opolskie),
        website: Some("https://www.aglomeracja-opolska.pl"),
    },
    jst("miasto-opole", "Miasto Opole", "1661011", "Opole"),
];

/// A demo practice; `category` indexes [`CATEGORIES`], `place` is (city, voivodeship,
/// kind of unit).
struct Demo {
    implementer: &'static str,
    title: &'static str,
    category: usize,
    summary: &'static str,
    office: &'static str,
    role: &'static str,
    place: (&'static str, Voivodeship, UnitKind),
    location: (f64, f64),
    population: Option<i64>,
    status: PracticeStatus,
}

const DEMOS: [Demo; 6] = [
    Demo {
        implementer: "slaski-zwiazek-gmin-i-powiatow",
        title: "Wspólny zakup energii elektrycznej dla gmin i powiatów",
        category: 3,
        summary: "Dane demonstracyjne. Związek przygotował jedno postępowanie na dostawę \
                  energii dla budynków i oświetlenia kilkudziesięciu gmin i powiatów, a \
                  comiesięczne raporty zużycia pokazują każdemu partnerowi, gdzie szukać \
                  oszczędności.",
        office: "Biuro Śląskiego Związku Gmin i Powiatów",
        role: "Koordynator grupy zakupowej",
        place: ("Katowice", Voivodeship::Slaskie, UnitKind::Stowarzyszenie),
        location: (50.2599, 19.0216),
        population: None,
        status: PracticeStatus::Published,
    },
    Demo {
        implementer: "gmina-miasto-szczecin",
        title: "Program współpracy z organizacjami pozarządowymi pisany wspólnie z radą pożytku",
        category: 4,
        summary: "Dane demonstracyjne. Roczny program współpracy powstaje w zespole miasta i \
                  rady działalności pożytku publicznego, a projekt przechodzi otwarte konsultacje \
                  z tabelą uwag i odpowiedziami miasta.",
        office: "Biuro ds. Organizacji Pozarządowych Urzędu Miasta Szczecin",
        role: "Dyrektor Biura",
        place: (
            "Szczecin",
            Voivodeship::Zachodniopomorskie,
            UnitKind::MiastoNaPrawachPowiatu,
        ),
        location: (53.4285, 14.5528),
        population: Some(390_000),
        status: PracticeStatus::Published,
    },
    Demo {
        implementer: "zwiazek-gmin-lubelszczyzny",
        title: "Forum sołtysów i przewodniczących rad gmin",
        category: 6,
        summary: "Dane demonstracyjne. Dwa razy w roku sołtysi i przewodniczący rad gmin \
                  regionu omawiają z posłami i urzędem wojewódzkim projekty przepisów, a \
                  wnioski trafiają do stanowisk związku.",
        office: "Biuro Związku Gmin Lubelszczyzny",
        role: "Sekretarz Związku",
        place: ("Lublin", Voivodeship::Lubelskie, UnitKind::Zwiazek),
        location: (51.2465, 22.5684),
        population: None,
        status: PracticeStatus::Published,
    },
    Demo {
        implementer: "podkarpackie-stowarzyszenie-samorzadow-terytorialnych",
        title: "Wspólne szkolenia kadr urzędów gmin z karty usług",
        category: 2,
        summary: "Dane demonstracyjne. Każda sprawa załatwiana w urzędzie ma kartę usługi z \
                  wymaganymi dokumentami i terminem; stowarzyszenie uczy gminy, jak je pisać i \
                  jak mierzyć czas obsługi mieszkańca.",
        office: "Biuro Podkarpackiego Stowarzyszenia Samorządów Terytorialnych",
        role: "Dyrektor Biura",
        place: (
            "Rzeszów",
            Voivodeship::Podkarpackie,
            UnitKind::Stowarzyszenie,
        ),
        location: (50.0412, 21.9991),
        population: None,
        status: PracticeStatus::Published,
    },
    Demo {
        implementer: "zwiazek-gmin-pomorskich",
        title: "Sieć wymiany doświadczeń ośrodków pomocy społecznej",
        category: 0,
        summary: "Dane demonstracyjne. Kierownicy gminnych ośrodków pomocy społecznej spotykają \
                  się co kwartał, a wspólna baza procedur (teleopieka, usługi opiekuńcze) \
                  pozwala mniejszym gminom przejąć rozwiązania większych.",
        office: "Biuro Związku Gmin Pomorskich",
        role: "Koordynator sieci",
        place: ("Gdańsk", Voivodeship::Pomorskie, UnitKind::Zwiazek),
        location: (54.3520, 18.6466),
        population: None,
        status: PracticeStatus::Published,
    },
    Demo {
        implementer: "zwiazek-miast-i-gmin-regionu-swietokrzyskiego",
        title: "Wspólne zamówienie oświetlenia ulicznego LED",
        category: 1,
        summary: "Dane demonstracyjne. Zgłoszona do bazy i czeka na recenzję: gminy regionu \
                  wspólnie zamówiły wymianę opraw oświetlenia ulicznego na LED z jednym \
                  operatorem serwisu.",
        office: "Biuro Związku Miast i Gmin Regionu Świętokrzyskiego",
        role: "Dyrektor Biura",
        place: ("Kielce", Voivodeship::Swietokrzyskie, UnitKind::Zwiazek),
        location: (50.8661, 20.6286),
        population: None,
        status: PracticeStatus::Submitted,
    },
];

fn organization_id(conn: &mut DbConnection, actor: &Actor, place: &Place) -> ApiResult<i64> {
    if let Some(existing) = organizations::find_by_id_or_slug(conn, place.slug)? {
        return Ok(existing.id);
    }
    let request = CreateOrganization {
        slug: Some(place.slug.parse().map_err(ApiError::internal)?),
        name: place.name.to_owned(),
        short_name: None,
        kind: place.kind,
        legal_form: None,
        description: None,
        founded_on: None,
        address: Some(AddressInput {
            street: None,
            postal_code: None,
            city: Some(place.city.to_owned()),
            voivodeship: place.voivodeship,
        }),
        website: place.website.and_then(|w| w.parse().ok()),
        email: None,
        phone: None,
        krs: None,
        nip: None,
        regon: None,
        teryt: place
            .teryt
            .map(|t| t.parse::<Teryt>().map_err(ApiError::internal))
            .transpose()?,
        jst_kind: None,
        population: None,
    };
    let mut fields = request.into_fields();
    check_consistency(&mut fields)?;
    Ok(organizations::insert(conn, actor, fields)?.id)
}

fn office(name: &str, role: &str, phone: Option<&str>) -> ContactData {
    ContactData {
        name: name.to_owned(),
        role: Some(role.to_owned()),
        email: None,
        phone: phone.map(str::to_owned),
        public: true,
    }
}

/// Inserts the practice and moves it to `status` (draft → submitted → published).
fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    mut state: PracticeState,
    status: PracticeStatus,
) -> ApiResult<()> {
    state.fields.refresh_derived();
    let mut row = practice_service::insert_practice(conn, actor, state)?;
    for to in [PracticeStatus::Submitted, PracticeStatus::Published] {
        if row.status == status {
            break;
        }
        row = practice_service::move_practice(
            conn,
            actor,
            &row,
            Expected::current(row.version),
            to,
            None,
        )?;
    }
    Ok(())
}

fn date(text: &str) -> ApiResult<chrono::NaiveDate> {
    text.parse().map_err(ApiError::internal)
}

/// Loads what is missing of the practices' demo set; returns how many records it added.
pub fn load_demo_practices(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let mut added = 0;
    let mut category_ids = Vec::new();
    for name in CATEGORIES {
        let slug = crate::domain::Slug::from_name(name);
        let id = match practices::find_category(conn, slug.as_str())? {
            Some(existing) => existing.id,
            None => {
                added += 1;
                practice_service::insert_category(conn, &actor, Some(slug), name)?.id
            }
        };
        category_ids.push(id);
    }
    let mut ids = std::collections::HashMap::new();
    for place in &PLACES {
        ids.insert(place.slug, organization_id(conn, &actor, place)?);
    }
    let id = |conn: &mut DbConnection, slug: &str| -> ApiResult<i64> {
        match ids.get(slug) {
            Some(id) => Ok(*id),
            None => organizations::find_by_id_or_slug(conn, slug)?
                .map(|o| o.id)
                .ok_or_else(|| ApiError::internal(format!("demo organization {slug} missing"))),
        }
    };
    if practices::find_by_title(conn, OPOLE_TITLE)?.is_none() {
        let mut fields =
            PracticeFields::draft(OPOLE_TITLE, id(conn, "stowarzyszenie-aglomeracja-opolska")?);
        fields.summary = Some(OPOLE_SUMMARY.to_owned());
        fields.jst_id = Some(id(conn, "miasto-opole")?);
        fields.unit_kind = Some(UnitKind::MiastoNaPrawachPowiatu);
        fields.street = Some("ul. Horoszkiewicza 6".to_owned());
        fields.city = Some("Opole".to_owned());
        fields.phone = Some("77 5417930".to_owned());
        fields.website = Some("https://www.aglomeracja-opolska.pl".to_owned());
        fields.lat_e6 = Some(to_micro(50.6751));
        fields.lon_e6 = Some(to_micro(17.9213));
        fields.entered_on = Some(date("2014-12-06")?);
        fields.reviewed_on = Some(date("2016-11-29")?);
        fields.project_id =
            crate::projects::repo::find_by_code(conn, super::projects::ZMP_PROJECT_CODE)?
                .map(|p| p.id);
        let links = PracticeLinks {
            category_ids: vec![category_ids[5]],
            contacts: vec![office(
                "Biuro Stowarzyszenia Aglomeracja Opolska",
                "Dyrektor Biura Stowarzyszenia",
                Some("77 5417930"),
            )],
            ..PracticeLinks::default()
        };
        add(
            conn,
            &actor,
            PracticeState { fields, links },
            PracticeStatus::Published,
        )?;
        added += 1;
    }
    for demo in &DEMOS {
        if practices::find_by_title(conn, demo.title)?.is_some() {
            continue;
        }
        let implementer = id(conn, demo.implementer)?;
        let mut fields = PracticeFields::draft(demo.title, implementer);
        let (city, voivodeship, unit_kind) = demo.place;
        fields.summary = Some(demo.summary.to_owned());
        fields.city = Some(city.to_owned());
        fields.voivodeship = Some(voivodeship);
        fields.unit_kind = Some(unit_kind);
        if unit_kind == UnitKind::MiastoNaPrawachPowiatu {
            fields.jst_id = Some(implementer);
        }
        fields.population = demo.population;
        fields.lat_e6 = Some(to_micro(demo.location.0));
        fields.lon_e6 = Some(to_micro(demo.location.1));
        let links = PracticeLinks {
            category_ids: vec![category_ids[demo.category]],
            contacts: vec![office(demo.office, demo.role, None)],
            ..PracticeLinks::default()
        };
        add(conn, &actor, PracticeState { fields, links }, demo.status)?;
        added += 1;
    }
    Ok(added)
}
