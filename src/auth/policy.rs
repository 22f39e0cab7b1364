//! Every authorization decision, in one place. Checks are per object: the handler
//! loads the object first and asks whether this principal may act on it.
//!
//! People act by role (admin everything; editors for the organizations they are
//! editors of, of any kind; viewers read). Partner tokens act for their one organization, within their scopes, and
//! never manage people or tokens.

use super::principal::{PartnerToken, Principal, User};
use crate::domain::{OrganizationKind, Role, Scope};
use crate::error::{ApiError, Code};

fn person(principal: &Principal) -> Result<&User, ApiError> {
    match principal {
        Principal::User(user) => Ok(user),
        Principal::Token(_) => Err(ApiError::new(
            Code::TokenNotAllowed,
            "API tokens cannot do this; a person must sign in",
        )),
        Principal::Anonymous => Err(ApiError::new(
            Code::AuthenticationRequired,
            "sign in to do this",
        )),
    }
}

fn scoped(token: &PartnerToken, scope: Scope) -> Result<(), ApiError> {
    if token.scopes.contains(&scope) {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::InsufficientScope,
            format!("this API token lacks the scope '{scope}'"),
        ))
    }
}

/// Reads of public data: anyone; a partner token needs the read scope of the family.
pub fn can_read(principal: &Principal, scope: Scope) -> Result<(), ApiError> {
    match principal {
        Principal::Token(token) => scoped(token, scope),
        _ => Ok(()),
    }
}

/// Admin-only actions: managing people, deleting organizations, reading the audit log.
pub fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    if person(principal)?.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only administrators may do this"))
    }
}

/// Any signed-in person (not a token).
pub fn require_person(principal: &Principal) -> Result<&User, ApiError> {
    person(principal)
}

/// May the principal create an organization of this kind? Admins any kind;
/// editors the local governments, NGOs and others their associations work with.
pub fn can_create_organization(
    principal: &Principal,
    kind: OrganizationKind,
) -> Result<(), ApiError> {
    let user = person(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if !kind.is_association() => Ok(()),
        Role::Editor => Err(ApiError::forbidden(
            "only administrators may create associations and alliances",
        )),
        Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
    }
}

/// May the principal change this organization? Admins all; editors the associations
/// they are editors of (of any kind); a token with `associations:write` its own
/// organization.
pub fn can_write_organization(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        organization_id,
        Scope::AssociationsWrite,
        "write",
    )
}

/// Deleting an organization is an administrator's decision.
pub fn can_delete_organization(principal: &Principal) -> Result<(), ApiError> {
    require_admin(principal)
}

/// May the principal issue, see and revoke the API tokens of this organization?
/// Admins all; editors those of their organizations; tokens never.
pub fn can_manage_tokens_of(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    let user = person(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if user.associations.contains(&organization_id) => Ok(()),
        _ => Err(ApiError::forbidden(
            "you may manage only the tokens of the organizations you are an editor of",
        )),
    }
}

/// Whose tokens the principal may list: `None` for all (admins).
pub fn token_organizations(principal: &Principal) -> Result<Option<Vec<i64>>, ApiError> {
    let user = person(principal)?;
    match user.role {
        Role::Admin => Ok(None),
        Role::Editor => Ok(Some(user.associations.clone())),
        Role::Viewer => Err(ApiError::forbidden("viewers may not manage API tokens")),
    }
}

/// Managing the members of an association: its editors and administrators.
pub fn can_manage_members(principal: &Principal, association_id: i64) -> Result<(), ApiError> {
    can_write_organization(principal, association_id)
}

/// Managing the timeline of an association: its editors and administrators.
pub fn can_manage_milestones(principal: &Principal, association_id: i64) -> Result<(), ApiError> {
    can_write_organization(principal, association_id)
}

/// The rotating presidency of an alliance is set by administrators only.
pub fn can_manage_presidencies(principal: &Principal) -> Result<(), ApiError> {
    require_admin(principal)
}
/// Which drafts a principal may see: admins all, editors those of their associations,
/// a token with `positions:read` those of its organization, everyone else none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftVisibility {
    All,
    /// Drafts of these associations (none when empty).
    OfAssociations(Vec<i64>),
}

pub fn visible_drafts(principal: &Principal) -> DraftVisibility {
    match principal {
        Principal::User(user) if user.role == Role::Admin => DraftVisibility::All,
        Principal::User(user) if user.role == Role::Editor => {
            DraftVisibility::OfAssociations(user.associations.clone())
        }
        Principal::Token(token) if token.scopes.contains(&Scope::PositionsRead) => {
            DraftVisibility::OfAssociations(vec![token.organization_id])
        }
        _ => DraftVisibility::OfAssociations(Vec::new()),
    }
}

/// May the principal see the unpublished drafts of this association?
pub fn can_see_draft(principal: &Principal, association_id: i64) -> bool {
    match visible_drafts(principal) {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&association_id),
    }
}

/// Writes in the name of an organization: admins; its editors; a token of that
/// organization with the write scope.
fn write_for(
    principal: &Principal,
    organization_id: i64,
    scope: Scope,
    what: &str,
) -> Result<(), ApiError> {
    match principal {
        Principal::Token(token) => {
            scoped(token, scope)?;
            if token.organization_id == organization_id {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "an API token writes only for its own organization",
                ))
            }
        }
        _ => editor_for(principal, organization_id, what),
    }
}

/// Writes only people make: admins; the organization's editors.
fn editor_for(principal: &Principal, organization_id: i64, what: &str) -> Result<(), ApiError> {
    let user = person(principal)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Editor if user.associations.contains(&organization_id) => Ok(()),
        Role::Editor => Err(ApiError::forbidden(format!(
            "you may {what} only for the organizations you are an editor of"
        ))),
        Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
    }
}

/// May the principal write positions of this association (create, change, delete,
/// move through the lifecycle, record replies)?
pub fn can_write_position(principal: &Principal, association_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        association_id,
        Scope::PositionsWrite,
        "write positions",
    )
}

/// May the principal sign (or withdraw the signature) in the name of this organization?
pub fn can_co_sign(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    write_for(principal, organization_id, Scope::PositionsWrite, "co-sign")
}

/// May the principal manage projects led by this organization — the project itself,
/// its indicators and its events? Admins; editors of the lead organization; a token of
/// the lead organization with `projects:write`. Partners' editors only read.
pub fn can_manage_project(principal: &Principal, lead_id: i64) -> Result<(), ApiError> {
    write_for(principal, lead_id, Scope::ProjectsWrite, "manage projects")
}

/// May the principal manage the webhook subscriptions of this organization? Admins;
/// its editors; a token of that organization with `webhooks:manage`.
pub fn can_manage_webhooks_of(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        organization_id,
        Scope::WebhooksManage,
        "manage webhooks",
    )
}

// ------------------------------------------------------------------ consultations

/// Which draft consultations a principal may see: admins all, editors those their
/// associations organize, a token with `consultations:read` those of its organization.
pub fn visible_consultation_drafts(principal: &Principal) -> DraftVisibility {
    match principal {
        Principal::Token(token) if !token.scopes.contains(&Scope::ConsultationsRead) => {
            DraftVisibility::OfAssociations(Vec::new())
        }
        Principal::Token(token) => DraftVisibility::OfAssociations(vec![token.organization_id]),
        _ => visible_drafts(principal),
    }
}

/// May the principal see the consultation drafts of this organizer?
pub fn can_see_consultation_draft(principal: &Principal, organizer_id: i64) -> bool {
    match visible_consultation_drafts(principal) {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&organizer_id),
    }
}

/// May the principal manage the consultations of this organizer (create, change,
/// delete, move through the lifecycle, record comments received by other channels,
/// decide on comments)? Admins; the organizer's editors; a token of the organizer with
/// `consultations:write`.
pub fn can_manage_consultation(principal: &Principal, organizer_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        organizer_id,
        Scope::ConsultationsWrite,
        "manage consultations",
    )
}

/// May the principal submit (and amend) comments in the name of this organization?
/// Admins; the organization's editors; a token of that organization with
/// `consultations:comment` — never for another organization.
pub fn can_comment_for(principal: &Principal, submitter_id: i64) -> Result<(), ApiError> {
    match principal {
        Principal::Token(token) => {
            scoped(token, Scope::ConsultationsComment)?;
            if token.organization_id == submitter_id {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "an API token comments only in the name of its own organization",
                ))
            }
        }
        _ => write_for(
            principal,
            submitter_id,
            Scope::ConsultationsComment,
            "comment",
        ),
    }
}

/// May the principal comment at all (for some organization)? Tokens with
/// `consultations:comment`; admins and editors; not viewers.
pub fn can_comment(principal: &Principal) -> Result<(), ApiError> {
    match principal {
        Principal::Token(token) => scoped(token, Scope::ConsultationsComment),
        _ => match person(principal)?.role {
            Role::Viewer => Err(ApiError::forbidden("viewers may not change data")),
            Role::Admin | Role::Editor => Ok(()),
        },
    }
}

/// The organizations a principal comments for when it names none: a token's own
/// organization; an editor's only association (`None` when there is no single one).
pub fn default_submitter(principal: &Principal) -> Option<i64> {
    match principal {
        Principal::Token(token) => Some(token.organization_id),
        Principal::User(user) if user.role == Role::Editor && user.associations.len() == 1 => {
            user.associations.first().copied()
        }
        _ => None,
    }
}

// ------------------------------------------------------------------ good practices

/// Which unpublished (draft, submitted) practices a principal may see: admins all,
/// editors those their organizations implement, a `practices:write` token those of its
/// organization (it must read back what it writes), everyone else none.
pub fn visible_practice_drafts(principal: &Principal) -> DraftVisibility {
    match principal {
        Principal::Token(token) if token.scopes.contains(&Scope::PracticesWrite) => {
            DraftVisibility::OfAssociations(vec![token.organization_id])
        }
        _ => visible_assessment_drafts(principal),
    }
}

/// May the principal see what only the implementer shows: unpublished practices and
/// non-public contacts (personal data)?
pub fn can_see_practice_internals(principal: &Principal, implementer_id: i64) -> bool {
    match visible_practice_drafts(principal) {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&implementer_id),
    }
}

/// May the principal write practices of this implementer (create, change, delete,
/// submit, archive)? Admins, the implementer's editors and its `practices:write` tokens.
pub fn can_write_practice(principal: &Principal, implementer_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        implementer_id,
        Scope::PracticesWrite,
        "write good practices",
    )
}

/// Publishing a practice (the review) is an administrator's decision.
pub fn can_publish_practice(principal: &Principal) -> Result<(), ApiError> {
    require_admin(principal)
}

/// May the principal record (or remove) that this organization took a practice over?
/// Admins, the adopter's editors and its `practices:write` tokens.
pub fn can_record_adoption(principal: &Principal, organization_id: i64) -> Result<(), ApiError> {
    write_for(
        principal,
        organization_id,
        Scope::PracticesWrite,
        "record adoptions",
    )
}

// ------------------------------------------------------------------ the cooperation standard

/// May the principal run assessments of this local government (create, change, delete,
/// move through the lifecycle, issue survey codes)? Admins and the JST's editors; API
/// tokens never.
pub fn can_manage_assessment(principal: &Principal, jst_id: i64) -> Result<(), ApiError> {
    editor_for(principal, jst_id, "run cooperation assessments")
}

/// Which draft assessments a principal may see: admins all, editors those of their
/// local governments, everyone else (tokens included) none.
pub fn visible_assessment_drafts(principal: &Principal) -> DraftVisibility {
    match principal {
        Principal::User(user) if user.role == Role::Admin => DraftVisibility::All,
        Principal::User(user) if user.role == Role::Editor => {
            DraftVisibility::OfAssociations(user.associations.clone())
        }
        _ => DraftVisibility::OfAssociations(Vec::new()),
    }
}

/// May the principal see a JST's draft assessments and its results before they are
/// published?
pub fn can_see_assessment_internals(principal: &Principal, jst_id: i64) -> bool {
    match visible_assessment_drafts(principal) {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&jst_id),
    }
}
