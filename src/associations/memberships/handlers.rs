//! HTTP layer of memberships.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::dto::{
    CreateMembership, Membership, MembershipListQuery, MembershipPage, MembershipPath,
    UpdateMembership, check_dates,
};
use super::model::{MembershipFields, MembershipRow};
use super::repo::{self, ListFilter, Period};
use crate::auth::{Principal, SignedIn, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::http::AppState;
use crate::http::with_etag;
use crate::organizations::dto::{IdOrSlugPath, parse_kind};
use crate::organizations::model::OrganizationRow;
use crate::organizations::repo as organizations;
use crate::organizations::service::{KindScope, find_in_scope};
use crate::pagination::{Cursor, fetch_size, page_response, split_page};

fn location(association_id: i64, membership_id: i64) -> String {
    format!("/api/v1/associations/{association_id}/members/{membership_id}")
}

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
    let kind = parse_kind(&association.kind);
    let member_kind = parse_kind(&member.kind);
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

fn find_membership(
    conn: &mut DbConnection,
    association_id: i64,
    membership_id: i64,
) -> ApiResult<MembershipRow> {
    repo::find(conn, association_id, membership_id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "membership {membership_id} does not exist in this association"
        ))
    })
}

fn with_member(conn: &mut DbConnection, row: MembershipRow) -> ApiResult<Membership> {
    let member = organizations::find(conn, row.member_id)?
        .ok_or_else(|| ApiError::internal("membership without member"))?;
    Ok(Membership::new(row, &member))
}

/// List the members of an association or alliance.
///
/// Sorted by member name by default (`sort=joined_on` for the order of joining).
/// `on=YYYY-MM-DD` answers who was a member on that day (both `joined_on` and
/// `left_on` count as days of membership); `current=true` is the same for today.
#[utoipa::path(
    tag = "members",
    params(IdOrSlugPath, MembershipListQuery),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "A page of memberships", body = MembershipPage,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/members")]
pub async fn list_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<IdOrSlugPath>,
    query: Query<MembershipListQuery>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let query = query.0;
    let sort = query.sort.unwrap_or_default();
    let after = query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, sort.as_str()))
        .transpose()?;
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
    let id_or_slug = path.into_inner().id_or_slug;
    let limit = query.limit;
    let updated_since = query.updated_since.map(|t| t.naive_utc());
    let rows = state
        .db
        .run(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let filter = ListFilter {
                association_id: association.id,
                period,
                updated_since,
                sort,
                after,
                fetch: fetch_size(limit),
            };
            repo::list(conn, &filter)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| repo::cursor_after(row, sort));
    let page = MembershipPage {
        items: rows
            .into_iter()
            .map(|(row, member)| Membership::new(row, &member))
            .collect(),
        next_cursor,
    };
    Ok(page_response(&req, &page, page.next_cursor.as_deref()))
}

/// One membership.
///
/// A membership of the association named in the path, with its dated `joined_on` and
/// `left_on` (both days of membership); 404 when the id belongs to another association.
#[utoipa::path(
    tag = "members",
    params(MembershipPath),
    security((), ("bearer" = []), ("api_token" = ["associations:read"])),
    responses(
        (status = 200, description = "The membership", body = Membership,
         headers(("ETag" = String, description = "Current version, for `If-Match`"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
    )
)]
#[get("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn get_member(
    state: web::Data<AppState>,
    principal: Principal,
    path: Path<MembershipPath>,
) -> ApiResult<HttpResponse> {
    policy::can_read(&principal, Scope::AssociationsRead)?;
    let MembershipPath {
        id_or_slug,
        membership_id,
    } = path.into_inner();
    let membership = state
        .db
        .run(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            let row = find_membership(conn, association.id, membership_id)?;
            with_member(conn, row)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        membership.version,
        membership,
    ))
}

/// Add a member (editors of the association, administrators).
///
/// Alliances take associations and national associations; associations take local
/// governments (`jst`), else 422 `invalid_member_kind`. A membership that overlaps
/// another of the same organization in this association is 409 `membership_overlap`.
#[utoipa::path(
    tag = "members",
    params(IdOrSlugPath),
    request_body = CreateMembership,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 201, description = "Created", body = Membership,
         headers(("Location" = String, description = "URL of the new membership"), ("ETag" = String, description = "Its version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/associations/{id_or_slug}/members")]
pub async fn create_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<IdOrSlugPath>,
    body: Json<CreateMembership>,
) -> ApiResult<HttpResponse> {
    let id_or_slug = path.into_inner().id_or_slug;
    let body = body.0;
    let membership = state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_members(&principal, association.id)?;
            let fields = body.into_fields(association.id);
            check_dates(&fields)?;
            let member = admissible_member(conn, &association, fields.member_id)?;
            repo::lock_association(conn, association.id)?;
            check_overlap(conn, &fields, None)?;
            let row = repo::insert(conn, &principal.actor(), &fields)?;
            Ok(Membership::new(row, &member))
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        location(membership.association_id, membership.id),
    ));
    Ok(with_etag(response, membership.version, membership))
}

/// Change a membership's dates or basis (JSON merge patch).
///
/// Needs `If-Match`. The member itself cannot change. A change that would leave a
/// presidency term of the member uncovered is 409 `membership_needed_by_presidency`.
#[utoipa::path(
    tag = "members",
    params(MembershipPath, crate::http::responses::IfMatchHeader),
    request_body = UpdateMembership,
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 200, description = "Changed", body = Membership,
         headers(("ETag" = String, description = "The new version"))),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[patch("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MembershipPath>,
    if_match: IfMatch,
    body: Json<UpdateMembership>,
) -> ApiResult<HttpResponse> {
    let MembershipPath {
        id_or_slug,
        membership_id,
    } = path.into_inner();
    let patch = body.0;
    let membership = state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_members(&principal, association.id)?;
            let current = find_membership(conn, association.id, membership_id)?;
            let expected = if_match.expected(current.version)?;
            let mut fields = MembershipFields::from(&current);
            patch.apply(&mut fields);
            check_dates(&fields)?;
            repo::lock_association(conn, association.id)?;
            check_overlap(conn, &fields, Some(current.id))?;
            let row = repo::update(conn, &principal.actor(), &current, expected, &fields)?;
            check_presidencies_covered(conn, association.id, row.member_id)?;
            with_member(conn, row)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        membership.version,
        membership,
    ))
}

/// Delete a membership recorded by mistake (editors of the association, administrators).
///
/// Needs `If-Match`. To record that a member left, set `left_on` instead.
#[utoipa::path(
    tag = "members",
    params(MembershipPath, crate::http::responses::IfMatchHeader),
    security(("bearer" = []), ("api_token" = ["associations:write"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::http::responses::Forbidden),
        (status = 404, response = crate::http::responses::NotFound),
        (status = 409, response = crate::http::responses::Conflict),
        (status = 412, response = crate::http::responses::PreconditionFailed),
        (status = 428, response = crate::http::responses::PreconditionRequired),
    )
)]
#[delete("/associations/{id_or_slug}/members/{membership_id}")]
pub async fn delete_member(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
    path: Path<MembershipPath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let MembershipPath {
        id_or_slug,
        membership_id,
    } = path.into_inner();
    state
        .db
        .transaction(move |conn| {
            let association = find_in_scope(conn, KindScope::Associations, &id_or_slug)?;
            policy::can_manage_members(&principal, association.id)?;
            let current = find_membership(conn, association.id, membership_id)?;
            let expected = if_match.expected(current.version)?;
            repo::lock_association(conn, association.id)?;
            repo::delete(conn, &principal.actor(), &current, expected)?;
            check_presidencies_covered(conn, association.id, current.member_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
