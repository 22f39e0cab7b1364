//! Wire types of projects, and the rules that tie their fields together.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{FundingData, PartnerData, ProjectFields, ProjectLinks};
use crate::domain::{Money, PartnerRole, ProjectCode, ProjectStatus};
use crate::error::{ApiError, FieldError};
use crate::organizations::dto::OrganizationSummary;
use crate::projects::indicators::dto::Indicator;
use crate::validation::{double_option, not_blank};
use crate::validation::{plausible_date, set, trimmed};

/// Most funding sources of a project.
pub const MAX_FUNDING: usize = 100;
/// Most partners of a project.
pub const MAX_PARTNERS: usize = 100;
/// Most goals of a project.
pub const MAX_GOALS: usize = 20;

/// The pattern of dates of projects and their events (1990-2100).
pub const DATE_PATTERN: &str = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$";

/// [`crate::validation::objects`] for optional lists: absent or `null` is `None`.
pub fn optional_objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(transparent, bound = "T: Deserialize<'de>")]
    struct List<T>(#[serde(deserialize_with = "crate::validation::objects")] Vec<T>);
    Ok(Option::<List<T>>::deserialize(deserializer)?.map(|list| list.0))
}

crate::domain::string_value!(
    /// One goal of a project (a sentence or a short paragraph).
    ProjectGoal,
    description = "A goal of the project: 1-2000 characters, not blank",
    example = "Wsparcie doradcze i szkoleniowe dla 38 partnerstw samorządowych w planowaniu strategicznym obszarów funkcjonalnych.",
    pattern = None,
    min = Some(1),
    max = Some(2000),
    parse = |raw| {
        if raw.trim().is_empty() {
            Err("[blank] a goal must not be blank".to_owned())
        } else {
            Ok(raw.trim().to_owned())
        }
    }
);

/// A short reference to a project, embedded in its events.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "id": 1, "code": "ZMP-EOG-2012",
    "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego"
}))]
pub struct ProjectSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
}

/// A source of funding of a project.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014",
    "programme": "Program Regionalny",
    "amount": {"amount": "10500000.00", "currency": "PLN"}
}))]
pub struct Funding {
    /// Who pays: a fund, a grant mechanism, the budget of a partner (own contribution).
    pub source: String,
    /// The programme or call the money comes through.
    pub programme: Option<String>,
    pub amount: Money,
}

impl From<FundingData> for Funding {
    fn from(data: FundingData) -> Self {
        Funding {
            source: data.source,
            programme: data.programme,
            amount: data.amount,
        }
    }
}

/// An organization taking part in a project.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "organization_id": 12,
    "organization": {"id": 12, "slug": "zpp", "name": "Związek Powiatów Polskich", "short_name": "ZPP", "kind": "national_association"},
    "role": "partner"
}))]
pub struct Partner {
    pub organization_id: i64,
    pub organization: OrganizationSummary,
    /// `leader` (the lead organization, always listed first), `partner` or `associated`.
    pub role: PartnerRole,
}

/// A partnership project, with its partners, funding, goals and indicators embedded.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "code": "ZMP-EOG-2012",
    "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego",
    "summary": "Projekt predefiniowany Związku Miast Polskich w Programie Regionalnym MF EOG 2009–2014: wsparcie doradcze, szkoleniowe i eksperckie dla 38 partnerstw samorządowych.",
    "description": "## Cel projektu\n\nTowarzyszyliśmy polskim jednostkom samorządu w tworzeniu zintegrowanego zarządzania terytorialnego.",
    "lead_id": 11,
    "lead": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"},
    "status": "completed", "starts_on": "2012-06-01", "ends_on": "2016-10-31",
    "value": {"amount": "10500000.00", "currency": "PLN"},
    "funding": [{"source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014", "programme": "Program Regionalny", "amount": {"amount": "10500000.00", "currency": "PLN"}}],
    "total_funding": [{"amount": "10500000.00", "currency": "PLN"}],
    "partners": [
        {"organization_id": 11, "organization": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"}, "role": "leader"},
        {"organization_id": 12, "organization": {"id": 12, "slug": "zpp", "name": "Związek Powiatów Polskich", "short_name": "ZPP", "kind": "national_association"}, "role": "partner"}
    ],
    "goals": ["Wsparcie doradcze, szkoleniowe i eksperckie w tworzeniu i rozwoju 38 lokalnych partnerstw samorządowych."],
    "indicators": [{"id": 1, "project_id": 1, "name": "Szkolenia specjalistyczne nt. komunikacji i współpracy", "unit": "szkolenia", "baseline": 0, "target": 29, "achieved": 29, "as_of": "2016-10-31", "progress_percent": 100.0, "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"}],
    "version": 3, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
}))]
pub struct Project {
    pub id: i64,
    /// Unique code of the project.
    pub code: String,
    pub title: String,
    pub summary: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// The lead organization (the leader of the partnership).
    pub lead_id: i64,
    pub lead: OrganizationSummary,
    pub status: ProjectStatus,
    pub starts_on: NaiveDate,
    /// Last day (inclusive); `null` while open-ended.
    pub ends_on: Option<NaiveDate>,
    /// The value of the project.
    pub value: Option<Money>,
    /// Sources of funding, in the order given.
    pub funding: Vec<Funding>,
    /// Exact sums of `funding`, one per currency, ordered by currency code (empty
    /// without funding).
    pub total_funding: Vec<Money>,
    /// Every organization taking part: the leader first, then the others in the order given.
    pub partners: Vec<Partner>,
    pub goals: Vec<String>,
    /// Measured results with their progress, in the order they were added
    /// (`/projects/{id}/indicators`).
    pub indicators: Vec<Indicator>,
    /// Incremented on every change, also of its indicators; also sent as the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A project in a list: everything but the description.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "code": "ZMP-EOG-2012",
    "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego",
    "summary": "Projekt predefiniowany Związku Miast Polskich w Programie Regionalnym MF EOG 2009–2014.",
    "lead_id": 11,
    "lead": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"},
    "status": "completed", "starts_on": "2012-06-01", "ends_on": "2016-10-31",
    "value": {"amount": "10500000.00", "currency": "PLN"},
    "funding": [{"source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014", "programme": "Program Regionalny", "amount": {"amount": "10500000.00", "currency": "PLN"}}],
    "total_funding": [{"amount": "10500000.00", "currency": "PLN"}],
    "partners": [{"organization_id": 11, "organization": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"}, "role": "leader"}],
    "goals": [],
    "indicators": [],
    "version": 3, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
}))]
pub struct ProjectListItem {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub summary: Option<String>,
    pub lead_id: i64,
    pub lead: OrganizationSummary,
    pub status: ProjectStatus,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub value: Option<Money>,
    pub funding: Vec<Funding>,
    /// Exact sums of `funding`, one per currency, ordered by currency code.
    pub total_funding: Vec<Money>,
    pub partners: Vec<Partner>,
    pub goals: Vec<String>,
    pub indicators: Vec<Indicator>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// The list form: the same without the description.
    pub fn into_list_item(self) -> ProjectListItem {
        ProjectListItem {
            id: self.id,
            code: self.code,
            title: self.title,
            summary: self.summary,
            lead_id: self.lead_id,
            lead: self.lead,
            status: self.status,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            value: self.value,
            funding: self.funding,
            total_funding: self.total_funding,
            partners: self.partners,
            goals: self.goals,
            indicators: self.indicators,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A source of funding to record.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014",
    "programme": "Program Regionalny",
    "amount": {"amount": "10500000.00", "currency": "PLN"}
}))]
pub struct FundingInput {
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub source: String,
    #[validate(length(min = 1, max = 300), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub programme: Option<String>,
    pub amount: Money,
}

impl From<FundingInput> for FundingData {
    fn from(input: FundingInput) -> Self {
        FundingData {
            source: input.source.trim().to_owned(),
            programme: trimmed(input.programme),
            amount: input.amount,
        }
    }
}

/// An organization taking part. The lead organization may be listed with the role
/// `leader` (it is always a partner, so listing it changes nothing); no other
/// organization is the leader.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": 12, "role": "partner"}))]
pub struct PartnerInput {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub organization_id: i64,
    pub role: PartnerRole,
}

/// A new project.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "ZMP-EOG-2012",
    "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego",
    "summary": "Projekt predefiniowany Związku Miast Polskich w Programie Regionalnym MF EOG 2009–2014.",
    "lead_id": 11, "status": "in_progress", "starts_on": "2012-06-01", "ends_on": "2016-10-31",
    "value": {"amount": "10500000.00", "currency": "PLN"},
    "funding": [{"source": "Mechanizm Finansowy Europejskiego Obszaru Gospodarczego 2009–2014", "programme": "Program Regionalny", "amount": {"amount": "10500000.00", "currency": "PLN"}}],
    "partners": [{"organization_id": 12, "role": "partner"}, {"organization_id": 13, "role": "partner"}, {"organization_id": 14, "role": "partner"}],
    "goals": ["Wsparcie doradcze, szkoleniowe i eksperckie w tworzeniu i rozwoju 38 lokalnych partnerstw samorządowych."]
}))]
pub struct CreateProject {
    pub code: ProjectCode,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(min = 1, max = 5000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: Option<String>,
    /// Markdown.
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub description: Option<String>,
    /// The lead organization; it must be one you edit.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub lead_id: i64,
    /// `planned` when left out.
    pub status: Option<ProjectStatus>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: NaiveDate,
    /// Last day (inclusive), not before `starts_on`; required once the project is
    /// `completed` or `settled`.
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: Option<NaiveDate>,
    pub value: Option<Money>,
    #[serde(default, deserialize_with = "crate::validation::objects")]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub funding: Vec<FundingInput>,
    #[serde(default, deserialize_with = "crate::validation::objects")]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub partners: Vec<PartnerInput>,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub goals: Vec<ProjectGoal>,
}

/// The partners as stored: the lead's own entry (role `leader`) is dropped, as the
/// leader follows from `lead_id`. 422 for a repeated organization, another leader,
/// or the lead organization in another role.
pub fn partner_list(lead_id: i64, inputs: Vec<PartnerInput>) -> Result<Vec<PartnerData>, ApiError> {
    let mut errors = Vec::new();
    let mut partners = Vec::new();
    let mut seen = HashSet::new();
    for (index, input) in inputs.into_iter().enumerate() {
        if !seen.insert(input.organization_id) {
            errors.push(FieldError::new(
                format!("partners[{index}].organization_id"),
                "duplicate_value",
                format!("organization {} is listed twice", input.organization_id),
            ));
        } else if input.organization_id == lead_id {
            if input.role != PartnerRole::Leader {
                errors.push(FieldError::new(
                    format!("partners[{index}].role"),
                    "lead_is_leader",
                    format!(
                        "organization {lead_id} is the lead organization (lead_id): it takes part as 'leader'"
                    ),
                ));
            }
        } else if input.role == PartnerRole::Leader {
            errors.push(FieldError::new(
                format!("partners[{index}].role"),
                "one_leader",
                "only the lead organization (lead_id) is the leader; change lead_id to change the leader",
            ));
        } else {
            partners.push(PartnerData {
                organization_id: input.organization_id,
                role: input.role,
            });
        }
    }
    if errors.is_empty() {
        Ok(partners)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn goal_texts(goals: Vec<ProjectGoal>) -> Vec<String> {
    goals.into_iter().map(ProjectGoal::into_inner).collect()
}

impl CreateProject {
    /// The stored state of the new project and its related rows.
    pub fn into_parts(self) -> Result<(ProjectFields, ProjectLinks), ApiError> {
        let mut fields = ProjectFields {
            code: self.code.into_inner(),
            title: self.title.trim().to_owned(),
            summary: trimmed(self.summary),
            description: self.description,
            lead_id: self.lead_id,
            status: self.status.unwrap_or(ProjectStatus::Planned),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            last_day: self.starts_on,
            value_minor: None,
            value_currency: None,
            sort_title: String::new(),
        };
        fields.set_value(self.value);
        fields.refresh_derived();
        let links = ProjectLinks {
            partners: partner_list(self.lead_id, self.partners)?,
            funding: self.funding.into_iter().map(Into::into).collect(),
            goals: goal_texts(self.goals),
        };
        Ok((fields, links))
    }
}

/// Changes to a project (JSON merge patch): absent fields stay, `null` clears an
/// optional field; lists (`funding`, `partners`, `goals`) replace the whole list.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "completed", "ends_on": "2016-10-31",
    "value": {"amount": "10500000.00", "currency": "PLN"}
}))]
pub struct UpdateProject {
    pub code: Option<ProjectCode>,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 5000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 5000)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50000))]
    #[schema(value_type = Option<String>, max_length = 50000)]
    pub description: Option<Option<String>>,
    /// Another lead organization: you must edit both. The previous lead stays in the
    /// partnership as a `partner` unless `partners` is sent too.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub lead_id: Option<i64>,
    pub status: Option<ProjectStatus>,
    #[validate(custom(function = "plausible_date"))]
    #[schema(pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "plausible_date"))]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub value: Option<Option<Money>>,
    #[serde(default, deserialize_with = "optional_objects")]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub funding: Option<Vec<FundingInput>>,
    #[serde(default, deserialize_with = "optional_objects")]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub partners: Option<Vec<PartnerInput>>,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub goals: Option<Vec<ProjectGoal>>,
}

impl UpdateProject {
    /// Applies the patch to the current state.
    pub fn apply(
        self,
        fields: &mut ProjectFields,
        links: &mut ProjectLinks,
    ) -> Result<(), ApiError> {
        let previous_lead = fields.lead_id;
        set(&mut fields.code, self.code.map(ProjectCode::into_inner));
        set(&mut fields.title, self.title.map(|t| t.trim().to_owned()));
        set(&mut fields.summary, self.summary.map(trimmed));
        set(&mut fields.description, self.description);
        set(&mut fields.lead_id, self.lead_id);
        set(&mut fields.status, self.status);
        set(&mut fields.starts_on, self.starts_on);
        set(&mut fields.ends_on, self.ends_on);
        if let Some(value) = self.value {
            fields.set_value(value);
        }
        match self.partners {
            Some(partners) => links.partners = partner_list(fields.lead_id, partners)?,
            None if fields.lead_id != previous_lead => {
                let lead = fields.lead_id;
                links.partners.retain(|p| p.organization_id != lead);
                links.partners.insert(
                    0,
                    PartnerData {
                        organization_id: previous_lead,
                        role: PartnerRole::Partner,
                    },
                );
            }
            None => {}
        }
        set(
            &mut links.funding,
            self.funding
                .map(|funding| funding.into_iter().map(Into::into).collect()),
        );
        set(&mut links.goals, self.goals.map(goal_texts));
        fields.refresh_derived();
        Ok(())
    }
}

crate::text_enum_sort!(
    /// Orders of the project list.
    ProjectSort {
        StartsOnDesc => "-starts_on",
        StartsOn => "starts_on",
        Title => "title",
        TitleDesc => "-title",
        UpdatedAtDesc => "-updated_at",
        UpdatedAt => "updated_at",
    }
);

crate::list_query!(
    /// Filters of `GET /projects`.
    ProjectListQuery {
        /// Only projects led by this organization (id).
        #[param(minimum = 1, example = 11)]
        #[validate(range(min = 1))]
        lead: Option<i64>,
        /// Only projects this organization takes part in, in any role (the leader included).
        #[param(minimum = 1, example = 12)]
        #[validate(range(min = 1))]
        partner: Option<i64>,
        /// Only projects in this status.
        status: Option<ProjectStatus>,
        /// Only projects running on this day: `starts_on` ≤ day ≤ `ends_on` (open-ended
        /// projects run on every day from their start).
        #[param(value_type = Option<String>, format = Date, example = "2016-04-18")]
        active_on: Option<NaiveDate>,
        /// Words of the title, code, summary or description (as in `GET /search`: case,
        /// diacritics and Polish endings ignored, `wspolpraca` finds `współpracy`; every word
        /// must begin a word of the text).
        #[param(min_length = 1, max_length = 100, example = "wspolpracy miedzysamorzadowej")]
        #[validate(length(min = 1, max = 100))]
        q: Option<String>,
        /// Order: `-starts_on` (default: the latest start first), `starts_on`, `title`,
        /// `-title`, `-updated_at`, `updated_at`. Ties are broken by id.
        #[param(inline)]
        sort: Option<ProjectSort>,
    }
);

crate::page_of!(
    ProjectPage,
    ProjectListItem,
    {
        "id": 1, "code": "ZMP-EOG-2012",
        "title": "Budowanie kompetencji do współpracy międzysamorządowej i międzysektorowej jako narzędzia rozwoju lokalnego i regionalnego",
        "summary": "Projekt predefiniowany Związku Miast Polskich w Programie Regionalnym MF EOG 2009–2014.",
        "lead_id": 11,
        "lead": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"},
        "status": "completed", "starts_on": "2012-06-01", "ends_on": "2016-10-31",
        "value": {"amount": "10500000.00", "currency": "PLN"},
        "funding": [], "total_funding": [],
        "partners": [{"organization_id": 11, "organization": {"id": 11, "slug": "zmp", "name": "Związek Miast Polskich", "short_name": "ZMP", "kind": "national_association"}, "role": "leader"}],
        "goals": [], "indicators": [],
        "version": 3, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    },
    "eyJzIjoiLXN0YXJ0c19vbiIsImsiOiIyMDEyLTA2LTAxIiwiaSI6MX0"
);

/// Path parameter: a project id.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// Numeric id of the project.
    #[param(example = 1, minimum = 1)]
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(organization_id: i64, role: PartnerRole) -> PartnerInput {
        PartnerInput {
            organization_id,
            role,
        }
    }

    #[test]
    fn the_lead_is_the_only_leader() {
        use PartnerRole::*;
        assert_eq!(
            partner_list(1, vec![partner(1, Leader), partner(2, Partner)]).unwrap(),
            vec![PartnerData {
                organization_id: 2,
                role: Partner
            }]
        );
        for (inputs, field, code) in [
            (vec![partner(2, Leader)], "partners[0].role", "one_leader"),
            (
                vec![partner(1, Partner)],
                "partners[0].role",
                "lead_is_leader",
            ),
            (
                vec![partner(2, Partner), partner(2, Associated)],
                "partners[1].organization_id",
                "duplicate_value",
            ),
        ] {
            let error = partner_list(1, inputs).unwrap_err().field_errors();
            assert_eq!(
                (error[0].field.as_str(), error[0].code.as_str()),
                (field, code)
            );
        }
    }
}
