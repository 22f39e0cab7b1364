use chrono::NaiveDate;
use serde::Serialize;

use crate::db::schema::organizations;
use crate::domain::{JstKind, OrganizationKind, Voivodeship};

crate::versioned_row! {
    /// A stored organization.
    row OrganizationRow in organizations,
    /// Every writable column: the whole new state of an organization, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields OrganizationFields {
        pub slug: String,
        pub name: String,
        pub short_name: Option<String>,
        pub kind: OrganizationKind,
        pub legal_form: Option<String>,
        pub description: Option<String>,
        pub founded_on: Option<NaiveDate>,
        pub street: Option<String>,
        pub postal_code: Option<String>,
        pub city: Option<String>,
        pub voivodeship: Option<Voivodeship>,
        pub website: Option<String>,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub krs: Option<String>,
        pub nip: Option<String>,
        pub regon: Option<String>,
        pub teryt: Option<String>,
        pub jst_kind: Option<JstKind>,
        pub population: Option<i64>,
        #[serde(skip)]
        pub sort_name: String,
    }
}

impl OrganizationFields {
    /// An organization of `kind` known only by its slug and name (an empty slug is
    /// generated on insert); the caller fills in what else it knows.
    pub fn named(slug: String, name: String, kind: OrganizationKind) -> Self {
        let mut fields = OrganizationFields {
            slug,
            name,
            short_name: None,
            kind,
            legal_form: None,
            description: None,
            founded_on: None,
            street: None,
            postal_code: None,
            city: None,
            voivodeship: None,
            website: None,
            email: None,
            phone: None,
            krs: None,
            nip: None,
            regon: None,
            teryt: None,
            jst_kind: None,
            population: None,
            sort_name: String::new(),
        };
        fields.refresh_derived();
        fields
    }

    /// Recomputes the derived sort column from the name.
    pub fn refresh_derived(&mut self) {
        self.sort_name = crate::domain::fold_for_search(&self.name);
    }
}
