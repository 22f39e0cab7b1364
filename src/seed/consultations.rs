//! Demo consultations, one of each direction:
//!
//! - outbound: Gmina Miasto Szczecin consults its annual programme of cooperation with
//!   NGOs for 2026, in the spirit of the West Pomeranian standard of cooperation with the
//!   third sector (seed document 003: public policies co-created with NGOs, drafts
//!   consulted in traditional and online forms, results worked out and published).
//!   Comments from several NGOs and a resident, each decided; the report published.
//! - inbound: the Ministry of Infrastructure consults the draft amendment of the act on
//!   collective water supply and sewage disposal; OPOS comments, and its opinion (a demo
//!   position) answers the consultation.
//!
//! The NGOs, texts, dates and people are written for the demo — plausible, not copies of
//! real documents; the NGOs say so in their descriptions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::organization_id;
use crate::config::ConsultationMinDays;
use crate::consultations::comments::service::{
    self as comments, Arrival, CommentText, Submission, Submitter,
};
use crate::consultations::model::{
    ConsultationFields, ConsultationLinks, DocumentData, forms_column,
};
use crate::consultations::{repo as consultations_repo, service as consultations};
use crate::db::DbConnection;
use crate::db::schema::{consultations as consultations_table, positions};
use crate::domain::{
    CommentChannel, ConsultationDirection, ConsultationForm, ConsultationStatus, DispositionStatus,
    Eligibility, JstKind, OrganizationKind, SubjectKind, Teryt, Voivodeship,
};
use crate::error::{ApiError, ApiResult};
use crate::organizations::repo as organizations;
use crate::positions::model::PositionFields;
use crate::write::{Actor, Expected};

const DEMO_NOTE: &str = "Organizacja przykładowa — dane demonstracyjne.";

/// An organization the demo consultations need: (slug, name, short name, kind, city,
/// TERC code, description).
type DemoOrganization = (
    &'static str,
    &'static str,
    Option<&'static str>,
    OrganizationKind,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const ORGANIZATIONS: [DemoOrganization; 5] = [
    (
        "gmina-miasto-szczecin",
        "Gmina Miasto Szczecin",
        Some("Szczecin"),
        OrganizationKind::Jst,
        "Szczecin",
        Some("3262011"),
        None,
    ),
    (
        "koszalinskie-centrum-wspierania-inicjatyw-spolecznych",
        "Koszalińskie Centrum Wspierania Inicjatyw Społecznych",
        Some("KCWIS"),
        OrganizationKind::Ngo,
        "Koszalin",
        None,
        Some(
            "Partner Samorządu Województwa Zachodniopomorskiego w projekcie „Współpraca z III sektorem – \
             standardem zachodniopomorskich samorządów”. Jego uwagi w konsultacjach są przykładowe \
             (dane demonstracyjne).",
        ),
    ),
    (
        "stowarzyszenie-aktywni-razem-szczecin",
        "Stowarzyszenie „Aktywni Razem” – Szczecin",
        None,
        OrganizationKind::Ngo,
        "Szczecin",
        None,
        Some(DEMO_NOTE),
    ),
    (
        "fundacja-przystan-seniora",
        "Fundacja „Przystań Seniora”",
        None,
        OrganizationKind::Ngo,
        "Szczecin",
        None,
        Some(DEMO_NOTE),
    ),
    (
        "uczniowski-klub-sportowy-pionier-szczecin",
        "Uczniowski Klub Sportowy „Pionier” Szczecin",
        Some("UKS Pionier"),
        OrganizationKind::Ngo,
        "Szczecin",
        None,
        Some(DEMO_NOTE),
    ),
];

fn instant(text: &str) -> ApiResult<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| ApiError::internal(format!("demo instant {text}: {e}")))
}

fn load_organizations(conn: &mut DbConnection, actor: &Actor) -> ApiResult<usize> {
    let mut added = 0;
    for (slug, name, short_name, kind, city, teryt, description) in ORGANIZATIONS {
        let teryt: Option<Teryt> = teryt
            .map(str::parse)
            .transpose()
            .map_err(ApiError::internal)?;
        added += super::add_organization(conn, actor, (slug, name, kind), |f| {
            f.short_name = short_name.map(str::to_owned);
            f.description = description.map(str::to_owned);
            f.city = Some(city.to_owned());
            f.voivodeship = Some(Voivodeship::Zachodniopomorskie);
            f.teryt = teryt.map(String::from);
            f.jst_kind = (kind == OrganizationKind::Jst).then_some(JstKind::MiastoNaPrawachPowiatu);
        })?;
    }
    Ok(added)
}

/// A demo comment: (submitter slug or a person's name, channel, received at, unit,
/// content, proposed change, justification, disposition, response, decided at).
struct DemoComment {
    submitter: DemoSubmitter,
    channel: CommentChannel,
    received_at: &'static str,
    unit_reference: Option<&'static str>,
    content: &'static str,
    proposed_change: Option<&'static str>,
    justification: Option<&'static str>,
    /// The decision and when it was made; `None`: pending.
    disposition: Option<(DispositionStatus, Option<&'static str>, &'static str)>,
}

enum DemoSubmitter {
    Organization(&'static str),
    Person(&'static str),
}

struct DemoConsultation {
    organizer: &'static str,
    direction: ConsultationDirection,
    title: &'static str,
    description: &'static str,
    subject_kind: SubjectKind,
    legislation: Option<(&'static str, &'static str)>,
    legal_basis: &'static str,
    forms: &'static [ConsultationForm],
    opens_at: &'static str,
    closes_at: &'static str,
    documents: &'static [(&'static str, &'static str, &'static str)],
    created_at: &'static str,
    announced_at: &'static str,
    comments: Vec<DemoComment>,
    report_published_at: Option<&'static str>,
}

const PROGRAMME_TITLE: &str = "Konsultacje projektu Rocznego programu współpracy Gminy Miasto Szczecin z organizacjami \
     pozarządowymi oraz podmiotami wymienionymi w art. 3 ust. 3 ustawy o działalności pożytku publicznego \
     i o wolontariacie na rok 2026";

const WATER_TITLE: &str = "Projekt ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i zbiorowym odprowadzaniu \
     ścieków oraz niektórych innych ustaw";

/// The OPOS opinion of the demo positions that answers the inbound consultation.
const WATER_OPINION_TITLE: &str = "Opinia OPOS do projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i \
     zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw";

fn programme() -> DemoConsultation {
    use DemoSubmitter::{Organization, Person};
    use DispositionStatus::{Accepted, Explained, OutOfScope, PartiallyAccepted, Rejected};
    DemoConsultation {
        organizer: "gmina-miasto-szczecin",
        direction: ConsultationDirection::Outbound,
        title: PROGRAMME_TITLE,
        description: "Prezydent Miasta Szczecin zaprasza organizacje pozarządowe i mieszkańców do zgłaszania uwag do \
             projektu programu współpracy na 2026 rok.\n\n\
             Zgodnie ze standardem współpracy zachodniopomorskich samorządów z III sektorem program powstaje \
             wspólnie z organizacjami: projekt jest publikowany w formie tradycyjnej i elektronicznej, uwagi \
             można zgłaszać przez formularz internetowy, pisemnie lub na spotkaniu konsultacyjnym, a wyniki \
             konsultacji — z uzasadnieniem stanowiska wobec każdej uwagi — są opracowywane i publikowane.\n\n\
             *Tekst przykładowy — dane demonstracyjne.*",
        subject_kind: SubjectKind::Programme,
        legislation: None,
        legal_basis: "art. 5 ust. 5 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o \
             wolontariacie; uchwała Rady Miasta w sprawie szczegółowego sposobu konsultowania z organizacjami \
             pozarządowymi projektów aktów prawa miejscowego",
        forms: &[
            ConsultationForm::Online,
            ConsultationForm::Written,
            ConsultationForm::Meeting,
        ],
        opens_at: "2025-10-01T06:00:00",
        closes_at: "2025-10-16T22:00:00",
        documents: &[
            (
                "Projekt Rocznego programu współpracy na 2026 rok",
                "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026.pdf",
                "1",
            ),
            (
                "Formularz zgłaszania uwag",
                "https://bip.szczecin.example/konsultacje/program-wspolpracy-2026-formularz.docx",
                "1",
            ),
        ],
        created_at: "2025-09-22T10:00:00",
        announced_at: "2025-09-24T08:00:00",
        comments: vec![
            DemoComment {
                submitter: Organization("stowarzyszenie-aktywni-razem-szczecin"),
                channel: CommentChannel::Api,
                received_at: "2025-10-03T10:15:00",
                unit_reference: Some("§ 5 ust. 2"),
                content: "Program przewiduje zlecanie zadań wyłącznie w rocznych otwartych konkursach ofert.",
                proposed_change: Some(
                    "Dodać pkt 4 w brzmieniu: „zawieranie umów wieloletnich, na okres do 3 lat, na realizację \
                     zadań o charakterze ciągłym”.",
                ),
                justification: Some(
                    "Umowy wieloletnie zapewniają mieszkańcom ciągłość usług, a organizacjom pozwalają planować \
                     zatrudnienie; przewiduje je standard zachodniopomorskich samorządów.",
                ),
                disposition: Some((
                    PartiallyAccepted,
                    Some(
                        "Uwaga uwzględniona częściowo: umowy wieloletnie wprowadzono dla zadań z zakresu pomocy \
                         społecznej i przeciwdziałania wykluczeniu (§ 5 ust. 2 pkt 4). W pozostałych obszarach \
                         konkursy pozostają roczne ze względu na roczny charakter uchwały budżetowej.",
                    ),
                    "2025-10-24T09:30:00",
                )),
            },
            DemoComment {
                submitter: Organization("fundacja-przystan-seniora"),
                channel: CommentChannel::Api,
                received_at: "2025-10-06T14:40:00",
                unit_reference: Some("§ 8 ust. 1"),
                content: "Priorytetowe zadania publiczne nie obejmują aktywizacji osób starszych.",
                proposed_change: Some(
                    "Dodać pkt 7 w brzmieniu: „wspieranie aktywności i integracji społecznej seniorów, w tym \
                     działalności klubów seniora”.",
                ),
                justification: Some(
                    "Udział osób starszych wśród mieszkańców miasta systematycznie rośnie.",
                ),
                disposition: Some((Accepted, None, "2025-10-24T09:35:00")),
            },
            DemoComment {
                submitter: Organization("koszalinskie-centrum-wspierania-inicjatyw-spolecznych"),
                channel: CommentChannel::Email,
                received_at: "2025-10-09T09:05:00",
                unit_reference: Some("§ 12"),
                content: "Program nie przewiduje oceny jakości współpracy z organizacjami pozarządowymi.",
                proposed_change: Some(
                    "Dodać ust. 3 w brzmieniu: „Raz w roku przeprowadza się badanie lokalnego indeksu jakości \
                     współpracy, a jego wyniki publikuje się w sprawozdaniu z realizacji programu”.",
                ),
                justification: Some(
                    "Lokalny indeks jakości współpracy pozwala zdiagnozować braki i silne strony współpracy, \
                     zgodnie z Modelem współpracy administracji publicznej i organizacji pozarządowych.",
                ),
                disposition: Some((
                    Accepted,
                    Some("Uwzględniono w § 12 ust. 3 projektu po konsultacjach."),
                    "2025-10-24T09:40:00",
                )),
            },
            DemoComment {
                submitter: Person("Anna Nowak"),
                channel: CommentChannel::Meeting,
                received_at: "2025-10-10T17:00:00",
                unit_reference: Some("§ 6"),
                content: "Czy o dotacje mogą ubiegać się organizacje, które nie mają siedziby w Szczecinie?",
                proposed_change: None,
                justification: None,
                disposition: Some((
                    Explained,
                    Some(
                        "Wyjaśniono na spotkaniu i w sprawozdaniu: oferty mogą składać organizacje prowadzące \
                         działalność na rzecz mieszkańców Szczecina, niezależnie od siedziby (§ 6 ust. 1).",
                    ),
                    "2025-10-24T09:45:00",
                )),
            },
            DemoComment {
                submitter: Organization("uczniowski-klub-sportowy-pionier-szczecin"),
                channel: CommentChannel::Letter,
                received_at: "2025-10-14T11:20:00",
                unit_reference: Some("§ 10"),
                content: "Wnosimy o zwiększenie środków na zadania z zakresu sportu dzieci i młodzieży.",
                proposed_change: Some("W § 10 kwotę 4 200 000 zł zastąpić kwotą 5 040 000 zł."),
                justification: Some("Rośnie liczba dzieci trenujących w klubach uczniowskich."),
                disposition: Some((
                    Rejected,
                    Some(
                        "Uwaga nieuwzględniona: wysokość środków na realizację programu określa uchwała \
                         budżetowa na 2026 rok; program podaje kwotę planowaną w projekcie budżetu.",
                    ),
                    "2025-10-24T09:50:00",
                )),
            },
            DemoComment {
                submitter: Organization("fundacja-przystan-seniora"),
                channel: CommentChannel::Api,
                received_at: "2025-10-15T20:30:00",
                unit_reference: None,
                content: "Postulujemy budowę nowego centrum aktywności seniora na osiedlu Pogodno.",
                proposed_change: None,
                justification: None,
                disposition: Some((
                    OutOfScope,
                    Some(
                        "Uwaga wykracza poza zakres programu współpracy; przekazano ją właściwemu wydziałowi \
                         jako wniosek do projektu budżetu.",
                    ),
                    "2025-10-24T09:55:00",
                )),
            },
        ],
        report_published_at: Some("2025-10-30T12:00:00"),
    }
}

fn water_supply() -> DemoConsultation {
    use DemoSubmitter::Organization;
    DemoConsultation {
        organizer: "ministerstwo-infrastruktury",
        direction: ConsultationDirection::Inbound,
        title: "Konsultacje publiczne projektu ustawy o zmianie ustawy o zbiorowym zaopatrzeniu w wodę i \
             zbiorowym odprowadzaniu ścieków oraz niektórych innych ustaw",
        description: "Projekt wdraża dyrektywę w sprawie jakości wody przeznaczonej do spożycia przez ludzi. \
             Uwagi przyjmowane są pisemnie i elektronicznie.\n\n*Tekst przykładowy — dane demonstracyjne.*",
        subject_kind: SubjectKind::DraftAct,
        // The register number is illustrative (as in the demo positions).
        legislation: Some(("UD439", WATER_TITLE)),
        legal_basis: "Regulamin pracy Rady Ministrów (uchwała nr 190 Rady Ministrów z dnia 29 października \
             2013 r.)",
        forms: &[ConsultationForm::Written, ConsultationForm::Online],
        opens_at: "2023-02-06T08:00:00",
        closes_at: "2023-03-08T23:00:00",
        documents: &[],
        created_at: "2023-02-03T10:00:00",
        announced_at: "2023-02-03T12:00:00",
        comments: vec![
            DemoComment {
                submitter: Organization("opos"),
                channel: CommentChannel::Api,
                received_at: "2023-03-07T10:00:00",
                unit_reference: Some("Ocena skutków regulacji"),
                content: "Ocena ryzyka w systemach zaopatrzenia w wodę, rozszerzony monitoring jakości wody i nowe \
                     obowiązki informacyjne oznaczają koszty, które obciążą mieszkańców w taryfach.",
                proposed_change: Some(
                    "Oszacować koszty nowych zadań gmin i wskazać źródła ich pokrycia.",
                ),
                justification: Some("Nowe zadania gmin wymagają wskazania źródeł finansowania."),
                disposition: None,
            },
            DemoComment {
                submitter: Organization("opos"),
                channel: CommentChannel::Api,
                received_at: "2023-03-07T10:05:00",
                unit_reference: Some("Przepisy przejściowe"),
                content: "Proponowane terminy wdrożenia są zbyt krótkie, zwłaszcza dla małych gmin wiejskich.",
                proposed_change: Some(
                    "Wydłużyć okresy przejściowe dla gmin prowadzących gospodarkę wodociągową \
                     w formie zakładu budżetowego lub bezpośrednio przez urząd gminy.",
                ),
                justification: None,
                disposition: None,
            },
            DemoComment {
                submitter: Organization("opos"),
                channel: CommentChannel::Api,
                received_at: "2023-03-07T10:10:00",
                unit_reference: Some("Taryfy"),
                content: "Postępowanie w sprawie zatwierdzania taryf przez organ regulacyjny jest zbyt długie.",
                proposed_change: Some("Uprościć postępowanie i skrócić terminy rozstrzygnięć."),
                justification: Some("Gminy muszą móc planować inwestycje."),
                disposition: None,
            },
        ],
        report_published_at: None,
    }
}

/// Loads what is missing of the demo consultations (and the organizations they need);
/// returns how many organizations and consultations it added. A consultation is known
/// by its organizer and title; its comments and moves come with it.
pub fn load_demo_consultations(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let mut added = load_organizations(conn, &actor)?;
    let min_days = ConsultationMinDays::default();
    for demo in [programme(), water_supply()] {
        let Some(organizer_id) =
            organizations::find_by_id_or_slug(conn, demo.organizer)?.map(|o| o.id)
        else {
            continue;
        };
        let exists: Option<i64> = consultations_table::table
            .select(consultations_table::id)
            .filter(consultations_table::organizer_id.eq(organizer_id))
            .filter(consultations_table::title.eq(demo.title))
            .first(conn)
            .optional()?;
        if exists.is_none() {
            load_consultation(conn, &actor, organizer_id, &demo, &min_days)?;
            added += 1;
        }
    }
    link_water_opinion(conn, &actor)?;
    Ok(added)
}

fn load_consultation(
    conn: &mut DbConnection,
    actor: &Actor,
    organizer_id: i64,
    demo: &DemoConsultation,
    min_days: &ConsultationMinDays,
) -> ApiResult<()> {
    let fields = ConsultationFields {
        organizer_id,
        direction: demo.direction,
        title: demo.title.to_owned(),
        description: Some(demo.description.to_owned()),
        subject_kind: demo.subject_kind,
        legislation_register_number: demo.legislation.map(|(number, _)| number.to_owned()),
        legislation_title: demo.legislation.map(|(_, title)| title.to_owned()),
        legislation_url: None,
        legal_basis: Some(demo.legal_basis.to_owned()),
        forms: forms_column(demo.forms),
        eligibility: Eligibility::Public,
        opens_at: instant(demo.opens_at)?,
        closes_at: instant(demo.closes_at)?,
        shortened_reason: None,
        status: ConsultationStatus::Draft,
        announced_at: None,
        report_published_on: None,
    };
    let links = ConsultationLinks {
        invited_ids: Vec::new(),
        documents: demo
            .documents
            .iter()
            .map(|(title, url, version)| DocumentData {
                title: (*title).to_owned(),
                url: Some((*url).to_owned()),
                text: None,
                version: (*version).to_owned(),
            })
            .collect(),
    };
    let created_at = instant(demo.created_at)?;
    let row = consultations::insert(conn, actor, fields, links, min_days, created_at)?;
    let mut row = consultations_repo::backdate(conn, row.id, created_at)?;
    row = consultations::move_to(
        conn,
        actor,
        &row,
        Expected::current(row.version),
        ConsultationStatus::Announced,
        Some("Ogłoszenie w Biuletynie Informacji Publicznej i na stronie internetowej."),
        instant(demo.announced_at)?,
        min_days,
    )?;
    for comment in &demo.comments {
        let received_at = instant(comment.received_at)?;
        let submitter = match comment.submitter {
            DemoSubmitter::Organization(slug) => {
                Submitter::Organization(organization_id(conn, slug)?)
            }
            DemoSubmitter::Person(name) => Submitter::Person(name.to_owned()),
        };
        let arrival = if comment.channel == CommentChannel::Api {
            Arrival::Submitted
        } else {
            Arrival::Recorded
        };
        let submission = Submission {
            submitter,
            arrival,
            channel: comment.channel,
            received_at: Some(received_at),
            text: CommentText {
                unit_reference: comment.unit_reference.map(str::to_owned),
                content: comment.content.to_owned(),
                proposed_change: comment.proposed_change.map(str::to_owned),
                justification: comment.justification.map(str::to_owned),
            },
        };
        let stored = comments::submit(conn, actor, &row, submission, received_at)?;
        if let Some((status, response, decided_at)) = comment.disposition {
            comments::decide(
                conn,
                actor,
                &row,
                &stored,
                Expected::current(stored.version),
                status,
                response.map(str::to_owned),
                instant(decided_at)?,
            )?;
        }
    }
    if let Some(published_at) = demo.report_published_at {
        consultations::move_to(
            conn,
            actor,
            &row,
            Expected::current(row.version),
            ConsultationStatus::ReportPublished,
            Some("Sprawozdanie z konsultacji opublikowane w Biuletynie Informacji Publicznej."),
            instant(published_at)?,
            min_days,
        )?;
    }
    Ok(())
}

/// The OPOS opinion on the water supply draft answers the ministry's consultation.
fn link_water_opinion(conn: &mut DbConnection, actor: &Actor) -> ApiResult<()> {
    let (Some(opos), Some(ministry)) = (
        organizations::find_by_id_or_slug(conn, "opos")?,
        organizations::find_by_id_or_slug(conn, "ministerstwo-infrastruktury")?,
    ) else {
        return Ok(());
    };
    let consultation: Option<i64> = consultations_table::table
        .select(consultations_table::id)
        .filter(consultations_table::organizer_id.eq(ministry.id))
        .filter(consultations_table::legislation_register_number.eq("UD439"))
        .first(conn)
        .optional()?;
    let position: Option<crate::positions::model::PositionRow> = positions::table
        .filter(positions::association_id.eq(opos.id))
        .filter(positions::title.eq(WATER_OPINION_TITLE))
        .first(conn)
        .optional()?;
    let (Some(consultation_id), Some(position)) = (consultation, position) else {
        return Ok(());
    };
    if position.consultation_id.is_some() {
        return Ok(());
    }
    let links = crate::positions::repo::links(conn, position.id)?;
    let mut fields = PositionFields::from(position.clone());
    fields.consultation_id = Some(consultation_id);
    crate::positions::service::write_update(
        conn,
        actor,
        &crate::auth::policy::DraftVisibility::All,
        &position,
        links.clone(),
        crate::write::Expected::current(position.version),
        fields,
        links,
    )?;
    Ok(())
}
