//! Seed 000: "Aktywnie działa Zespół branżowy OPOS ds. USC" — the OPOS working group on
//! civil registry offices (urzędy stanu cywilnego), with the nine OPOS members in it
//! and one example meeting.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::WorkingGroupRole;
use crate::error::{ApiError, ApiResult};
use crate::organizations::repo as organizations;
use crate::working_groups::model::{MeetingFields, MemberFields, WorkingGroupFields};
use crate::working_groups::repo;
use crate::working_groups::service;
use crate::write::Actor;

pub const USC_GROUP: &str = "Zespół branżowy OPOS ds. USC";

/// Loads what is missing; how many records it added.
pub fn load_demo_working_groups(conn: &mut DbConnection) -> ApiResult<usize> {
    let actor = Actor::default();
    let Some(opos) = organizations::find_by_id_or_slug(conn, "opos")? else {
        return Ok(0);
    };
    let mut added = 0;
    let group = match repo::find_by_name(conn, opos.id, USC_GROUP)? {
        Some(group) => group,
        None => {
            added += 1;
            let fields = WorkingGroupFields {
                association_id: opos.id,
                name: USC_GROUP.to_owned(),
                mandate: Some(
                    "Zespół branżowy urzędów stanu cywilnego gmin zrzeszonych w organizacjach \
                     członkowskich OPOS: wymiana doświadczeń i wspólne stanowiska w sprawach \
                     rejestracji stanu cywilnego."
                        .to_owned(),
                ),
                established_on: None,
                dissolved_on: None,
            };
            service::insert(conn, &actor, &fields)?
        }
    };
    for slug in super::OPOS_MEMBERS {
        let Some(member) = organizations::find_by_id_or_slug(conn, slug)? else {
            continue;
        };
        if repo::is_member(conn, group.id, member.id)? {
            continue;
        }
        let fields = MemberFields {
            working_group_id: group.id,
            organization_id: member.id,
            role: WorkingGroupRole::Member,
            from_on: None,
            to_on: None,
        };
        service::add_member(conn, &actor, &fields)?;
        added += 1;
    }
    if !has_meeting(conn, group.id)? {
        let day: NaiveDate = "2023-10-29".parse().map_err(ApiError::internal)?;
        let fields = MeetingFields {
            working_group_id: group.id,
            held_on: day,
            place: Some("Nowa Sól".to_owned()),
            agenda: Some(
                "Przykładowe posiedzenie (dane demonstracyjne): wymiana doświadczeń urzędów \
                 stanu cywilnego."
                    .to_owned(),
            ),
            minutes: None,
        };
        service::add_meeting(conn, &actor, &group, &fields, Vec::new())?;
        added += 1;
    }
    Ok(added)
}

fn has_meeting(conn: &mut DbConnection, group_id: i64) -> ApiResult<bool> {
    let page = crate::pagination::PageRequest::new(None, None, Some(1))?;
    Ok(!repo::meetings(conn, group_id, None, &page)?.is_empty())
}
