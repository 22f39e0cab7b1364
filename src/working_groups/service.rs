//! The use cases of working groups: the groups of an association, one group, add,
//! change and delete; its members and its meetings. Editors of the association (and
//! administrators) write; everyone reads (`associations:read` for tokens).

use super::dto::{
    CreateMeeting, CreateMember, CreateWorkingGroup, Meeting, MeetingListQuery, MeetingSort,
    Member, MemberListQuery, UpdateMeeting, UpdateMember, UpdateWorkingGroup,
    WorkingGroupListQuery, WorkingGroupPath,
};
use super::model::{MeetingFields, MeetingRow, MeetingState, MemberFields, MemberRow};
use super::model::{WorkingGroupFields, WorkingGroupRow};
use super::repo::{self, Meetings, Members, WorkingGroups};
use crate::associations::sub;
use crate::auth::{Principal, policy};
use crate::db::DbConnection;
use crate::domain::Scope;
use crate::edit::{self, Edit, Guard};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::service::Summaries;
use crate::pagination::{ById, Cursor, PageRequest, since};
use crate::write::{self, Expected};

pub(crate) fn location(id: i64) -> String {
    format!("/api/v1/working-groups/{id}")
}

fn find(conn: &mut DbConnection, id: i64) -> ApiResult<WorkingGroupRow> {
    repo::find(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("working group {id} does not exist")))
}

/// The group a write changes (or changes something of): 404, then 403.
const MANAGED: Guard<WorkingGroups> = Guard {
    load: |conn, _, id| find(conn, id),
    may: |principal, group| policy::can_write_organization(principal, group.association_id),
};

/// A write under one group, in one transaction: 404 for the group, then 403.
async fn in_group<T, F>(state: &AppState, principal: Principal, id: i64, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &Principal, WorkingGroupRow) -> ApiResult<T> + Send + 'static,
{
    MANAGED.within(state, &principal, id, work).await
}

fn check_dates(fields: &WorkingGroupFields) -> ApiResult<()> {
    match fields.established_on {
        Some(start) => sub::check_date_range(
            ("established_on", start),
            ("dissolved_on", fields.dissolved_on),
        ),
        None => Ok(()),
    }
}

fn name_taken(name: &str) -> ApiError {
    ApiError::new(
        Code::AlreadyExists,
        format!("the association has a working group named '{name}' already"),
    )
}

// ------------------------------------------------------------------ groups

crate::listing! {
    /// The working groups of one association, in the order they were added.
    sub::Under<Option<chrono::NaiveDateTime>>: ById, WorkingGroupRow => super::dto::WorkingGroup;
    rows(list, conn, page) = {
        let association = sub::association(conn, &list.parent)?;
        repo::list(conn, association.id, list.filter, page)
    };
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(_, rows) = Ok(rows.into_iter().map(Into::into).collect());
}

pub(crate) fn list_request(
    principal: &Principal,
    id_or_slug: String,
    query: WorkingGroupListQuery,
) -> ApiResult<(sub::Under<Option<chrono::NaiveDateTime>>, PageRequest<ById>)> {
    let page = (None, query.cursor.as_deref(), query.limit);
    sub::list_request(principal, id_or_slug, page, || {
        Ok(since(query.updated_since))
    })
}

pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<WorkingGroupRow> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    state.run(move |conn| find(conn, id)).await
}

/// Inserts a group after its checks (call inside a transaction; the demo data set uses
/// it too).
pub fn insert(
    conn: &mut DbConnection,
    actor: &write::Actor,
    fields: &WorkingGroupFields,
) -> ApiResult<WorkingGroupRow> {
    check_dates(fields)?;
    if repo::find_by_name(conn, fields.association_id, &fields.name)?.is_some() {
        return Err(name_taken(&fields.name));
    }
    write::create::<WorkingGroups>(conn, actor, fields, fields)
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    id_or_slug: String,
    body: CreateWorkingGroup,
) -> ApiResult<WorkingGroupRow> {
    sub::write(state, id_or_slug, move |conn, association| {
        policy::can_write_organization(&principal, association.id)?;
        insert(conn, &principal.actor(), &body.into_fields(association.id))
    })
    .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    WorkingGroupPath { id }: WorkingGroupPath,
    if_match: IfMatch,
    patch: UpdateWorkingGroup,
) -> ApiResult<WorkingGroupRow> {
    MANAGED
        .change(state, &principal, (id, if_match), move |conn, held| {
            let edit = Edit::<WorkingGroups>::new(held.current, held.expected, |f| patch.apply(f));
            check_dates(&edit.fields)?;
            if edit.unchanged() {
                return Ok(edit.current);
            }
            if edit.fields.name != edit.before.name
                && repo::find_by_name(conn, edit.fields.association_id, &edit.fields.name)?
                    .is_some()
            {
                return Err(name_taken(&edit.fields.name));
            }
            edit.save(conn, &held.principal.actor())
        })
        .await
}

/// Deletes a group that has neither members nor meetings (409 `still_referenced`).
pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    WorkingGroupPath { id }: WorkingGroupPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    MANAGED
        .change(state, &principal, (id, if_match), move |conn, held| {
            if repo::child_count(conn, id)? > 0 {
                return Err(ApiError::new(
                    Code::StillReferenced,
                    "the working group has members or meetings; dissolve it (dissolved_on) instead",
                ));
            }
            edit::delete::<WorkingGroups>(conn, &held)
        })
        .await
}

// ------------------------------------------------------------------ members

/// The member of this group (404 for one of another group).
fn member_of(conn: &mut DbConnection, group_id: i64, member_id: i64) -> ApiResult<MemberRow> {
    repo::find_member(conn, group_id, member_id)?
        .ok_or_else(|| sub::not_under("member", member_id, "working group"))
}

fn check_member_dates(fields: &MemberFields) -> ApiResult<()> {
    match fields.from_on {
        Some(from) => sub::check_date_range(("from", from), ("to", fields.to_on)),
        None => Ok(()),
    }
}

fn render_members(conn: &mut DbConnection, rows: Vec<MemberRow>) -> ApiResult<Vec<Member>> {
    let summaries = Summaries::fetch(conn, rows.iter().map(|r| r.organization_id).collect())?;
    rows.into_iter()
        .map(|row| {
            let organization = summaries.get(row.organization_id)?;
            Ok(Member::new(row, organization))
        })
        .collect()
}

fn render_member(conn: &mut DbConnection, row: MemberRow) -> ApiResult<Member> {
    render_members(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("member vanished"))
}

/// `GET /working-groups/{id}/members` and `/meetings`: the group, and the filter.
pub(crate) struct OfGroup {
    group_id: i64,
    since: Option<chrono::NaiveDateTime>,
}

/// The members of a group, in the order they were added.
pub(crate) struct MemberList(OfGroup);

crate::listing! {
    MemberList: ById, MemberRow => Member;
    rows(list, conn, page) = {
        find(conn, list.0.group_id)?;
        repo::members(conn, list.0.group_id, list.0.since, page)
    };
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = render_members(conn, rows);
}

pub(crate) fn member_list_request(
    principal: &Principal,
    group_id: i64,
    query: MemberListQuery,
) -> ApiResult<(MemberList, PageRequest<ById>)> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        MemberList(OfGroup {
            group_id,
            since: since(query.updated_since),
        }),
        page,
    ))
}

pub(crate) async fn get_member(
    state: &AppState,
    principal: &Principal,
    (group_id, member_id): (i64, i64),
) -> ApiResult<Member> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    state
        .run(move |conn| {
            find(conn, group_id)?;
            let row = member_of(conn, group_id, member_id)?;
            render_member(conn, row)
        })
        .await
}

/// Adds an organization to a group (call inside a transaction; the demo data set uses
/// it too): it must exist (422) and not be in the group already (409 `already_exists`).
pub fn add_member(
    conn: &mut DbConnection,
    actor: &write::Actor,
    fields: &MemberFields,
) -> ApiResult<MemberRow> {
    check_member_dates(fields)?;
    if crate::organizations::repo::find(conn, fields.organization_id)?.is_none() {
        return Err(ApiError::invalid_field(
            "organization_id",
            "not_found",
            format!("organization {} does not exist", fields.organization_id),
        ));
    }
    if repo::is_member(conn, fields.working_group_id, fields.organization_id)? {
        return Err(ApiError::new(
            Code::AlreadyExists,
            format!(
                "organization {} is in the working group already",
                fields.organization_id
            ),
        ));
    }
    write::create::<Members>(conn, actor, fields, fields)
}

pub(crate) async fn create_member(
    state: &AppState,
    principal: Principal,
    group_id: i64,
    body: CreateMember,
) -> ApiResult<Member> {
    in_group(state, principal, group_id, move |conn, principal, _| {
        let fields = MemberFields {
            working_group_id: group_id,
            organization_id: body.organization_id,
            role: body.role,
            from_on: body.from,
            to_on: body.to,
        };
        let row = add_member(conn, &principal.actor(), &fields)?;
        render_member(conn, row)
    })
    .await
}

/// Changes a member's role or period (`to` not before `from`, 422).
pub(crate) async fn update_member(
    state: &AppState,
    principal: Principal,
    (group_id, member_id): (i64, i64),
    if_match: IfMatch,
    patch: UpdateMember,
) -> ApiResult<Member> {
    in_group(state, principal, group_id, move |conn, principal, _| {
        let current = member_of(conn, group_id, member_id)?;
        let edit = Edit::<Members>::begin(current, &if_match, |f| patch.apply(f))?;
        check_member_dates(&edit.fields)?;
        if edit.unchanged() {
            return render_member(conn, edit.current);
        }
        let row = edit.save(conn, &principal.actor())?;
        render_member(conn, row)
    })
    .await
}

/// Removes a member recorded by mistake; `to` records that it left.
pub(crate) async fn remove_member(
    state: &AppState,
    principal: Principal,
    (group_id, member_id): (i64, i64),
    if_match: IfMatch,
) -> ApiResult<()> {
    in_group(state, principal, group_id, move |conn, principal, _| {
        let current = member_of(conn, group_id, member_id)?;
        edit::remove::<Members>(conn, &principal.actor(), &current, &if_match)
    })
    .await
}

// ------------------------------------------------------------------ meetings

/// The meeting of this group (404 for one of another group).
fn meeting_of(conn: &mut DbConnection, group_id: i64, meeting_id: i64) -> ApiResult<MeetingRow> {
    repo::find_meeting(conn, group_id, meeting_id)?
        .ok_or_else(|| sub::not_under("meeting", meeting_id, "working group"))
}

/// The positions a meeting of `group` may name, in id order without repeats: every one
/// must exist and be citable (422).
fn citable(
    conn: &mut DbConnection,
    group: &WorkingGroupRow,
    mut position_ids: Vec<i64>,
) -> ApiResult<Vec<i64>> {
    position_ids.sort_unstable();
    position_ids.dedup();
    let citable = repo::citable_positions(conn, group.association_id, &position_ids)?;
    if let Some(missing) = position_ids.iter().find(|id| !citable.contains(id)) {
        return Err(ApiError::invalid_field(
            "position_ids",
            "not_found",
            format!("position {missing} does not exist"),
        ));
    }
    Ok(position_ids)
}

fn render_meetings(conn: &mut DbConnection, rows: Vec<MeetingRow>) -> ApiResult<Vec<Meeting>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut positions = repo::positions_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let discussed = positions.remove(&row.id).unwrap_or_default();
            Meeting::new(row, discussed)
        })
        .collect())
}

fn render_meeting(conn: &mut DbConnection, row: MeetingRow) -> ApiResult<Meeting> {
    render_meetings(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("meeting vanished"))
}

/// The meetings of a group, earliest first.
pub(crate) struct MeetingList(OfGroup);

crate::listing! {
    MeetingList: MeetingSort, MeetingRow => Meeting;
    rows(list, conn, page) = {
        find(conn, list.0.group_id)?;
        repo::meetings(conn, list.0.group_id, list.0.since, page)
    };
    cursor(row, sort) = repo::meeting_cursor(row, sort);
    render(conn, rows) = render_meetings(conn, rows);
}

pub(crate) fn meeting_list_request(
    principal: &Principal,
    group_id: i64,
    query: MeetingListQuery,
) -> ApiResult<(MeetingList, PageRequest<MeetingSort>)> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        MeetingList(OfGroup {
            group_id,
            since: since(query.updated_since),
        }),
        page,
    ))
}

pub(crate) async fn get_meeting(
    state: &AppState,
    principal: &Principal,
    (group_id, meeting_id): (i64, i64),
) -> ApiResult<Meeting> {
    policy::can_read(principal, Scope::AssociationsRead)?;
    state
        .run(move |conn| {
            find(conn, group_id)?;
            let row = meeting_of(conn, group_id, meeting_id)?;
            render_meeting(conn, row)
        })
        .await
}

/// Records a meeting with the positions it discussed (call inside a transaction; the
/// demo data set uses it too): every position must exist and be citable (422).
pub fn add_meeting(
    conn: &mut DbConnection,
    actor: &write::Actor,
    group: &WorkingGroupRow,
    fields: &MeetingFields,
    position_ids: Vec<i64>,
) -> ApiResult<MeetingRow> {
    let position_ids = citable(conn, group, position_ids)?;
    let snapshot = MeetingState {
        fields,
        position_ids: &position_ids,
    };
    let row = write::create::<Meetings>(conn, actor, fields, &snapshot)?;
    repo::insert_positions(conn, row.id, &position_ids)?;
    Ok(row)
}

pub(crate) async fn create_meeting(
    state: &AppState,
    principal: Principal,
    group_id: i64,
    body: CreateMeeting,
) -> ApiResult<Meeting> {
    in_group(state, principal, group_id, move |conn, principal, group| {
        let fields = MeetingFields {
            working_group_id: group_id,
            held_on: body.date,
            place: body.place(),
            agenda: body.agenda,
            minutes: body.minutes,
        };
        let row = add_meeting(conn, &principal.actor(), &group, &fields, body.position_ids)?;
        render_meeting(conn, row)
    })
    .await
}

/// Changes a meeting and, when the patch names them, the positions discussed (checked as
/// on create); the audit record keeps both.
pub(crate) async fn update_meeting(
    state: &AppState,
    principal: Principal,
    (group_id, meeting_id): (i64, i64),
    if_match: IfMatch,
    patch: UpdateMeeting,
) -> ApiResult<Meeting> {
    in_group(state, principal, group_id, move |conn, principal, group| {
        let current = meeting_of(conn, group_id, meeting_id)?;
        let discussed = discussed(conn, current.id)?;
        let mut named = None;
        let edit = Edit::<Meetings>::begin(current, &if_match, |f| named = patch.apply(f))?;
        let positions = match named {
            Some(ids) => citable(conn, &group, ids)?,
            None => discussed.clone(),
        };
        if edit.unchanged() && positions == discussed {
            return render_meeting(conn, edit.current);
        }
        let before = MeetingState {
            fields: &edit.before,
            position_ids: &discussed,
        };
        let after = MeetingState {
            fields: &edit.fields,
            position_ids: &positions,
        };
        let row = write::update::<Meetings, _>(
            conn,
            &principal.actor(),
            &edit.current,
            edit.expected,
            &edit.fields,
            (&before, &after),
        )?;
        if positions != discussed {
            repo::replace_positions(conn, row.id, &positions)?;
        }
        render_meeting(conn, row)
    })
    .await
}

/// Deletes a meeting recorded by mistake, with its links to the positions discussed
/// (the audit record keeps them).
pub(crate) async fn remove_meeting(
    state: &AppState,
    principal: Principal,
    (group_id, meeting_id): (i64, i64),
    if_match: IfMatch,
) -> ApiResult<()> {
    in_group(state, principal, group_id, move |conn, principal, _| {
        let current = meeting_of(conn, group_id, meeting_id)?;
        let expected = Expected::from_header(&if_match, current.version)?;
        let fields = MeetingFields::from(&current);
        let position_ids = discussed(conn, current.id)?;
        let snapshot = MeetingState {
            fields: &fields,
            position_ids: &position_ids,
        };
        write::delete::<Meetings>(conn, &principal.actor(), &current, expected, &snapshot)
    })
    .await
}

/// The positions one meeting discussed, in id order.
fn discussed(conn: &mut DbConnection, meeting_id: i64) -> ApiResult<Vec<i64>> {
    Ok(repo::positions_of(conn, &[meeting_id])?
        .remove(&meeting_id)
        .unwrap_or_default())
}
