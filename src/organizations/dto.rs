//! Wire types of organizations, and the rules that tie their fields together.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{OrganizationFields, OrganizationRow};
use crate::domain::{
    Email, JstKind, Krs, Nip, OrganizationKind, PostalCode, Regon, Slug, Teryt, Voivodeship, WebUrl,
};
use crate::error::{ApiError, FieldError};
use crate::validation::{double_option, not_blank, optional_object};
use crate::validation::{set, trimmed};

/// A short reference to an organization, embedded wherever one is referenced.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych", "short_name": "OPOS", "kind": "alliance"}))]
pub struct OrganizationSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganizationKind,
}

impl From<&OrganizationRow> for OrganizationSummary {
    fn from(row: &OrganizationRow) -> Self {
        OrganizationSummary {
            id: row.id,
            slug: row.slug.clone(),
            name: row.name.clone(),
            short_name: row.short_name.clone(),
            kind: row.kind,
        }
    }
}

/// Postal address.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"street": "ul. Piastowska 14", "postal_code": "45-082", "city": "Opole", "voivodeship": "opolskie"}))]
pub struct Address {
    pub street: Option<String>,
    #[schema(example = "45-082")]
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub voivodeship: Option<Voivodeship>,
}

crate::versioned_dto! {
    /// An organization: alliance, association, local government, ministry, NGO …
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów",
        "short_name": "ŚZGiP", "kind": "association", "legal_form": "stowarzyszenie jednostek samorządu terytorialnego",
        "description": "Regionalne stowarzyszenie gmin i powiatów województwa śląskiego.", "founded_on": "1990-11-10",
        "address": {"street": "ul. Wojewódzka 25", "postal_code": "40-026", "city": "Katowice", "voivodeship": "śląskie"},
        "website": "https://www.silesia.org.pl", "email": "biuro@silesia.org.pl", "phone": "+48 32 351 18 20",
        "krs": "0000125614", "nip": "6340197200", "regon": "276258434", "teryt": null, "jst_kind": null, "population": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Organization {
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub short_name: Option<String>,
        pub kind: OrganizationKind,
        pub legal_form: Option<String>,
        pub description: Option<String>,
        pub founded_on: Option<NaiveDate>,
        pub address: Address,
        pub website: Option<String>,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub krs: Option<String>,
        pub nip: Option<String>,
        pub regon: Option<String>,
        /// TERC code (local governments only).
        pub teryt: Option<String>,
        /// Kind of local government (local governments only).
        pub jst_kind: Option<JstKind>,
        pub population: Option<i64>,
    }
}

impl From<OrganizationRow> for Organization {
    fn from(row: OrganizationRow) -> Self {
        crate::with_stamps!(
            row,
            Organization {
                id: row.id,
                kind: row.kind,
                slug: row.slug,
                name: row.name,
                short_name: row.short_name,
                legal_form: row.legal_form,
                description: row.description,
                founded_on: row.founded_on,
                address: Address {
                    street: row.street,
                    postal_code: row.postal_code,
                    city: row.city,
                    voivodeship: row.voivodeship,
                },
                website: row.website,
                email: row.email,
                phone: row.phone,
                krs: row.krs,
                nip: row.nip,
                regon: row.regon,
                teryt: row.teryt,
                jst_kind: row.jst_kind,
                population: row.population,
            }
        )
    }
}

/// Postal address of a new organization.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"street": "ul. Wojewódzka 25", "postal_code": "40-026", "city": "Katowice", "voivodeship": "śląskie"}))]
pub struct AddressInput {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub street: Option<String>,
    pub postal_code: Option<PostalCode>,
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100)]
    pub city: Option<String>,
    pub voivodeship: Option<Voivodeship>,
}

/// A new organization. `slug` is derived from the name when not given; for local
/// governments `jst_kind` and `address.voivodeship` follow from `teryt` when not given.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Gmina Świerklaniec", "kind": "jst", "teryt": "2413072",
    "address": {"street": "ul. Młyńska 7", "postal_code": "42-622", "city": "Świerklaniec"},
    "website": "https://www.swierklaniec.pl", "population": 12000
}))]
pub struct CreateOrganization {
    pub slug: Option<Slug>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(min = 1, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50)]
    pub short_name: Option<String>,
    pub kind: OrganizationKind,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub legal_form: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub founded_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub address: Option<AddressInput>,
    pub website: Option<WebUrl>,
    pub email: Option<Email>,
    #[validate(length(min = 3, max = 50), custom(function = "not_blank"))]
    #[schema(min_length = 3, max_length = 50)]
    pub phone: Option<String>,
    pub krs: Option<Krs>,
    pub nip: Option<Nip>,
    pub regon: Option<Regon>,
    pub teryt: Option<Teryt>,
    pub jst_kind: Option<JstKind>,
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub population: Option<i64>,
}

impl CreateOrganization {
    /// The stored state of the new organization; `slug` is left empty when it must be generated.
    pub fn into_fields(self) -> OrganizationFields {
        let address = self.address.unwrap_or_default();
        let mut fields = OrganizationFields {
            slug: self.slug.map(String::from).unwrap_or_default(),
            name: self.name.trim().to_owned(),
            short_name: trimmed(self.short_name),
            kind: self.kind,
            legal_form: trimmed(self.legal_form),
            description: self.description,
            founded_on: self.founded_on,
            street: trimmed(address.street),
            postal_code: address.postal_code.map(String::from),
            city: trimmed(address.city),
            voivodeship: address.voivodeship,
            website: self.website.map(String::from),
            email: self.email.map(String::from),
            phone: trimmed(self.phone),
            krs: self.krs.map(String::from),
            nip: self.nip.map(String::from),
            regon: self.regon.map(String::from),
            teryt: self.teryt.map(String::from),
            jst_kind: self.jst_kind,
            population: self.population,
            sort_name: String::new(),
        };
        fields.refresh_derived();
        fields
    }
}

/// Changes to an address: absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"postal_code": "40-026"}))]
pub struct AddressPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub street: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PostalCode>)]
    pub postal_code: Option<Option<PostalCode>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Voivodeship>)]
    pub voivodeship: Option<Option<Voivodeship>>,
}

/// Changes to an organization (JSON merge patch): absent fields stay as they are,
/// `null` clears an optional field.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"website": "https://www.silesia.org.pl", "address": {"city": "Katowice"}}))]
pub struct UpdateOrganization {
    pub slug: Option<Slug>,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 50), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    pub short_name: Option<Option<String>>,
    pub kind: Option<OrganizationKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub legal_form: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub founded_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "optional_object")]
    #[validate(nested)]
    pub address: Option<AddressPatch>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<WebUrl>)]
    pub website: Option<Option<WebUrl>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Email>)]
    pub email: Option<Option<Email>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 3, max = 50), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 3, max_length = 50)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Krs>)]
    pub krs: Option<Option<Krs>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Nip>)]
    pub nip: Option<Option<Nip>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Regon>)]
    pub regon: Option<Option<Regon>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Teryt>)]
    pub teryt: Option<Option<Teryt>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<JstKind>)]
    pub jst_kind: Option<Option<JstKind>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100_000_000)]
    pub population: Option<Option<i64>>,
}

fn text(value: Option<Option<String>>) -> Option<Option<String>> {
    value.map(trimmed)
}

fn string<T: Into<String>>(value: Option<Option<T>>) -> Option<Option<String>> {
    value.map(|inner| inner.map(Into::into))
}

impl UpdateOrganization {
    /// Applies the patch to the current state.
    pub fn apply(self, fields: &mut OrganizationFields) {
        set(&mut fields.slug, self.slug.map(String::from));
        set(&mut fields.name, self.name.map(|n| n.trim().to_owned()));
        set(&mut fields.short_name, text(self.short_name));
        set(&mut fields.kind, self.kind);
        set(&mut fields.legal_form, text(self.legal_form));
        set(&mut fields.description, self.description);
        set(&mut fields.founded_on, self.founded_on);
        if let Some(address) = self.address {
            set(&mut fields.street, text(address.street));
            set(&mut fields.postal_code, string(address.postal_code));
            set(&mut fields.city, text(address.city));
            set(&mut fields.voivodeship, address.voivodeship);
        }
        set(&mut fields.website, string(self.website));
        set(&mut fields.email, string(self.email));
        set(&mut fields.phone, text(self.phone));
        set(&mut fields.krs, string(self.krs));
        set(&mut fields.nip, string(self.nip));
        set(&mut fields.regon, string(self.regon));
        set(&mut fields.teryt, string(self.teryt));
        set(&mut fields.jst_kind, self.jst_kind);
        set(&mut fields.population, self.population);
        fields.refresh_derived();
    }
}

/// Rules across fields, checked on the complete new state (after create or patch).
/// Fills in what the TERC code implies and was left out.
pub fn check_consistency(fields: &mut OrganizationFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let kind = fields.kind;
    if kind == OrganizationKind::Jst {
        if let Some(teryt) = fields
            .teryt
            .as_deref()
            .and_then(|t| t.parse::<Teryt>().ok())
        {
            match teryt.implied_jst_kind() {
                None => errors.push(FieldError::new(
                    "teryt",
                    "teryt_not_a_jst",
                    "this TERC code names a town or rural part, a Warsaw district or a delegatura, not a local government",
                )),
                Some(implied) => match fields.jst_kind {
                    None => fields.jst_kind = Some(implied),
                    Some(given) if given != implied => errors.push(FieldError::new(
                        "jst_kind",
                        "jst_kind_mismatch",
                        format!("the TERC code {teryt} names a {implied}, not a {given}"),
                    )),
                    Some(_) => {}
                },
            }
            settle_voivodeship(&teryt, &mut fields.voivodeship, &mut errors);
        }
    } else {
        for (field, present) in [
            ("teryt", fields.teryt.is_some()),
            ("jst_kind", fields.jst_kind.is_some()),
            ("population", fields.population.is_some()),
        ] {
            if present {
                errors.push(FieldError::new(
                    field,
                    "not_applicable",
                    format!("only local governments (kind 'jst') have {field}"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

crate::text_enum_sort!(
    /// Orders of the organization lists.
    OrganizationSort {
        Name => "name",
        NameDesc => "-name",
        UpdatedAt => "updated_at",
        UpdatedAtDesc => "-updated_at",
    }
);

crate::list_query!(
    /// Filters of `GET /organizations`.
    OrganizationListQuery {
        /// Only organizations of this kind.
        kind: Option<OrganizationKind>,
        /// Only organizations in this voivodeship.
        voivodeship: Option<Voivodeship>,
        /// Only the local government with this TERC code.
        #[param(value_type = Option<String>, pattern = r"^[0-9]{7}$", example = "2466011")]
        teryt: Option<Teryt>,
        /// Words of the name, short name, city or description (as in `GET /search`: case,
        /// diacritics and Polish endings ignored, `slaski` finds `Śląski`; every word must begin a
        /// word of the text).
        #[param(min_length = 1, max_length = 100, example = "slaski")]
        #[validate(length(min = 1, max = 100))]
        q: Option<String>,
        /// Order: `name` (default), `-name`, `updated_at`, `-updated_at`.
        #[param(inline)]
        sort: Option<OrganizationSort>,
    }
);

crate::page_of!(
    OrganizationPage,
    Organization,
    json!({"items": [{"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": "ŚZGiP", "kind": "association", "legal_form": null, "description": null, "founded_on": null, "address": {"street": null, "postal_code": null, "city": "Katowice", "voivodeship": "śląskie"}, "website": null, "email": null, "phone": null, "krs": null, "nip": null, "regon": null, "teryt": null, "jst_kind": null, "population": null, "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"}], "next_cursor": "eyJzIjoibmFtZSIsImsiOiJzbGFza2kiLCJpIjoyfQ"})
);

/// Path parameter of an organization or association: numeric id or slug.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdOrSlugPath {
    /// Numeric id or slug.
    #[param(example = "opos", min_length = 1, max_length = 100)]
    pub id_or_slug: String,
}

/// Path parameter: numeric id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// Numeric id.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub id: i64,
}

/// Fills in the voivodeship a TERC code lies in, or reports `address.voivodeship` when
/// the given one is another (organizations and practices share the address rules).
pub fn settle_voivodeship(
    teryt: &Teryt,
    voivodeship: &mut Option<Voivodeship>,
    errors: &mut Vec<FieldError>,
) {
    if let Err(message) = teryt.settle_voivodeship(voivodeship) {
        errors.push(FieldError::new(
            "address.voivodeship",
            "voivodeship_mismatch",
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jst(teryt: &str, jst_kind: Option<&str>) -> OrganizationFields {
        let mut fields = CreateOrganization {
            slug: None,
            name: "Gmina".into(),
            short_name: None,
            kind: OrganizationKind::Jst,
            legal_form: None,
            description: None,
            founded_on: None,
            address: None,
            website: None,
            email: None,
            phone: None,
            krs: None,
            nip: None,
            regon: None,
            teryt: Some(teryt.parse().unwrap()),
            jst_kind: jst_kind.map(|k| k.parse().unwrap()),
            population: None,
        }
        .into_fields();
        fields.refresh_derived();
        fields
    }

    #[test]
    fn teryt_fills_in_kind_and_voivodeship() {
        let mut fields = jst("2413052", None);
        check_consistency(&mut fields).unwrap();
        assert_eq!(fields.jst_kind.map(|k| k.as_str()), Some("gmina_wiejska"));
        assert_eq!(fields.voivodeship.map(|v| v.as_str()), Some("śląskie"));
    }

    #[test]
    fn teryt_and_kind_must_agree() {
        let mut fields = jst("2413052", Some("powiat"));
        let error = check_consistency(&mut fields).unwrap_err();
        assert_eq!(error.field_errors()[0].code, "jst_kind_mismatch");
    }
}
