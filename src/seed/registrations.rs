//! Seed 002 made registrable: the Opole conference (18 April 2016, Sala Herbowa, 11:00)
//! with its registration window, the invitation sent to every OPOS member, and one
//! example registration (fictitious; `razem serve` erases its personal data once the
//! retention period after the event has passed, as it does for every registration).

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{ParticipantFunction, RegistrationStatus};
use crate::error::{ApiError, ApiResult};
use crate::organizations::repo as organizations;
use crate::projects::events::repo as events;
use crate::projects::repo as projects;
use crate::registrations::model::{RegistrationFields, SettingsFields};
use crate::registrations::repo::{self, Registrations, Settings};
use crate::write::{self, Actor};

/// The title the demo projects give the Opole conference.
const OPOLE: &str =
    "Regionalna konferencja informacyjna „Współpraca w partnerstwach samorządowych” w Opolu";

fn at(day: &str, time: &str) -> ApiResult<chrono::NaiveDateTime> {
    let day: NaiveDate = day.parse().map_err(ApiError::internal)?;
    let time = chrono::NaiveTime::parse_from_str(time, "%H:%M").map_err(ApiError::internal)?;
    Ok(day.and_time(time))
}

/// Loads what is missing; how many records it added.
pub fn load_demo_registrations(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let Some(project) = projects::find_by_code(conn, super::projects::ZMP_PROJECT_CODE)? else {
        return Ok(0);
    };
    let day: NaiveDate = "2016-04-18".parse().map_err(ApiError::internal)?;
    let Some(event) = events::find_by_day_and_title(conn, project.id, day, OPOLE)? else {
        return Ok(0);
    };
    let mut added = 0;
    if repo::settings(conn, event.id)?.is_none() {
        let fields = SettingsFields {
            event_id: event.id,
            opens_at: at("2016-03-21", "08:00")?,
            closes_at: at("2016-04-15", "22:00")?,
            capacity: Some(120),
            waitlist: true,
            requires_approval: false,
        };
        write::create::<Settings>(conn, &actor, &fields, &fields)?;
        added += 1;
    }
    if let Some(opos) = organizations::find_by_id_or_slug(conn, "opos")? {
        let (invited, _) =
            crate::registrations::service::invite_members(conn, &actor, event.id, opos.id)?;
        added += invited.len();
    }
    if repo::counts(conn, event.id)?.is_empty() {
        let registered = at("2016-03-22", "09:15")?;
        let fields = RegistrationFields {
            event_id: event.id,
            organizer_id: project.lead_id,
            status: RegistrationStatus::Confirmed,
            name: Some("Jan Przykładowy".to_owned()),
            email: Some("jan.przykladowy@example.org".to_owned()),
            organization_name: Some("Urząd Miasta Opola".to_owned()),
            organization_id: None,
            function: ParticipantFunction::Staff,
            cancel_code_hash: None,
            consented_at: registered,
            checked_in_at: None,
            erased_at: None,
        };
        write::create::<Registrations>(conn, &actor, &fields, &fields)?;
        added += 1;
    }
    Ok(added)
}
