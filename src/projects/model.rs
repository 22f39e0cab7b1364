use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::projects;
use crate::domain::{Currency, Money, PartnerRole, ProjectStatus};
use crate::error::{ApiError, ApiResult};

/// The `last_day` of a project without an end date: after every real date, so that
/// `active_on` is one range test on both backends.
pub fn open_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A stored amount; its column has a CHECK constraint keeping it in range, so one out
/// of range is a broken database, not a value to guess.
pub fn stored_money(minor: i64, currency: Currency) -> ApiResult<Money> {
    Money::from_minor(minor, currency).ok_or_else(|| {
        ApiError::internal(format!("stored amount {minor} {currency} is out of range"))
    })
}

/// The value of a project from its two columns.
fn stored_value(minor: Option<i64>, currency: Option<Currency>) -> ApiResult<Option<Money>> {
    match (minor, currency) {
        (Some(minor), Some(currency)) => stored_money(minor, currency).map(Some),
        _ => Ok(None),
    }
}

impl ProjectRow {
    pub fn value(&self) -> ApiResult<Option<Money>> {
        stored_value(self.value_minor, self.value_currency)
    }
}

crate::versioned_row! {
    /// A stored project.
    row ProjectRow in projects,
    /// Every writable column of a project: its whole new state, for insert and update.
    #[derive(PartialEq, Serialize)]
    #[diesel(treat_none_as_null = true)]
    fields ProjectFields {
        pub code: String,
        pub title: String,
        pub summary: Option<String>,
        pub description: Option<String>,
        pub lead_id: i64,
        pub status: ProjectStatus,
        pub starts_on: NaiveDate,
        pub ends_on: Option<NaiveDate>,
        #[serde(skip)]
        pub last_day: NaiveDate,
        /// Written as `value` in the audit log (see [`ProjectState`]).
        #[serde(skip)]
        pub value_minor: Option<i64>,
        #[serde(skip)]
        pub value_currency: Option<Currency>,
        #[serde(skip)]
        pub sort_title: String,
    }
}

impl ProjectFields {
    pub fn value(&self) -> ApiResult<Option<Money>> {
        stored_value(self.value_minor, self.value_currency)
    }

    pub fn set_value(&mut self, value: Option<Money>) {
        self.value_minor = value.map(Money::minor_units);
        self.value_currency = value.map(Money::currency);
    }

    /// Recomputes the derived columns: the `active_on` bound and the sort key.
    pub fn refresh_derived(&mut self) {
        self.last_day = self.ends_on.unwrap_or_else(open_end);
        self.sort_title = crate::domain::fold_for_search(&self.title);
    }
}

/// An organization taking part in a project, other than the leader (which is the
/// project's `lead_id`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerData {
    pub organization_id: i64,
    pub role: PartnerRole,
}

/// A source of funding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FundingData {
    pub source: String,
    pub programme: Option<String>,
    pub amount: Money,
}

#[derive(Debug, Clone, Queryable)]
pub struct FundingRow {
    pub id: i64,
    pub project_id: i64,
    pub source: String,
    pub programme: Option<String>,
    pub amount_minor: i64,
    pub currency: Currency,
}

impl TryFrom<FundingRow> for FundingData {
    type Error = ApiError;

    fn try_from(row: FundingRow) -> ApiResult<Self> {
        Ok(FundingData {
            amount: stored_money(row.amount_minor, row.currency)?,
            source: row.source,
            programme: row.programme,
        })
    }
}

/// The related rows of a project that requests write as whole lists, in their order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProjectLinks {
    /// Partners and associated organizations (the leader is derived from `lead_id`).
    pub partners: Vec<PartnerData>,
    pub funding: Vec<FundingData>,
    pub goals: Vec<String>,
}

impl ProjectLinks {
    /// Exact sums of the funding per currency.
    pub fn total_funding(&self) -> Result<Vec<Money>, Currency> {
        Money::totals(self.funding.iter().map(|f| f.amount))
    }
}

/// A project's full written state, for the audit log (snapshot and diff).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectState {
    #[serde(flatten)]
    pub fields: ProjectFields,
    pub value: Option<Money>,
    #[serde(flatten)]
    pub links: ProjectLinks,
}

impl ProjectState {
    pub fn new(fields: ProjectFields, links: ProjectLinks) -> ApiResult<Self> {
        Ok(ProjectState {
            value: fields.value()?,
            fields,
            links,
        })
    }
}
