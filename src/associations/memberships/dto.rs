//! Wire types of memberships.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{MembershipFields, MembershipRow};
use crate::organizations::dto::OrganizationSummary;
use crate::organizations::model::OrganizationRow;
use crate::validation::{double_option, not_blank};

crate::versioned_dto! {
    /// The membership of an organization in an association, for a period of time.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 7, "association_id": 1, "member_id": 2,
        "member": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "joined_on": "2013-10-29", "left_on": null, "basis": "Porozumienie podpisane w Nowej Soli 29.10.2013",
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z"
    }))]
    pub struct Membership {
        pub id: i64,
        /// The association or alliance.
        pub association_id: i64,
        /// The member organization.
        pub member_id: i64,
        pub member: OrganizationSummary,
        /// First day of membership.
        pub joined_on: NaiveDate,
        /// Last day of membership (inclusive); `null` while the membership lasts.
        pub left_on: Option<NaiveDate>,
        /// What the membership rests on, e.g. the resolution or agreement.
        pub basis: Option<String>,
    }
}

impl Membership {
    pub fn new(row: MembershipRow, member: &OrganizationRow) -> Self {
        crate::with_stamps!(
            row,
            Membership {
                id: row.id,
                association_id: row.association_id,
                member_id: row.member_id,
                member: OrganizationSummary::from(member),
                joined_on: row.joined_on,
                left_on: row.left_on,
                basis: row.basis,
            }
        )
    }
}

/// A new membership.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"member_id": 2, "joined_on": "2013-10-29", "basis": "Porozumienie podpisane w Nowej Soli 29.10.2013"}))]
pub struct CreateMembership {
    /// The member organization: an association or national association for an
    /// alliance, a local government (`jst`) for an association.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub member_id: i64,
    /// First day of membership.
    pub joined_on: NaiveDate,
    /// Last day of membership (inclusive), not before `joined_on`.
    pub left_on: Option<NaiveDate>,
    /// What the membership rests on, e.g. the resolution.
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub basis: Option<String>,
}

impl CreateMembership {
    pub fn into_fields(self, association_id: i64) -> MembershipFields {
        MembershipFields {
            association_id,
            member_id: self.member_id,
            joined_on: self.joined_on,
            left_on: self.left_on,
            basis: self.basis.map(|b| b.trim().to_owned()),
        }
    }
}

/// Changes to a membership (JSON merge patch). The member itself cannot change:
/// end the membership or delete it and create another.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"left_on": "2024-12-31"}))]
pub struct UpdateMembership {
    pub joined_on: Option<NaiveDate>,
    /// `null` makes the membership open-ended again.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub left_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000)]
    pub basis: Option<Option<String>>,
}

impl UpdateMembership {
    pub fn apply(self, fields: &mut MembershipFields) {
        if let Some(joined_on) = self.joined_on {
            fields.joined_on = joined_on;
        }
        if let Some(left_on) = self.left_on {
            fields.left_on = left_on;
        }
        if let Some(basis) = self.basis {
            fields.basis = basis.map(|b| b.trim().to_owned());
        }
    }
}

crate::text_enum_sort!(
    /// Orders of the member list.
    MembershipSort {
        Name => "name",
        NameDesc => "-name",
        JoinedOn => "joined_on",
        JoinedOnDesc => "-joined_on",
    }
);

crate::list_query!(
    /// Filters of `GET /associations/{id_or_slug}/members`.
    MembershipListQuery {
        /// Only the members on this day (`joined_on <= on <= left_on`, an open `left_on` counting as still a member).
        #[param(value_type = Option<String>, format = Date, example = "2020-01-01")]
        on: Option<NaiveDate>,
        /// `true`: only today's members (as `on` = today); `false`: only former and future members.
        current: Option<bool>,
        /// Order: `name` (member name, default), `-name`, `joined_on`, `-joined_on`.
        #[param(inline)]
        sort: Option<MembershipSort>,
    }
);

crate::page_of!(MembershipPage, Membership);

/// Path parameters of one membership.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MembershipPath {
    /// Numeric id or slug of the association.
    #[param(example = "opos", min_length = 1, max_length = 100)]
    pub id_or_slug: String,
    /// Id of the membership.
    #[param(example = 1, minimum = 1)]
    #[serde(deserialize_with = "crate::validation::positive_id")]
    pub membership_id: i64,
}
