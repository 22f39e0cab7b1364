//! Demo data drawn from the documents in `shared/seeds/`: idempotent, so it can run
//! on every first start and again by hand.

mod consultations;
pub mod cooperation;
mod positions;
mod practices;
pub mod projects;
mod registrations;
pub mod synthetic;
mod working_groups;

pub use synthetic::{SyntheticReport, load_synthetic};

use chrono::{Datelike, NaiveDate};
use diesel::Connection;

use crate::associations::memberships::model::MembershipFields;
use crate::associations::memberships::repo as memberships;
use crate::associations::milestones::model::MilestoneFields;
use crate::associations::milestones::repo as milestones;
use crate::associations::presidencies::model::PresidencyFields;
use crate::associations::presidencies::repo as presidencies;
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::error::ApiResult;
use crate::organizations::model::OrganizationFields;
use crate::organizations::repo as organizations;
use crate::write::Actor;

/// An organization of the demo set.
struct DemoOrganization {
    slug: &'static str,
    name: &'static str,
    short_name: Option<&'static str>,
    kind: OrganizationKind,
    city: Option<&'static str>,
    voivodeship: Option<&'static str>,
    description: Option<&'static str>,
    founded_on: Option<&'static str>,
    website: Option<&'static str>,
}

const fn association(
    slug: &'static str,
    name: &'static str,
    city: Option<&'static str>,
    voivodeship: &'static str,
) -> DemoOrganization {
    DemoOrganization {
        slug,
        name,
        short_name: None,
        kind: OrganizationKind::Association,
        city,
        voivodeship: Some(voivodeship),
        description: None,
        founded_on: None,
        website: None,
    }
}

/// The nine regional associations that form OPOS, named as in the seed document.
pub const OPOS_MEMBERS: [&str; 9] = [
    "slaski-zwiazek-gmin-i-powiatow",
    "stowarzyszenie-gmin-i-powiatow-wielkopolski",
    "zrzeszenie-gmin-wojewodztwa-lubuskiego",
    "zwiazek-gmin-lubelszczyzny",
    "zwiazek-gmin-warminsko-mazurskich",
    "zwiazek-gmin-pomorskich",
    "podkarpackie-stowarzyszenie-samorzadow-terytorialnych",
    "stowarzyszenie-gmin-regionu-poludniowo-zachodniego-mazowsza",
    "zwiazek-miast-i-gmin-regionu-swietokrzyskiego",
];

fn demo_organizations() -> Vec<DemoOrganization> {
    vec![
        DemoOrganization {
            slug: "opos",
            name: "Ogólnopolskie Porozumienie Organizacji Samorządowych",
            short_name: Some("OPOS"),
            kind: OrganizationKind::Alliance,
            city: None,
            voivodeship: None,
            description: Some(
                "Porozumienie dziewięciu regionalnych organizacji samorządowych, które łącznie zrzeszają 857 \
                 jednostek samorządu terytorialnego. Porozumienie nie ma osobowości prawnej; przewodnictwo \
                 rotuje między członkami.",
            ),
            founded_on: Some("2013-10-29"),
            website: None,
        },
        association(
            "slaski-zwiazek-gmin-i-powiatow",
            "Śląski Związek Gmin i Powiatów",
            Some("Katowice"),
            "śląskie",
        ),
        association(
            "stowarzyszenie-gmin-i-powiatow-wielkopolski",
            "Stowarzyszenie Gmin i Powiatów Wielkopolski",
            Some("Poznań"),
            "wielkopolskie",
        ),
        association(
            "zrzeszenie-gmin-wojewodztwa-lubuskiego",
            "Zrzeszenie Gmin Województwa Lubuskiego",
            None,
            "lubuskie",
        ),
        association(
            "zwiazek-gmin-lubelszczyzny",
            "Związek Gmin Lubelszczyzny",
            Some("Lublin"),
            "lubelskie",
        ),
        association(
            "zwiazek-gmin-warminsko-mazurskich",
            "Związek Gmin Warmińsko-Mazurskich",
            Some("Olsztyn"),
            "warmińsko-mazurskie",
        ),
        association(
            "zwiazek-gmin-pomorskich",
            "Związek Gmin Pomorskich",
            None,
            "pomorskie",
        ),
        association(
            "podkarpackie-stowarzyszenie-samorzadow-terytorialnych",
            "Podkarpackie Stowarzyszenie Samorządów Terytorialnych",
            Some("Rzeszów"),
            "podkarpackie",
        ),
        association(
            "stowarzyszenie-gmin-regionu-poludniowo-zachodniego-mazowsza",
            "Stowarzyszenie Gmin Regionu Południowo-Zachodniego Mazowsza",
            None,
            "mazowieckie",
        ),
        association(
            "zwiazek-miast-i-gmin-regionu-swietokrzyskiego",
            "Związek Miast i Gmin Regionu Świętokrzyskiego",
            Some("Kielce"),
            "świętokrzyskie",
        ),
        DemoOrganization {
            slug: "zmp",
            name: "Związek Miast Polskich",
            short_name: Some("ZMP"),
            kind: OrganizationKind::NationalAssociation,
            city: Some("Poznań"),
            voivodeship: Some("wielkopolskie"),
            description: Some("Ogólnopolska korporacja samorządowa miast."),
            founded_on: None,
            website: Some("https://www.zmp.poznan.pl"),
        },
        DemoOrganization {
            slug: "zpp",
            name: "Związek Powiatów Polskich",
            short_name: Some("ZPP"),
            kind: OrganizationKind::NationalAssociation,
            city: Some("Warszawa"),
            voivodeship: Some("mazowieckie"),
            description: Some("Ogólnopolska korporacja samorządowa powiatów."),
            founded_on: None,
            website: None,
        },
        DemoOrganization {
            slug: "zgw-rp",
            name: "Związek Gmin Wiejskich Rzeczypospolitej Polskiej",
            short_name: Some("ZGW RP"),
            kind: OrganizationKind::NationalAssociation,
            city: Some("Poznań"),
            voivodeship: Some("wielkopolskie"),
            description: Some("Ogólnopolska korporacja samorządowa gmin wiejskich."),
            founded_on: None,
            website: None,
        },
        DemoOrganization {
            slug: "ks",
            name: "KS – Kommunesektorens organisasjon",
            short_name: Some("KS"),
            kind: OrganizationKind::ForeignPartner,
            city: Some("Oslo"),
            voivodeship: None,
            description: Some(
                "Norweski związek władz lokalnych i regionalnych, partner projektu ZMP finansowanego z funduszy EOG.",
            ),
            founded_on: None,
            website: None,
        },
    ]
}

/// Loads what is missing of the demo set; returns how many records it added
/// (organizations, memberships, milestones, presidency terms).
pub fn load_demo(conn: &mut DbConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let organizations = load_organizations(conn)?;
        let timeline = load_opos_timeline(conn)?;
        let positions = positions::load_demo_positions(conn)?;
        let projects = projects::load_demo_projects(conn)?;
        let consultations = consultations::load_demo_consultations(conn)?;
        let practices = practices::load_demo_practices(conn)?;
        let registrations = registrations::load_demo_registrations(conn)?;
        let working_groups = working_groups::load_demo_working_groups(conn)?;
        let cooperation = cooperation::load_demo_cooperation(conn)?;
        crate::read_model::flush(conn)?;
        Ok(organizations
            + timeline
            + positions
            + projects
            + consultations
            + practices
            + registrations
            + working_groups
            + cooperation)
    })
}

/// The id of a demo organization the data set has already added.
pub(crate) fn organization_id(conn: &mut DbConnection, slug: &str) -> ApiResult<i64> {
    organizations::find_by_id_or_slug(conn, slug)?
        .map(|o| o.id)
        .ok_or_else(|| {
            crate::error::ApiError::internal(format!("demo organization {slug} is missing"))
        })
}

/// Inserts a demo organization unless its slug is taken; `fill` sets what the demo
/// knows beyond its slug, name and kind. How many it added (0 or 1).
pub(crate) fn add_organization(
    conn: &mut DbConnection,
    actor: &Actor,
    (slug, name, kind): (&str, &str, OrganizationKind),
    fill: impl FnOnce(&mut OrganizationFields),
) -> ApiResult<usize> {
    if organizations::find_by_id_or_slug(conn, slug)?.is_some() {
        return Ok(0);
    }
    let mut fields = OrganizationFields::named(slug.to_owned(), name.to_owned(), kind);
    fill(&mut fields);
    fields.refresh_derived();
    organizations::insert(conn, actor, fields)?;
    Ok(1)
}

fn load_organizations(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let mut added = 0;
    for demo in demo_organizations() {
        let kind = demo.kind;
        added += add_organization(conn, &actor, (demo.slug, demo.name, kind), |f| {
            f.short_name = demo.short_name.map(str::to_owned);
            f.description = demo.description.map(str::to_owned);
            f.founded_on = demo.founded_on.and_then(|d| d.parse().ok());
            f.city = demo.city.map(str::to_owned);
            f.voivodeship = demo.voivodeship.and_then(|v| v.parse().ok());
            f.website = demo.website.map(str::to_owned);
        })?;
    }
    Ok(added)
}

/// The day the OPOS agreement was signed in Nowa Sól.
const OPOS_SIGNED_ON: &str = "2013-10-29";
const OPOS_BASIS: &str = "Porozumienie podpisane w Nowej Soli 29.10.2013";

/// The key dates of OPOS, from the seed document: (date, end date, title, place, description).
const OPOS_MILESTONES: [(&str, Option<&str>, &str, &str, &str); 4] = [
    (
        "2012-09-17",
        Some("2012-09-18"),
        "Zapoczątkowanie współpracy",
        "Poznań",
        "Spotkanie konsultacyjne regionalnych korporacji samorządowych w Wielkopolsce, gdzie \
         zapoczątkowano ideę współpracy między regionalnymi organizacjami samorządowymi.",
    ),
    (
        "2013-02-05",
        None,
        "Idea połączenia sił",
        "Konstantynów Łódzki",
        "Spotkanie regionalnych organizacji samorządowych w Konstantynowie Łódzkim. Podczas tego \
         spotkania narodziła się idea połączenia sił i wspólnych działań organizacji reprezentujących \
         interesy samorządów lokalnych na szczeblu ogólnokrajowym.",
    ),
    (
        "2013-05-16",
        Some("2013-05-17"),
        "Propozycja utworzenia OPOS",
        "Świerklaniec",
        "Spotkanie samorządowe w Świerklańcu, podczas którego zaproponowano oficjalne utworzenie \
         Ogólnopolskiego Porozumienia Organizacji Samorządowych (OPOS).",
    ),
    (
        "2013-10-29",
        None,
        "Oficjalna inauguracja OPOS",
        "Nowa Sól",
        "Oficjalne podpisanie porozumienia tworzącego Ogólnopolskie Porozumienie Organizacji \
         Samorządowych (OPOS) w Nowej Soli.",
    ),
];

fn date(text: &str) -> ApiResult<NaiveDate> {
    text.parse().map_err(crate::error::ApiError::internal)
}

/// The half-year terms from January 2014 up to the one that contains `today`.
pub fn half_year_terms(today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut terms = Vec::new();
    for year in 2014..=today.year() {
        for (start, end) in [((1, 1), (6, 30)), ((7, 1), (12, 31))] {
            let (Some(starts_on), Some(ends_on)) = (
                NaiveDate::from_ymd_opt(year, start.0, start.1),
                NaiveDate::from_ymd_opt(year, end.0, end.1),
            ) else {
                continue;
            };
            if starts_on <= today {
                terms.push((starts_on, ends_on));
            }
        }
    }
    terms
}

/// OPOS's nine members (since the agreement), its key dates and a presidency that
/// rotates every half year among the members in the order of the seed document.
fn load_opos_timeline(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let Some(opos) = organizations::find_by_id_or_slug(conn, "opos")? else {
        return Ok(0);
    };
    let mut added = 0;
    let signed_on = date(OPOS_SIGNED_ON)?;
    let mut members = Vec::new();
    for slug in OPOS_MEMBERS {
        let Some(member) = organizations::find_by_id_or_slug(conn, slug)? else {
            continue;
        };
        if !memberships::covers(conn, opos.id, member.id, signed_on, signed_on)? {
            let fields = MembershipFields {
                association_id: opos.id,
                member_id: member.id,
                joined_on: signed_on,
                left_on: None,
                basis: Some(OPOS_BASIS.to_owned()),
            };
            if memberships::overlapping(conn, &fields, None)?.is_none() {
                memberships::insert(conn, &actor, &fields)?;
                added += 1;
            }
        }
        members.push(member.id);
    }
    for (day, end, title, place, description) in OPOS_MILESTONES {
        let day = date(day)?;
        if milestones::find_by_date_and_title(conn, opos.id, day, title)?.is_some() {
            continue;
        }
        let fields = MilestoneFields {
            association_id: opos.id,
            starts_on: day,
            ends_on: end.map(date).transpose()?,
            title: title.to_owned(),
            place: Some(place.to_owned()),
            description: Some(description.to_owned()),
        };
        milestones::insert(conn, &actor, &fields)?;
        added += 1;
    }
    if members.is_empty() {
        return Ok(added);
    }
    for (index, (starts_on, ends_on)) in half_year_terms(crate::time::today())
        .into_iter()
        .enumerate()
    {
        let fields = PresidencyFields {
            alliance_id: opos.id,
            holder_id: members[index % members.len()],
            starts_on,
            ends_on,
        };
        if presidencies::overlapping(conn, &fields, None)?.is_some()
            || !memberships::covers(conn, opos.id, fields.holder_id, starts_on, ends_on)?
        {
            continue;
        }
        presidencies::insert(conn, &actor, &fields)?;
        added += 1;
    }
    Ok(added)
}

/// True when the database holds no organizations yet (first start).
pub fn is_empty(conn: &mut DbConnection) -> ApiResult<bool> {
    use diesel::prelude::*;
    let any: Option<i64> = crate::db::schema::organizations::table
        .select(crate::db::schema::organizations::id)
        .first(conn)
        .optional()?;
    Ok(any.is_none())
}
