//! Demo data drawn from the documents in `shared/seeds/`: idempotent, so it can run
//! on every first start and again by hand.

mod positions;

use diesel::Connection;

use crate::audit::Actor;
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::error::ApiResult;
use crate::organizations::dto::{AddressInput, CreateOrganization};
use crate::organizations::repo as organizations;

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

/// Loads what is missing of the demo set; returns how many organizations it added.
pub fn load_demo(conn: &mut DbConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let actor = Actor::default();
        let mut added = 0;
        for demo in demo_organizations() {
            if organizations::find_by_id_or_slug(conn, demo.slug)?.is_some() {
                continue;
            }
            let request = CreateOrganization {
                slug: Some(
                    demo.slug
                        .parse()
                        .map_err(crate::error::ApiError::internal)?,
                ),
                name: demo.name.to_owned(),
                short_name: demo.short_name.map(str::to_owned),
                kind: demo.kind,
                legal_form: None,
                description: demo.description.map(str::to_owned),
                founded_on: demo.founded_on.and_then(|d| d.parse().ok()),
                address: Some(AddressInput {
                    street: None,
                    postal_code: None,
                    city: demo.city.map(str::to_owned),
                    voivodeship: demo.voivodeship.and_then(|v| v.parse().ok()),
                }),
                website: demo.website.and_then(|w| w.parse().ok()),
                email: None,
                phone: None,
                krs: None,
                nip: None,
                regon: None,
                teryt: None,
                jst_kind: None,
                population: None,
            };
            organizations::insert(conn, &actor, request.into_fields())?;
            added += 1;
        }
        added += positions::load_demo_positions(conn)?;
        Ok(added)
    })
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
