//! The object types of the feed: the read scope a partner token needs for each and
//! where the object lives. A type not listed here (a new resource that has not been
//! added yet) is shown to administrators only, without a URL.

use crate::domain::Scope;

/// Who may follow a type's changes (besides administrators, who see everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// People, and partner tokens with this read scope.
    Scope(Scope),
    /// Everyone who may read the public resource, tokens included (the resource has no
    /// read scope of its own, e.g. practices).
    Everyone,
    /// Administrators only (people, tokens, webhooks).
    Admins,
}

impl Access {
    /// May a token with `scopes` follow the type?
    pub fn lets_token(self, scopes: &[Scope]) -> bool {
        match self {
            Access::Scope(scope) => scopes.contains(&scope),
            Access::Everyone => true,
            Access::Admins => false,
        }
    }
}

pub struct FeedType {
    /// The name the write path records (`Versioned::OBJECT`).
    pub name: &'static str,
    /// Who may follow it.
    pub access: Access,
    /// The object's URL, with `{id}` and `{parent}`.
    url: &'static str,
}

pub const TYPES: &[FeedType] = &[
    FeedType {
        name: "organization",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/organizations/{id}",
    },
    FeedType {
        name: "membership",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/members/{id}",
    },
    FeedType {
        name: "presidency",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/presidencies/{id}",
    },
    FeedType {
        name: "milestone",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/milestones/{id}",
    },
    FeedType {
        name: "position",
        access: Access::Scope(Scope::PositionsRead),
        url: "/api/v1/positions/{id}",
    },
    FeedType {
        name: "consultation",
        access: Access::Scope(Scope::ConsultationsRead),
        url: "/api/v1/consultations/{id}",
    },
    FeedType {
        name: "consultation_comment",
        access: Access::Scope(Scope::ConsultationsRead),
        url: "/api/v1/consultations/{parent}/comments/{id}",
    },
    FeedType {
        name: "project",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/projects/{id}",
    },
    FeedType {
        name: "project_indicator",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/projects/{parent}/indicators/{id}",
    },
    FeedType {
        name: "project_event",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/projects/{parent}/events/{id}",
    },
    FeedType {
        name: "registration_settings",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/events/{parent}/registration",
    },
    FeedType {
        // Personal data: `versioned_table!`'s audience shows it only to administrators
        // and the organizer's editors and tokens; the event carries no data.
        name: "event_registration",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/events/{parent}/registrations/{id}",
    },
    FeedType {
        name: "event_invitation",
        access: Access::Scope(Scope::ProjectsRead),
        url: "/api/v1/events/{parent}/invitations/{id}",
    },
    FeedType {
        name: "working_group",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/working-groups/{id}",
    },
    FeedType {
        name: "working_group_member",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/working-groups/{parent}/members/{id}",
    },
    FeedType {
        name: "working_group_meeting",
        access: Access::Scope(Scope::AssociationsRead),
        url: "/api/v1/working-groups/{parent}/meetings/{id}",
    },
    FeedType {
        name: "practice",
        access: Access::Everyone,
        url: "/api/v1/practices/{id}",
    },
    FeedType {
        name: "practice_category",
        access: Access::Everyone,
        url: "/api/v1/practice-categories/{id}",
    },
    FeedType {
        name: "cooperation_standard",
        access: Access::Everyone,
        url: "/api/v1/cooperation-standard/versions/{id}",
    },
    FeedType {
        name: "cooperation_assessment",
        access: Access::Everyone,
        url: "/api/v1/cooperation-assessments/{id}",
    },
    FeedType {
        name: "user",
        access: Access::Admins,
        url: "/api/v1/users/{id}",
    },
    FeedType {
        name: "api_token",
        access: Access::Admins,
        url: "/api/v1/tokens/{id}",
    },
];

/// The names, for the documentation and the `types` filter's error message.
pub fn names() -> Vec<&'static str> {
    TYPES.iter().map(|t| t.name).collect()
}

pub fn find(name: &str) -> Option<&'static FeedType> {
    TYPES.iter().find(|t| t.name == name)
}

/// The object's URL, if its type is known (and its parent recorded, where it has one).
pub fn url(name: &str, id: i64, parent: Option<i64>) -> Option<String> {
    let url = find(name)?.url.replace("{id}", &id.to_string());
    match (url.contains("{parent}"), parent) {
        (false, _) => Some(url),
        (true, Some(parent)) => Some(url.replace("{parent}", &parent.to_string())),
        (true, None) => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_name_the_object_and_its_parent() {
        assert_eq!(
            super::url("position", 7, None).as_deref(),
            Some("/api/v1/positions/7")
        );
        assert_eq!(
            super::url("project_event", 3, Some(2)).as_deref(),
            Some("/api/v1/projects/2/events/3")
        );
        assert_eq!(super::url("project_event", 3, None), None);
        assert_eq!(super::url("unknown", 1, None), None);
    }
}
