//! Wire types of associations: an organization plus what is computed about it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::associations::presidencies::dto::PresidencySummary;
use crate::organizations::dto::Organization;

/// An association, national association or alliance: the organization's fields plus
/// `member_count` (members today, computed on every read) and, for alliances, the
/// presidency term in force today.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych",
    "short_name": "OPOS", "kind": "alliance", "legal_form": null,
    "description": "Porozumienie dziewięciu regionalnych organizacji samorządowych.", "founded_on": "2013-10-29",
    "address": {"street": null, "postal_code": null, "city": null, "voivodeship": null},
    "website": null, "email": null, "phone": null, "krs": null, "nip": null, "regon": null,
    "teryt": null, "jst_kind": null, "population": null,
    "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z",
    "member_count": 9,
    "current_presidency": {
        "id": 26, "holder_id": 2,
        "holder": {"id": 2, "slug": "slaski-zwiazek-gmin-i-powiatow", "name": "Śląski Związek Gmin i Powiatów", "short_name": null, "kind": "association"},
        "starts_on": "2026-07-01", "ends_on": "2026-12-31"
    }
}))]
pub struct Association {
    #[serde(flatten)]
    pub organization: Organization,
    /// How many members the association has today (never stored).
    pub member_count: i64,
    /// The presidency term in force today; always `null` for associations that are
    /// not alliances.
    pub current_presidency: Option<PresidencySummary>,
}

crate::page_of!(
    AssociationPage,
    Association,
    {
        "id": 1, "slug": "opos", "name": "Ogólnopolskie Porozumienie Organizacji Samorządowych",
        "short_name": "OPOS", "kind": "alliance", "legal_form": null, "description": null, "founded_on": "2013-10-29",
        "address": {"street": null, "postal_code": null, "city": null, "voivodeship": null},
        "website": null, "email": null, "phone": null, "krs": null, "nip": null, "regon": null,
        "teryt": null, "jst_kind": null, "population": null,
        "version": 1, "created_at": "2026-01-15T10:00:00Z", "updated_at": "2026-01-15T10:00:00Z",
        "member_count": 9, "current_presidency": null
    },
    null
);
