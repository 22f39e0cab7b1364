//! The use cases of memberships: the member list, one membership, add, change and
//! delete, with the rules across memberships and presidency terms.

use super::dto::{
    CreateMembership, Membership, MembershipListQuery, MembershipPath, MembershipSort,
    UpdateMembership,
};
use super::model::{MembershipFields, MembershipRow};
use super::repo::{self, ListFilter, Memberships, Period};
use crate::associations::sub;
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::edit::{self, Edit};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::model::OrganizationRow;
use crate::organizations::repo as organizations;
use crate::pagination::{PageRequest, since};
use crate::write::{self};

/// The member organization of a new membership, if it may be one.
fn admissible_member(
    conn: &mut DbConnection,
    association: &OrganizationRow,
    member_id: i64,
) -> ApiResult<OrganizationRow> {
    if member_id == association.id {
        return Err(ApiError::invalid_field(
            "member_id",
            "self_membership",
            "an organization cannot be a member of itself",
        ));
    }
    let member = organizations::find(conn, member_id)?.ok_or_else(|| {
        ApiError::invalid_field(
            "member_id",
            "not_found",
            format!("organization {member_id} does not exist"),
        )
    })?;
    let kind = association.kind;
    let member_kind = member.kind;
    if !kind.admits_member(member_kind) {
        return Err(ApiError::invalid_field(
            "member_id",
            "invalid_member_kind",
            format!(
                "a member of this {kind} is of kind {}, not {member_kind}",
                kind.member_kinds()
            ),
        ));
    }
    Ok(member)
}

/// 409 when another membership of the same organization shares a day with this one.
fn check_overlap(
    conn: &mut DbConnection,
    fields: &MembershipFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if let Some(other) = repo::overlapping(conn, fields, except_id)? {
        let until = other
            .left_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "now".to_owned());
        return Err(ApiError::new(
            Code::MembershipOverlap,
            format!(
                "organization {} already has membership {} in this association from {} to {until}; \
                 memberships of one organization may not overlap",
                fields.member_id, other.id, other.joined_on
            ),
        ));
    }
    Ok(())
}

/// A changed or deleted membership must still cover every presidency term its
/// member holds in the alliance.
fn check_presidencies_covered(
    conn: &mut DbConnection,
    association_id: i64,
    member_id: i64,
) -> ApiResult<()> {
    for term in crate::associations::presidencies::repo::terms_of(conn, association_id, member_id)?
    {
        if !repo::covers(
            conn,
            association_id,
            member_id,
            term.starts_on,
            term.ends_on,
        )? {
            return Err(ApiError::new(
                Code::MembershipNeededByPresidency,
                format!(
                    "the member holds the presidency from {} to {} (term {}), which needs its \
                     membership on every day of the term; change that presidency first",
                    term.starts_on, term.ends_on, term.id
                ),
            ));
        }
    }
    Ok(())
}

const MEMBERSHIP: sub::Child<Memberships> = sub::Child {
    may: policy::can_manage_members,
    find: find_membership,
};

fn find_membership(
    conn: &mut DbConnection,
    association_id: i64,
    membership_id: i64,
) -> ApiResult<MembershipRow> {
    repo::find(conn, association_id, membership_id)?
        .ok_or_else(|| sub::not_under("membership", membership_id, "association"))
}

fn with_member(conn: &mut DbConnection, row: MembershipRow) -> ApiResult<Membership> {
    let member = sub::linked_organization(conn, row.member_id, "membership without member")?;
    Ok(Membership::new(row, &member))
}

/// `left_on` may not come before `joined_on`.
fn check_dates(fields: &MembershipFields) -> ApiResult<()> {
    sub::check_date_range(("joined_on", fields.joined_on), ("left_on", fields.left_on))
}

crate::listing! {
    /// The members of one association, each with its member organization.
    sub::Under<ListFilter>: MembershipSort, (MembershipRow, OrganizationRow) => Membership;
    rows(list, conn, page) = {
        let association = sub::association(conn, &list.parent)?;
        repo::list(conn, association.id, &list.filter, page)
    };
    cursor(row, sort) = repo::cursor_after(row, sort);
    render(_, rows) = Ok(rows
        .into_iter()
        .map(|(row, member)| Membership::new(row, &member))
        .collect());
}

/// `on` names a day, `current` today (or, `false`, any other time); not both.
pub(crate) fn list_request(
    principal: &Principal,
    id_or_slug: String,
    query: MembershipListQuery,
) -> ApiResult<(sub::Under<ListFilter>, PageRequest<MembershipSort>)> {
    let page = (query.sort, query.cursor.as_deref(), query.limit);
    sub::list_request(principal, id_or_slug, page, || {
        let period = match (query.on, query.current) {
            (Some(_), Some(_)) => {
                return Err(ApiError::new(
                    Code::InvalidQuery,
                    "give either 'on' or 'current', not both",
                ));
            }
            (Some(day), None) => Period::On(day),
            (None, Some(true)) => Period::On(crate::time::today()),
            (None, Some(false)) => Period::NotOn(crate::time::today()),
            (None, None) => Period::Any,
        };
        let updated_since = since(query.updated_since);
        Ok(ListFilter {
            period,
            updated_since,
        })
    })
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    path: MembershipPath,
) -> ApiResult<Membership> {
    let MembershipPath {
        id_or_slug,
        membership_id,
    } = path;
    sub::read(state, principal, id_or_slug, move |conn, association| {
        let row = find_membership(conn, association.id, membership_id)?;
        with_member(conn, row)
    })
    .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    id_or_slug: String,
    body: CreateMembership,
) -> ApiResult<Membership> {
    MEMBERSHIP
        .create(state, principal, id_or_slug, move |conn, who, parent| {
            let fields = body.into_fields(parent.id);
            check_dates(&fields)?;
            let member = admissible_member(conn, &parent, fields.member_id)?;
            repo::lock_association(conn, parent.id)?;
            check_overlap(conn, &fields, None)?;
            let row = write::create::<Memberships>(conn, &who.actor(), &fields, &fields)?;
            Ok(Membership::new(row, &member))
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    path: MembershipPath,
    if_match: IfMatch,
    patch: UpdateMembership,
) -> ApiResult<Membership> {
    let at = (path.id_or_slug, path.membership_id, if_match);
    MEMBERSHIP
        .change(state, principal, at, move |conn, association, held| {
            let edit =
                Edit::<Memberships>::new(held.current, held.expected, |fields| patch.apply(fields));
            if edit.unchanged() {
                return with_member(conn, edit.current);
            }
            check_dates(&edit.fields)?;
            repo::lock_association(conn, association.id)?;
            check_overlap(conn, &edit.fields, Some(edit.current.id))?;
            let row = edit.save(conn, &held.principal.actor())?;
            check_presidencies_covered(conn, association.id, row.member_id)?;
            with_member(conn, row)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    path: MembershipPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let at = (path.id_or_slug, path.membership_id, if_match);
    MEMBERSHIP
        .change(state, principal, at, move |conn, association, held| {
            repo::lock_association(conn, association.id)?;
            edit::delete::<Memberships>(conn, &held)?;
            check_presidencies_covered(conn, association.id, held.current.member_id)
        })
        .await
}
