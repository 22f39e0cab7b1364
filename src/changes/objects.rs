//! The current representation of a feed object, as an organization may read it: what a
//! webhook delivery carries next to the change (`data.object`).
//!
//! Written once for every type: each row of `REPRESENTATIONS` names the read use case
//! of its resource (the one its `GET` handler calls), and `current` runs it as the
//! organization would read it — a partner token of that organization with the read
//! scopes of the types it follows. So the resource's own rules decide: a draft of
//! another organization is not found, nor is a deleted object, and both come out as
//! `None`. A type without a row gets no representation (a unit test keeps every type a
//! webhook can follow in this table).

use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::types::{self, Access};
use crate::associations::{memberships, milestones, presidencies};
use crate::auth::principal::PartnerToken;
use crate::auth::{Principal, policy};
use crate::consultations::{self, comments};
use crate::cooperation;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::AppState;
use crate::organizations::{self, service::KindScope};
use crate::positions;
use crate::practices;
use crate::projects::{self, events, indicators};
use crate::registrations;
use crate::working_groups;

/// The object a change is about.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub id: i64,
    pub parent: Option<i64>,
}

impl Target {
    /// The parent in the object's path (a sub-resource recorded without one is not
    /// found).
    fn parent(self) -> ApiResult<i64> {
        self.parent
            .ok_or_else(|| ApiError::not_found("the object's parent is not recorded"))
    }
}

type Rendered<'a> = LocalBoxFuture<'a, ApiResult<Value>>;

/// How one feed type is read.
pub struct Representation {
    /// The feed type (`Versioned::OBJECT`).
    pub object_type: &'static str,
    /// The name of its schema in the contract (the body of its `GET`).
    pub schema: fn() -> String,
    render: for<'a> fn(&'a AppState, &'a Principal, Target) -> Rendered<'a>,
}

fn json(value: impl Serialize) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

fn name<T: ToSchema>() -> String {
    T::name().into_owned()
}

pub const REPRESENTATIONS: &[Representation] = &[
    Representation {
        object_type: "organization",
        schema: name::<organizations::dto::Organization>,
        render: |state, _, target| {
            Box::pin(async move {
                let row =
                    organizations::service::load(state, KindScope::Any, target.id.to_string())
                        .await?;
                json(organizations::dto::Organization::from(row))
            })
        },
    },
    Representation {
        object_type: "membership",
        schema: name::<memberships::dto::Membership>,
        render: |state, principal, target| {
            Box::pin(async move {
                let path = memberships::dto::MembershipPath {
                    id_or_slug: target.parent()?.to_string(),
                    membership_id: target.id,
                };
                json(memberships::service::get(state, principal, path).await?)
            })
        },
    },
    Representation {
        object_type: "presidency",
        schema: name::<presidencies::dto::Presidency>,
        render: |state, principal, target| {
            Box::pin(async move {
                let path = presidencies::dto::PresidencyPath {
                    id_or_slug: target.parent()?.to_string(),
                    presidency_id: target.id,
                };
                json(presidencies::service::get(state, principal, path).await?)
            })
        },
    },
    Representation {
        object_type: "milestone",
        schema: name::<milestones::dto::Milestone>,
        render: |state, principal, target| {
            Box::pin(async move {
                let path = milestones::dto::MilestonePath {
                    id_or_slug: target.parent()?.to_string(),
                    milestone_id: target.id,
                };
                let row = milestones::service::get(state, principal, path).await?;
                json(milestones::dto::Milestone::from(row))
            })
        },
    },
    Representation {
        object_type: "position",
        schema: name::<positions::dto::Position>,
        render: |state, principal, target| {
            Box::pin(
                async move { json(positions::service::get(state, principal, target.id).await?) },
            )
        },
    },
    Representation {
        object_type: "consultation",
        schema: name::<consultations::dto::Consultation>,
        render: |state, principal, target| {
            Box::pin(async move {
                json(consultations::service::get(state, principal.clone(), target.id).await?)
            })
        },
    },
    Representation {
        object_type: "consultation_comment",
        schema: name::<comments::dto::Comment>,
        render: |state, principal, target| {
            Box::pin(async move {
                let consultation = target.parent()?;
                json(
                    comments::service::get(state, principal.clone(), consultation, target.id)
                        .await?,
                )
            })
        },
    },
    Representation {
        object_type: "project",
        schema: name::<projects::dto::Project>,
        render: |state, _, target| {
            Box::pin(async move { json(projects::service::load(state, target.id).await?) })
        },
    },
    Representation {
        object_type: "project_indicator",
        schema: name::<indicators::dto::Indicator>,
        render: |state, _, target| {
            Box::pin(async move {
                let project = target.parent()?;
                json(indicators::service::load(state, project, target.id).await?)
            })
        },
    },
    Representation {
        object_type: "project_event",
        schema: name::<events::dto::ProjectEvent>,
        render: |state, _, target| {
            Box::pin(async move {
                let project = target.parent()?;
                json(events::service::load(state, project, target.id).await?)
            })
        },
    },
    Representation {
        object_type: "practice",
        schema: name::<practices::dto::Practice>,
        render: |state, principal, target| {
            Box::pin(
                async move { json(practices::service::get(state, principal, target.id).await?) },
            )
        },
    },
    Representation {
        object_type: "practice_category",
        schema: name::<practices::dto::PracticeCategory>,
        render: |state, _, target| {
            Box::pin(async move {
                json(practices::service::get_category(state, target.id.to_string()).await?)
            })
        },
    },
    Representation {
        object_type: "registration_settings",
        schema: name::<registrations::dto::RegistrationSettings>,
        render: |state, principal, target| {
            Box::pin(async move {
                let event = target.parent()?;
                json(registrations::service::get_settings(state, principal, event).await?)
            })
        },
    },
    Representation {
        // Read as the organizers read it: a webhook's reader holds read scopes only, so
        // it is refused and the delivery carries no personal data.
        object_type: "event_registration",
        schema: name::<registrations::dto::Registration>,
        render: |state, principal, target| {
            Box::pin(async move {
                let event = target.parent()?;
                json(registrations::service::get(state, principal, (event, target.id)).await?)
            })
        },
    },
    Representation {
        object_type: "event_invitation",
        schema: name::<registrations::dto::Invitation>,
        render: |state, principal, target| {
            Box::pin(async move {
                let event = target.parent()?;
                json(
                    registrations::service::get_invitation(state, principal, (event, target.id))
                        .await?,
                )
            })
        },
    },
    Representation {
        object_type: "working_group",
        schema: name::<working_groups::dto::WorkingGroup>,
        render: |state, principal, target| {
            Box::pin(async move {
                let row = working_groups::service::get(state, principal, target.id).await?;
                json(working_groups::dto::WorkingGroup::from(row))
            })
        },
    },
    Representation {
        object_type: "working_group_member",
        schema: name::<working_groups::dto::Member>,
        render: |state, principal, target| {
            Box::pin(async move {
                let group = target.parent()?;
                json(
                    working_groups::service::get_member(state, principal, (group, target.id))
                        .await?,
                )
            })
        },
    },
    Representation {
        object_type: "working_group_meeting",
        schema: name::<working_groups::dto::Meeting>,
        render: |state, principal, target| {
            Box::pin(async move {
                let group = target.parent()?;
                json(
                    working_groups::service::get_meeting(state, principal, (group, target.id))
                        .await?,
                )
            })
        },
    },
    Representation {
        object_type: "cooperation_standard",
        schema: name::<cooperation::dto::Catalogue>,
        render: |state, _, target| {
            Box::pin(async move { json(cooperation::service::catalogue(state, target.id).await?) })
        },
    },
    Representation {
        object_type: "cooperation_assessment",
        schema: name::<cooperation::dto::Assessment>,
        render: |state, principal, target| {
            Box::pin(
                async move { json(cooperation::service::get(state, principal, target.id).await?) },
            )
        },
    },
];

pub fn find(object_type: &str) -> Option<&'static Representation> {
    REPRESENTATIONS
        .iter()
        .find(|r| r.object_type == object_type)
}

/// Whom a webhook of `organization_id` reads as: a partner token of that organization
/// with the read scopes of `followed` types (no write scope, no person's rights).
pub fn reader_of<'a>(
    organization_id: i64,
    followed: impl IntoIterator<Item = &'a str>,
) -> Principal {
    let mut scopes: Vec<Scope> = Vec::new();
    for name in followed {
        if let Some(Access::Scope(scope)) = types::find(name).map(|t| t.access)
            && !scopes.contains(&scope)
        {
            scopes.push(scope);
        }
    }
    Principal::Token(PartnerToken {
        id: 0,
        organization_id,
        scopes,
    })
}

/// The object as `reader` may read it now: `None` when it is gone, or is not (or no
/// longer) visible to it, or its type has no representation. Other failures are errors
/// (the delivery is tried again later).
pub async fn current(
    state: &AppState,
    reader: &Principal,
    object_type: &str,
    target: Target,
) -> ApiResult<Option<Value>> {
    let (Some(feed_type), Some(representation)) = (types::find(object_type), find(object_type))
    else {
        return Ok(None);
    };
    let rendered = match feed_type.access {
        Access::Scope(scope) => policy::can_read(reader, scope),
        Access::Everyone => Ok(()),
        Access::Admins => return Ok(None),
    };
    let rendered = match rendered {
        Ok(()) => (representation.render)(state, reader, target).await,
        Err(refused) => Err(refused),
    };
    match rendered {
        Ok(value) => Ok(Some(value)),
        Err(error)
            if matches!(
                error.code(),
                Code::NotFound | Code::Forbidden | Code::InsufficientScope
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_a_webhook_can_follow_has_a_representation() {
        for feed_type in types::TYPES {
            if feed_type.access != Access::Admins {
                assert!(
                    find(feed_type.name).is_some(),
                    "'{}' has no row in changes::objects::REPRESENTATIONS",
                    feed_type.name
                );
            }
        }
        for representation in REPRESENTATIONS {
            assert!(
                types::find(representation.object_type).is_some(),
                "'{}' is not a feed type",
                representation.object_type
            );
        }
    }

    #[test]
    fn a_webhook_reads_with_the_read_scopes_of_what_it_follows() {
        let Principal::Token(token) =
            reader_of(7, ["position", "project_event", "project", "practice"])
        else {
            panic!("a token");
        };
        assert_eq!(token.organization_id, 7);
        assert_eq!(
            token.scopes,
            vec![Scope::PositionsRead, Scope::ProjectsRead]
        );
    }
}
