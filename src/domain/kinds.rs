//! Closed sets of values: organization kinds, kinds of local government, voivodeships, roles.

use super::text_enum;

text_enum!(
    /// What an organization is.
    OrganizationKind {
        Alliance => "alliance",
        Association => "association",
        NationalAssociation => "national_association",
        Jst => "jst",
        Ngo => "ngo",
        GovernmentBody => "government_body",
        ForeignPartner => "foreign_partner",
        Company => "company",
        Other => "other",
    }
);

impl OrganizationKind {
    /// Kinds served under `/associations`.
    pub const ASSOCIATIONS: &'static [OrganizationKind] = &[
        OrganizationKind::Alliance,
        OrganizationKind::Association,
        OrganizationKind::NationalAssociation,
    ];

    pub fn is_association(self) -> bool {
        Self::ASSOCIATIONS.contains(&self)
    }

    /// May an organization of kind `member` be a member of one of this kind?
    /// Alliances take associations (regional or national); associations take local
    /// governments.
    pub fn admits_member(self, member: OrganizationKind) -> bool {
        match self {
            OrganizationKind::Alliance => matches!(
                member,
                OrganizationKind::Association | OrganizationKind::NationalAssociation
            ),
            OrganizationKind::Association | OrganizationKind::NationalAssociation => {
                member == OrganizationKind::Jst
            }
            _ => false,
        }
    }

    /// The kinds of member this kind admits, for messages.
    pub fn member_kinds(self) -> &'static str {
        match self {
            OrganizationKind::Alliance => "association or national_association",
            OrganizationKind::Association | OrganizationKind::NationalAssociation => "jst",
            _ => "none",
        }
    }
}

text_enum!(
    /// Kind of a local government unit (jednostka samorządu terytorialnego).
    JstKind {
        GminaMiejska => "gmina_miejska",
        GminaWiejska => "gmina_wiejska",
        GminaMiejskoWiejska => "gmina_miejsko_wiejska",
        MiastoNaPrawachPowiatu => "miasto_na_prawach_powiatu",
        Powiat => "powiat",
        Wojewodztwo => "wojewodztwo",
    }
);

text_enum!(
    /// Role of a person using the API.
    Role {
        Admin => "admin",
        Editor => "editor",
        Viewer => "viewer",
    }
);

text_enum!(
    /// One of the sixteen voivodeships, by its Polish name.
    Voivodeship {
        Dolnoslaskie => "dolnośląskie",
        KujawskoPomorskie => "kujawsko-pomorskie",
        Lubelskie => "lubelskie",
        Lubuskie => "lubuskie",
        Lodzkie => "łódzkie",
        Malopolskie => "małopolskie",
        Mazowieckie => "mazowieckie",
        Opolskie => "opolskie",
        Podkarpackie => "podkarpackie",
        Podlaskie => "podlaskie",
        Pomorskie => "pomorskie",
        Slaskie => "śląskie",
        Swietokrzyskie => "świętokrzyskie",
        WarminskoMazurskie => "warmińsko-mazurskie",
        Wielkopolskie => "wielkopolskie",
        Zachodniopomorskie => "zachodniopomorskie",
    }
);

impl Voivodeship {
    /// The TERC code of the voivodeship (02, 04, … 32).
    pub fn code(self) -> u32 {
        let index = Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as u32;
        2 + 2 * index
    }

    pub fn from_code(code: u32) -> Option<Self> {
        if !code.is_multiple_of(2) || !(2..=32).contains(&code) {
            return None;
        }
        Self::ALL.get((code / 2 - 1) as usize).copied()
    }
}

text_enum!(
    /// What a partner API token may do.
    Scope {
        AssociationsRead => "associations:read",
        AssociationsWrite => "associations:write",
        PositionsRead => "positions:read",
        PositionsWrite => "positions:write",
        ConsultationsRead => "consultations:read",
        ConsultationsComment => "consultations:comment",
        ConsultationsWrite => "consultations:write",
        ProjectsRead => "projects:read",
        ProjectsWrite => "projects:write",
        PracticesWrite => "practices:write",
        WebhooksManage => "webhooks:manage",
    }
);

impl Scope {
    /// The space-separated scopes of a stored token. A value outside the set is an
    /// error, never skipped: a token must not silently lose or gain a permission.
    pub fn parse_list(stored: &str) -> Result<Vec<Scope>, String> {
        stored
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| format!("unknown stored scope '{s}'")))
            .collect()
    }
}
