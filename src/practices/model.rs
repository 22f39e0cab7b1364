//! Row structs of practices, their categories and what hangs on them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    practice_adoptions, practice_categories, practice_contacts, practice_transitions, practices,
};
use crate::domain::{PracticeStatus, UnitKind, Voivodeship};

crate::versioned_row! {
    /// A category of the base (Usługi społeczne, Współpraca między JST …).
    row CategoryRow in practice_categories,
    #[derive(PartialEq, Serialize)]
    fields CategoryFields {
        pub slug: String,
        pub name: String,
    }
}

crate::versioned_row! {
    /// A stored practice.
    row PracticeRow in practices,
    /// Every writable column of a practice: its whole new state, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields PracticeFields {
        pub title: String,
        pub summary: Option<String>,
        pub situation_before: Option<String>,
        pub goals: Option<String>,
        pub actions: Option<String>,
        pub results: Option<String>,
        pub resources: Option<String>,
        pub lessons: Option<String>,
        pub implementer_id: i64,
        pub jst_id: Option<i64>,
        pub unit_kind: Option<UnitKind>,
        pub teryt: Option<String>,
        pub street: Option<String>,
        pub postal_code: Option<String>,
        pub city: Option<String>,
        pub voivodeship: Option<Voivodeship>,
        pub phone: Option<String>,
        pub website: Option<String>,
        pub population: Option<i64>,
        pub lat_e6: Option<i32>,
        pub lon_e6: Option<i32>,
        pub project_id: Option<i64>,
        pub entered_on: Option<NaiveDate>,
        pub reviewed_on: Option<NaiveDate>,
        pub status: PracticeStatus,
        #[serde(skip)]
        pub sort_title: String,
    }
}

impl PracticeFields {
    /// A new draft with nothing but its title and implementer.
    pub fn draft(title: &str, implementer_id: i64) -> Self {
        let mut fields = PracticeFields {
            title: title.to_owned(),
            summary: None,
            situation_before: None,
            goals: None,
            actions: None,
            results: None,
            resources: None,
            lessons: None,
            implementer_id,
            jst_id: None,
            unit_kind: None,
            teryt: None,
            street: None,
            postal_code: None,
            city: None,
            voivodeship: None,
            phone: None,
            website: None,
            population: None,
            lat_e6: None,
            lon_e6: None,
            project_id: None,
            entered_on: None,
            reviewed_on: None,
            status: PracticeStatus::Draft,
            sort_title: String::new(),
        };
        fields.refresh_derived();
        fields
    }

    /// Recomputes the derived sort key.
    pub fn refresh_derived(&mut self) {
        self.sort_title = crate::domain::fold_for_search(&self.title);
    }
}

/// A contact of a practice: an office or a role, sometimes a person (personal data).
#[derive(Debug, Clone, PartialEq, Queryable, Serialize)]
pub struct ContactData {
    pub name: String,
    pub role: Option<String>,
    /// Kept out of the audit record: see [`PracticeState`].
    #[serde(serialize_with = "crate::domain::masked_email")]
    pub email: Option<String>,
    pub phone: Option<String>,
    pub public: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = practice_contacts)]
pub struct NewContact<'a> {
    pub practice_id: i64,
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub public: bool,
}

/// The related rows that requests write as a whole, of one practice.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PracticeLinks {
    pub category_ids: Vec<i64>,
    pub partner_ids: Vec<i64>,
    pub contacts: Vec<ContactData>,
    pub attachments: Vec<crate::positions::model::AttachmentData>,
}

/// The whole state of a practice, as the audit record compares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticeState {
    #[serde(flatten)]
    pub fields: PracticeFields,
    #[serde(flatten)]
    pub links: PracticeLinks,
}

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = practice_transitions)]
pub struct TransitionRow {
    pub id: i64,
    pub practice_id: i64,
    pub from_status: Option<PracticeStatus>,
    pub to_status: PracticeStatus,
    pub note: Option<String>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = practice_transitions)]
pub struct NewTransition<'a> {
    pub practice_id: i64,
    pub from_status: Option<PracticeStatus>,
    pub to_status: PracticeStatus,
    pub note: Option<&'a str>,
    pub actor_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

crate::child_row! {
    /// A stored adoption of a practice.
    row AdoptionRow in practice_adoptions,
    /// An adoption to store; the audit record keeps it without its `created_at`.
    #[derive(Clone, Serialize)]
    new NewAdoption {
        pub practice_id: i64,
        pub organization_id: i64,
        pub adopted_on: NaiveDate,
        pub note: Option<String>,
        #[serde(skip)]
        pub created_at: NaiveDateTime,
    }
}
