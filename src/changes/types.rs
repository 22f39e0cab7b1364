//! The object types of the feed: the read scope a partner token needs for each and
//! where the object lives. A type not listed here (a new resource that has not been
//! added yet) is shown to administrators only, without a URL.

use crate::domain::Scope;

pub struct FeedType {
    /// The name the write path records (`Versioned::OBJECT`).
    pub name: &'static str,
    /// The scope a token needs to read it; `None`: administrators only.
    pub scope: Option<Scope>,
    /// The object's URL, with `{id}` and `{parent}`.
    url: &'static str,
}

pub const TYPES: &[FeedType] = &[
    FeedType {
        name: "organization",
        scope: Some(Scope::AssociationsRead),
        url: "/api/v1/organizations/{id}",
    },
    FeedType {
        name: "membership",
        scope: Some(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/members/{id}",
    },
    FeedType {
        name: "presidency",
        scope: Some(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/presidencies/{id}",
    },
    FeedType {
        name: "milestone",
        scope: Some(Scope::AssociationsRead),
        url: "/api/v1/associations/{parent}/milestones/{id}",
    },
    FeedType {
        name: "position",
        scope: Some(Scope::PositionsRead),
        url: "/api/v1/positions/{id}",
    },
    FeedType {
        name: "consultation",
        scope: Some(Scope::ConsultationsRead),
        url: "/api/v1/consultations/{id}",
    },
    FeedType {
        name: "consultation_comment",
        scope: Some(Scope::ConsultationsRead),
        url: "/api/v1/consultations/{parent}/comments/{id}",
    },
    FeedType {
        name: "project",
        scope: Some(Scope::ProjectsRead),
        url: "/api/v1/projects/{id}",
    },
    FeedType {
        name: "project_indicator",
        scope: Some(Scope::ProjectsRead),
        url: "/api/v1/projects/{parent}/indicators/{id}",
    },
    FeedType {
        name: "project_event",
        scope: Some(Scope::ProjectsRead),
        url: "/api/v1/projects/{parent}/events/{id}",
    },
    FeedType {
        name: "user",
        scope: None,
        url: "/api/v1/users/{id}",
    },
    FeedType {
        name: "api_token",
        scope: None,
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
        assert_eq!(super::url("practice", 1, None), None);
    }
}
