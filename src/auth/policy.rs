//! Every authorization decision, in one place. Checks are per object: the handler
//! loads the object first and asks whether this principal may act on it.

use super::principal::Principal;
use crate::domain::{OrganizationKind, Role};
use crate::error::ApiError;

fn authenticated(principal: &Principal) -> Result<&super::principal::User, ApiError> {
    principal
        .user()
        .ok_or_else(|| ApiError::unauthorized("authentication_required", "sign in to do this"))
}

/// Admin-only actions: managing people, creating and deleting organizations.
pub fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    let user = authenticated(principal)?;
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only administrators may do this"))
    }
}

/// Any signed-in person.
pub fn require_signed_in(principal: &Principal) -> Result<(), ApiError> {
    authenticated(principal).map(|_| ())
}

/// May the principal create an organization of this kind? Admins any kind;
/// editors the local governments, NGOs and others their associations work with.
pub fn can_create_organization(
    principal: &Principal,
    kind: OrganizationKind,
) -> Result<(), ApiError> {
    let user = authenticated(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if !kind.is_association() => Ok(()),
        Role::Editor => Err(ApiError::forbidden(
            "only administrators may create associations and alliances",
        )),
        Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
    }
}

/// May the principal change (or delete) this organization? Admins all; editors
/// the associations they are editors of.
pub fn can_write_organization(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    let user = authenticated(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if user.associations.contains(&organization_id) => Ok(()),
        _ => Err(ApiError::forbidden(
            "you may change only the associations you are an editor of",
        )),
    }
}

/// Deleting an organization is an administrator's decision.
pub fn can_delete_organization(principal: &Principal) -> Result<(), ApiError> {
    require_admin(principal)
}

/// Which drafts a principal may see: admins all, editors those of their associations,
/// everyone else none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftVisibility {
    All,
    /// Drafts of these associations (none when empty).
    OfAssociations(Vec<i64>),
}

pub fn visible_drafts(principal: &Principal) -> DraftVisibility {
    match principal.user() {
        Some(user) if user.role == Role::Admin => DraftVisibility::All,
        Some(user) if user.role == Role::Editor => {
            DraftVisibility::OfAssociations(user.associations.clone())
        }
        _ => DraftVisibility::OfAssociations(Vec::new()),
    }
}

/// May the principal see the unpublished drafts of this association? Admins and its editors.
pub fn can_see_draft(principal: &Principal, association_id: i64) -> bool {
    match visible_drafts(principal) {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&association_id),
    }
}

/// May the principal write positions of this association (create, change, delete,
/// move through the lifecycle, record replies)? Admins and its editors.
pub fn can_write_position(principal: &Principal, association_id: i64) -> Result<(), ApiError> {
    let user = authenticated(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if user.associations.contains(&association_id) => Ok(()),
        Role::Editor => Err(ApiError::forbidden(
            "you may write only the positions of the associations you are an editor of",
        )),
        Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
    }
}

/// May the principal sign (or withdraw the signature) in the name of this organization?
/// Admins and its editors.
pub fn can_co_sign(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    let user = authenticated(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if user.associations.contains(&organization_id) => Ok(()),
        Role::Editor => Err(ApiError::forbidden(
            "you may co-sign only in the name of the associations you are an editor of",
        )),
        Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
    }
}
