//! The use cases of positions: each loads what it needs (404 for drafts the caller may
//! not see), authorizes (`auth::policy`), checks `If-Match`, applies the request, checks
//! the rules across fields and the lifecycle, and writes through `repo` inside one
//! transaction. The synchronous rules (`insert_draft`, `write_update`, `move_position`,
//! `record_reply`) are shared with the seeds.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::dto::{
    CoSignRequest, CreatePosition, CreateResponse, Position, PositionHistory, PositionListQuery,
    PositionPath, PositionSort, PositionTransition, TransitionRequest, UpdatePosition,
    normalize_topic,
};
use super::model::{
    AttachmentData, CoSignerRow, NewResponse, PositionFields, PositionLinks, PositionRow,
    PositionState,
};
use super::repo::{self, ListFilter, Positions};
use crate::auth::Principal;
use crate::auth::policy::{self, DraftVisibility};
use crate::db::DbConnection;
use crate::domain::{OrganizationKind, PositionNumber, PositionStatus, fold_for_search};
use crate::edit::Guard;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::model::OrganizationRow;
use crate::pagination::PageRequest;
use crate::write::{Actor, Expected};

/// How often an adoption is retried when a concurrent one took its number.
const NUMBERING_ATTEMPTS: usize = 3;

pub(crate) fn location(id: i64) -> String {
    format!("/api/v1/positions/{id}")
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("position {id} does not exist"))
}

/// The position, if this principal may see it: drafts (and drafts withdrawn before
/// adoption) only for admins and editors of the adopting association; 404 for others,
/// as if it did not exist.
fn load_visible(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<PositionRow> {
    repo::find(conn, id)?
        .filter(|row| row.published || policy::can_see_draft(principal, row.association_id))
        .ok_or_else(|| not_found(id))
}

/// Every signature added, withdrawn or redated through the position's own body needs
/// what `POST`/`DELETE /positions/{id}/co-signers/{organization_id}` need; signatures
/// left as they were do not.
fn check_co_signer_changes(
    principal: &Principal,
    before: &[CoSignerRow],
    after: &[CoSignerRow],
) -> ApiResult<()> {
    let changed = before
        .iter()
        .filter(|signer| !after.contains(signer))
        .chain(after.iter().filter(|signer| !before.contains(signer)));
    for signer in changed {
        policy::can_co_sign(principal, signer.organization_id)?;
    }
    Ok(())
}

/// Organization ids are positive: a path naming `0` is malformed (400), whatever the
/// state of the position (it would otherwise meet the If-Match check first).
fn check_organization_id(organization_id: i64) -> ApiResult<()> {
    if organization_id < 1 {
        return Err(ApiError::new(
            Code::InvalidPath,
            "a path parameter is not valid (ids are positive whole numbers)",
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------ the list

/// `GET /positions`: a page of positions, each with its association, without bodies.
pub(crate) struct PositionList(ListFilter);

crate::listing! {
    PositionList: PositionSort, crate::db::read_docs::Stored => Box<serde_json::value::RawValue>;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = crate::pagination::Cursor::after_stored(sort, row);
    render(conn, rows) = super::read::page_items(conn, rows);
    // Only what everyone sees: a caller who may see drafts gets them rendered now. A
    // search (`q`) reads the search index's own rules, so it is not kept either.
    cache(list, page) = (matches!(&list.0.drafts, DraftVisibility::OfAssociations(ids) if ids.is_empty())
        && list.0.q.is_none())
    .then(|| page.cache_key(super::read::KIND, &list.0));
    cacheable(rows) = crate::db::read_docs::all_stored(rows);
}

/// The list a principal asked for: drafts only as far as it may see them.
pub(crate) fn list_request(
    principal: &Principal,
    query: PositionListQuery,
) -> ApiResult<(PositionList, PageRequest<PositionSort>)> {
    if let (Some(from), Some(to)) = (query.adopted_from, query.adopted_to)
        && from > to
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("adopted_from ({from}) is after adopted_to ({to})"),
        ));
    }
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let filter = ListFilter {
        drafts: policy::visible_drafts(principal),
        association: query.association,
        kind: query.kind,
        status: query.status,
        topic: query.topic.as_deref().map(normalize_topic),
        adopted_from: query.adopted_from,
        adopted_to: query.adopted_to,
        register_number: query.register_number.map(String::from),
        addressee: query.addressee,
        co_signer: query.co_signer,
        q: query.q.as_deref().map(fold_for_search),
        updated_since: query.updated_since.map(|t| t.naive_utc()),
    };
    Ok((PositionList(filter), page))
}

// ------------------------------------------------------------------ the use cases

/// A position as `GET /positions/{id}` answers it.
pub(crate) type Found = crate::http::Found<Position>;

impl crate::http::Versioned for Position {
    fn version(&self) -> i64 {
        self.version
    }
}

pub(crate) async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Found> {
    let principal = principal.clone();
    state
        .run(move |conn| {
            if let Some((version, doc)) = crate::db::read_docs::find(conn, super::read::KIND, id)? {
                return Ok(Found::Stored(version, doc));
            }
            // Two statements: the row with its association, then everything related.
            let row = repo::find_with_association(conn, id)?
                .filter(|(row, _)| {
                    row.published || policy::can_see_draft(&principal, row.association_id)
                })
                .ok_or_else(|| not_found(id))?;
            repo::with_related(conn, vec![row])?
                .pop()
                .map(|position| Found::Rendered(Box::new(position)))
                .ok_or_else(|| not_found(id))
        })
        .await
}

/// A position as a write finds it: locked first (`begin_write`), then as the caller sees
/// it (404, also for a draft the caller may not see).
fn locked(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<PositionRow> {
    repo::begin_write(conn, Some(id))?;
    load_visible(conn, principal, id)
}

/// The writes of the adopting association (its editors, administrators): 403 otherwise.
const WRITABLE: Guard<Positions> = Guard {
    load: locked,
    may: |principal, current| policy::can_write_position(principal, current.association_id),
};

/// Co-signing: the right is the co-signer's, decided by the use case.
const CO_SIGNED: Guard<Positions> = Guard {
    load: locked,
    may: |_, _| Ok(()),
};

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    body: CreatePosition,
) -> ApiResult<Position> {
    policy::can_write_position(principal, body.association_id)?;
    let (fields, links) = body.into_parts();
    check_co_signer_changes(principal, &[], &links.co_signers)?;
    let actor = principal.actor();
    let consultations = policy::visible_consultation_drafts(principal);
    state
        .transaction(move |conn| {
            repo::begin_write(conn, None)?;
            let row = insert_draft(conn, &actor, &consultations, fields, links)?;
            repo::find_full(conn, row)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    PositionPath { id }: PositionPath,
    if_match: IfMatch,
    patch: UpdatePosition,
) -> ApiResult<Position> {
    WRITABLE
        .change(state, principal, (id, if_match), move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            let principal = &principal;
            if let Some(association_id) = patch.association_id
                && association_id != current.association_id
            {
                policy::can_write_position(principal, association_id)?;
            }
            let current_links = repo::links(conn, id)?;
            let mut fields = PositionFields::from(current.clone());
            let mut links = current_links.clone();
            patch.apply(&mut fields, &mut links);
            check_co_signer_changes(principal, &current_links.co_signers, &links.co_signers)?;
            let row = write_update(
                conn,
                &principal.actor(),
                &policy::visible_consultation_drafts(principal),
                &current,
                current_links,
                expected,
                fields,
                links,
            )?;
            repo::find_full(conn, row)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    PositionPath { id }: PositionPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    WRITABLE
        .change(state, principal, (id, if_match), move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            let principal = &principal;
            let status = current.status;
            if !matches!(status, PositionStatus::Draft | PositionStatus::Withdrawn) {
                return Err(ApiError::new(
                    Code::PositionNotDeletable,
                    format!(
                        "a position in status '{status}' is part of the record; withdraw it first \
                     (POST /positions/{}/transitions with {{\"to\": \"withdrawn\"}})",
                        current.id
                    ),
                ));
            }
            let snapshot = PositionState {
                fields: PositionFields::from(current.clone()),
                links: repo::links(conn, current.id)?,
            };
            repo::delete(conn, &principal.actor(), &current, expected, &snapshot)
        })
        .await
}

pub(crate) async fn transition(
    state: &AppState,
    principal: &Principal,
    PositionPath { id }: PositionPath,
    if_match: IfMatch,
    body: TransitionRequest,
) -> ApiResult<Position> {
    let request = Move {
        to: body.to,
        on: body.on,
        note: body.note.map(|n| n.trim().to_owned()),
    };
    let mut attempt = 1;
    loop {
        let (if_match, request) = (if_match.clone(), request.clone());
        let result = WRITABLE
            .change(state, principal, (id, if_match), move |conn, held| {
                let (principal, current, expected) = held.into_parts();
                let principal = &principal;
                let row = move_position(conn, &principal.actor(), &current, expected, &request)?;
                repo::find_full(conn, row)
            })
            .await;
        match result {
            // A concurrent adoption took the number between our read and our write: the
            // unique index refused it; the next attempt reads the new highest number.
            Err(error) if error.code() == Code::AlreadyExists && attempt < NUMBERING_ATTEMPTS => {
                attempt += 1;
            }
            other => return other,
        }
    }
}

pub(crate) async fn history(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<PositionHistory> {
    let principal = principal.clone();
    let rows = state
        .run(move |conn| {
            load_visible(conn, &principal, id)?;
            repo::history(conn, id)
        })
        .await?;
    Ok(PositionHistory {
        items: rows
            .into_iter()
            .map(|row| PositionTransition {
                id: row.id,
                from: row.from_status,
                to: row.to_status,
                on: row.on_date,
                note: row.note,
                actor_user_id: row.actor_user_id,
                created_at: crate::time::to_utc(row.created_at),
            })
            .collect(),
    })
}

pub(crate) async fn co_sign(
    state: &AppState,
    principal: &Principal,
    id: i64,
    organization_id: i64,
    body: CoSignRequest,
) -> ApiResult<Position> {
    check_organization_id(organization_id)?;
    let signer = CoSignerRow {
        organization_id,
        signed_on: body.signed_on.unwrap_or_else(crate::time::today),
    };
    CO_SIGNED
        .within(state, principal, id, move |conn, principal, current| {
            policy::can_co_sign(principal, organization_id)?;
            check_co_signing_open(current.status)?;
            if crate::organizations::repo::find(conn, organization_id)?.is_none() {
                return Err(ApiError::not_found(format!(
                    "organization {organization_id} does not exist"
                )));
            }
            if organization_id == current.association_id {
                return Err(ApiError::new(
                    Code::OwnPosition,
                    "the adopting association does not co-sign its own position",
                ));
            }
            if repo::co_signer(conn, current.id, organization_id)?.is_some() {
                return Err(ApiError::new(
                    Code::AlreadyCoSigned,
                    format!("organization {organization_id} has already co-signed this position"),
                ));
            }
            let row = repo::add_co_signer(conn, &principal.actor(), &current, &signer)?;
            repo::find_full(conn, row)
        })
        .await
}

pub(crate) async fn remove_co_signer(
    state: &AppState,
    principal: &Principal,
    id: i64,
    organization_id: i64,
    if_match: IfMatch,
) -> ApiResult<()> {
    check_organization_id(organization_id)?;
    CO_SIGNED
        .within(state, principal, id, move |conn, principal, current| {
            policy::can_co_sign(principal, organization_id)?;
            let expected = Expected::from_header(&if_match, current.version)?;
            check_co_signing_open(current.status)?;
            let Some(signer) = repo::co_signer(conn, current.id, organization_id)? else {
                return Err(ApiError::not_found(format!(
                    "organization {organization_id} has not co-signed position {}",
                    current.id
                )));
            };
            repo::remove_co_signer(conn, &principal.actor(), &current, expected, &signer)?;
            Ok(())
        })
        .await
}

pub(crate) async fn add_response(
    state: &AppState,
    principal: &Principal,
    id: i64,
    body: CreateResponse,
) -> ApiResult<Position> {
    let attachment = body.attachment.map(AttachmentData::from);
    let response = NewResponse {
        position_id: id,
        received_on: body.received_on,
        from_organization_id: body.from_id,
        summary: body.summary.trim().to_owned(),
        attachment_title: attachment.as_ref().map(|a| a.title.clone()),
        attachment_url: attachment.as_ref().map(|a| a.url.clone()),
        attachment_media_type: attachment.as_ref().and_then(|a| a.media_type.clone()),
        attachment_size_bytes: attachment.as_ref().and_then(|a| a.size_bytes),
        created_at: crate::time::now(),
    };
    WRITABLE
        .within(state, principal, id, move |conn, principal, current| {
            let row = record_reply(conn, &principal.actor(), &current, response)?;
            repo::find_full(conn, row)
        })
        .await
}

// ------------------------------------------------------------------ the rules

/// 422 listing every broken rule, or nothing.
fn validated(errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn duplicates(ids: impl IntoIterator<Item = i64>) -> Option<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().find(|id| !seen.insert(*id))
}

/// Rules across fields, checked on the complete new state (after create or patch).
fn check_consistency(fields: &PositionFields, links: &PositionLinks) -> ApiResult<()> {
    let status = fields.status;
    let mut errors = Vec::new();
    if status.is_adopted() {
        for (field, present) in [
            ("title", fields.title.is_some()),
            (
                "body",
                fields.body.as_deref().is_some_and(|b| !b.trim().is_empty()),
            ),
            ("adopted_on", fields.adopted_on.is_some()),
            ("number", fields.number.is_some()),
        ] {
            if !present {
                errors.push(FieldError::new(
                    field,
                    "required",
                    format!("an adopted position keeps its {field}"),
                ));
            }
        }
    }
    match (status.is_sent(), fields.sent_on) {
        (true, None) => errors.push(FieldError::new(
            "sent_on",
            "required",
            "a sent position keeps its date of sending",
        )),
        (false, Some(_)) if status != PositionStatus::Withdrawn => errors.push(FieldError::new(
            "sent_on",
            "set_by_transition",
            "sent_on is set by the move to 'sent' (POST /positions/{id}/transitions)",
        )),
        _ => {}
    }
    if let (Some(adopted), Some(sent)) = (fields.adopted_on, fields.sent_on)
        && sent < adopted
    {
        errors.push(FieldError::new(
            "sent_on",
            "before_adoption",
            format!("a position adopted on {adopted} cannot be sent on {sent}"),
        ));
    }
    if let (Some(year), Some(adopted)) = (fields.number_year, fields.adopted_on)
        && year != adopted.year()
    {
        errors.push(FieldError::new(
            "number",
            "number_year_mismatch",
            format!(
                "the number names the year {year} but the position is adopted in {}",
                adopted.year()
            ),
        ));
    }
    if let Some(id) = duplicates(links.addressee_ids.iter().copied()) {
        errors.push(FieldError::new(
            "addressee_ids",
            "duplicate_value",
            format!("organization {id} is listed twice"),
        ));
    }
    if let Some(id) = duplicates(links.co_signers.iter().map(|c| c.organization_id)) {
        errors.push(FieldError::new(
            "co_signers",
            "duplicate_value",
            format!("organization {id} co-signs twice"),
        ));
    }
    if links
        .co_signers
        .iter()
        .any(|c| c.organization_id == fields.association_id)
    {
        errors.push(FieldError::new(
            "co_signers",
            "own_association",
            "the adopting association does not co-sign its own position",
        ));
    }
    validated(errors)
}

/// Every referenced organization (and the consultation answered, among those in
/// `consultations`) must exist, and the adopting one be an association or alliance:
/// 422 naming the field otherwise. A draft consultation the writer may not see is
/// answered as a missing one, so that its id gives nothing away.
fn check_references(
    conn: &mut DbConnection,
    consultations: &DraftVisibility,
    fields: &PositionFields,
    links: &PositionLinks,
) -> ApiResult<()> {
    let mut ids: Vec<i64> = vec![fields.association_id];
    ids.extend(&links.addressee_ids);
    ids.extend(links.co_signers.iter().map(|c| c.organization_id));
    let found: HashMap<i64, OrganizationRow> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut errors = Vec::new();
    match found.get(&fields.association_id) {
        None => errors.push(FieldError::new(
            "association_id",
            "not_found",
            format!("organization {} does not exist", fields.association_id),
        )),
        Some(organization) if !organization.kind.is_association() => errors.push(FieldError::new(
            "association_id",
            "not_an_association",
            format!(
                "'{}' is not an association or alliance ({})",
                organization.name,
                OrganizationKind::ASSOCIATIONS
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        Some(_) => {}
    }
    if let Some(missing) = links
        .addressee_ids
        .iter()
        .find(|id| !found.contains_key(id))
    {
        errors.push(FieldError::new(
            "addressee_ids",
            "not_found",
            format!("organization {missing} does not exist"),
        ));
    }
    if let Some(missing) = links
        .co_signers
        .iter()
        .find(|c| !found.contains_key(&c.organization_id))
    {
        errors.push(FieldError::new(
            "co_signers",
            "not_found",
            format!("organization {} does not exist", missing.organization_id),
        ));
    }
    if let Some(consultation_id) = fields.consultation_id
        && !repo::consultation_visible(conn, consultation_id, consultations)?
    {
        errors.push(FieldError::new(
            "consultation_id",
            "not_found",
            format!("consultation {consultation_id} does not exist"),
        ));
    }
    validated(errors)
}

/// A given number must be free within its association and year (409 otherwise).
fn check_number_free(
    conn: &mut DbConnection,
    fields: &PositionFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    let (Some(year), Some(seq)) = (fields.number_year, fields.number_seq) else {
        return Ok(());
    };
    if let Some(other) = repo::number_holder(conn, fields.association_id, (year, seq), except_id)? {
        return Err(ApiError::new(
            Code::NumberTaken,
            format!(
                "the number {seq}/{year} is already used by position {other} of this association"
            ),
        ));
    }
    Ok(())
}

/// The next number of the year: one more than the highest (read under the numbering
/// lock).
fn next_number(
    conn: &mut DbConnection,
    association_id: i64,
    year: i32,
) -> ApiResult<PositionNumber> {
    let seq = repo::highest_number(conn, association_id, year)?.unwrap_or(0) + 1;
    PositionNumber::new(seq, year)
        .ok_or_else(|| ApiError::internal(format!("no valid number {seq}/{year}")))
}

/// Co-signing is possible only before the position is sent (and while it stands).
fn check_co_signing_open(status: PositionStatus) -> ApiResult<()> {
    if status.is_sent() {
        return Err(ApiError::new(
            Code::PositionAlreadySent,
            "the position has been sent; its co-signers can no longer change",
        ));
    }
    if status == PositionStatus::Withdrawn {
        return Err(ApiError::new(
            Code::PositionWithdrawn,
            "the position has been withdrawn; it can no longer be co-signed",
        ));
    }
    Ok(())
}

/// Canonical order of the written lists, so that equal sets compare equal.
fn canonical(mut links: PositionLinks) -> PositionLinks {
    links.topics.sort();
    links.addressee_ids.sort_unstable();
    links.co_signers.sort_by_key(|c| c.organization_id);
    links
}

/// Inserts a draft, its related rows, its first history entry and its audit record
/// (call inside a transaction, after [`repo::begin_write`]). `consultations` are the
/// drafts the actor may see (and so answer).
pub fn insert_draft(
    conn: &mut DbConnection,
    actor: &Actor,
    consultations: &DraftVisibility,
    fields: PositionFields,
    links: PositionLinks,
) -> ApiResult<PositionRow> {
    let links = canonical(links);
    check_consistency(&fields, &links)?;
    check_references(conn, consultations, &fields, &links)?;
    check_number_free(conn, &fields, None)?;
    repo::insert(conn, actor, &PositionState { fields, links })
}

/// Writes the new state of a position if it is still at `expected`. `consultations` are
/// the drafts the actor may see; the one already answered stays.
#[allow(clippy::too_many_arguments)]
pub fn write_update(
    conn: &mut DbConnection,
    actor: &Actor,
    consultations: &DraftVisibility,
    current: &PositionRow,
    current_links: PositionLinks,
    expected: Expected,
    fields: PositionFields,
    links: PositionLinks,
) -> ApiResult<PositionRow> {
    let before = PositionState {
        fields: PositionFields::from(current.clone()),
        links: canonical(current_links),
    };
    let after = PositionState {
        fields,
        links: canonical(links),
    };
    if before == after {
        return Ok(current.clone());
    }
    let status = current.status;
    if before.fields.association_id != after.fields.association_id
        && status != PositionStatus::Draft
    {
        return Err(ApiError::new(
            Code::PositionNotDraft,
            "only a draft may move to another association",
        ));
    }
    if before.links.co_signers != after.links.co_signers {
        check_co_signing_open(status)?;
    }
    if before.fields.sent_on != after.fields.sent_on && !status.is_sent() {
        return Err(ApiError::invalid_field(
            "sent_on",
            "set_by_transition",
            "sent_on is set by the move to 'sent' (POST /positions/{id}/transitions)",
        ));
    }
    check_consistency(&after.fields, &after.links)?;
    let consultations = if before.fields.consultation_id == after.fields.consultation_id {
        &DraftVisibility::All
    } else {
        consultations
    };
    check_references(conn, consultations, &after.fields, &after.links)?;
    check_number_free(conn, &after.fields, Some(current.id))?;
    repo::update(conn, actor, current, expected, (&before, &after))
}

/// A lifecycle move asked for.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: PositionStatus,
    pub on: Option<NaiveDate>,
    pub note: Option<String>,
}

fn illegal_transition(from: PositionStatus, to: PositionStatus) -> ApiError {
    let allowed = from.allowed_next();
    let detail = if allowed.is_empty() {
        format!(
            "a position in status '{from}' cannot move to '{to}'; allowed: none ('{from}' is final)"
        )
    } else {
        format!(
            "a position in status '{from}' cannot move to '{to}'; allowed: {}",
            allowed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    ApiError::new(Code::IllegalTransition, detail)
}

/// Moves a position through its lifecycle if it is still at `expected`: checks the
/// move, stamps its date, numbers the position on adoption, keeps the move in the
/// history and the audit log.
pub fn move_position(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    expected: Expected,
    request: &Move,
) -> ApiResult<PositionRow> {
    let from = current.status;
    let to = request.to;
    if !from.can_move_to(to) {
        return Err(illegal_transition(from, to));
    }
    let mut fields = PositionFields::from(current.clone());
    let on = match to {
        PositionStatus::Adopted => {
            let adopted_on = request.on.or(fields.adopted_on);
            let mut missing = Vec::new();
            if fields.title.is_none() {
                missing.push(FieldError::new(
                    "title",
                    "required_for_adoption",
                    "a position is adopted only with a title",
                ));
            }
            if fields.body.as_deref().is_none_or(|b| b.trim().is_empty()) {
                missing.push(FieldError::new(
                    "body",
                    "required_for_adoption",
                    "a position is adopted only with a body",
                ));
            }
            if adopted_on.is_none() {
                missing.push(FieldError::new(
                    "adopted_on",
                    "required_for_adoption",
                    "a position is adopted only with an adoption date: give 'on', or set adopted_on on the draft",
                ));
            }
            let Some(adopted_on) = adopted_on.filter(|_| missing.is_empty()) else {
                return Err(ApiError::validation(missing));
            };
            fields.adopted_on = Some(adopted_on);
            fields.published = true;
            adopted_on
        }
        _ => request.on.unwrap_or_else(crate::time::today),
    };
    if let Some(last) = repo::last_move_on(conn, current.id)?
        && on < last
    {
        return Err(ApiError::invalid_field(
            "on",
            "before_previous_move",
            format!(
                "the previous move of this position is dated {last}; a later move cannot be dated {on}"
            ),
        ));
    }
    match to {
        PositionStatus::Sent => fields.sent_on = Some(on),
        PositionStatus::Answered | PositionStatus::Closed => {
            if let Some(sent_on) = fields.sent_on
                && on < sent_on
            {
                return Err(ApiError::invalid_field(
                    "on",
                    "before_previous_move",
                    format!(
                        "the position was sent on {sent_on}; a later move cannot be dated {on}"
                    ),
                ));
            }
        }
        _ => {}
    }
    if to == PositionStatus::Sent
        && let Some(adopted_on) = fields.adopted_on
        && on < adopted_on
    {
        return Err(ApiError::invalid_field(
            "on",
            "before_adoption",
            format!("the position was adopted on {adopted_on}; it cannot be sent on {on}"),
        ));
    }
    fields.status = to;
    fields.refresh_derived();
    if to == PositionStatus::Adopted {
        let year = on.year();
        match fields.number_year {
            Some(number_year) if number_year != year => {
                return Err(ApiError::invalid_field(
                    "number",
                    "number_year_mismatch",
                    format!(
                        "the position is numbered {} but adopted in {year}; change its number first",
                        fields.number.as_deref().unwrap_or_default()
                    ),
                ));
            }
            Some(_) => {}
            None => {
                fields.number = Some(next_number(conn, fields.association_id, year)?.into_inner());
                fields.refresh_derived();
            }
        }
    }
    check_consistency(&fields, &PositionLinks::default())?;
    repo::transition(
        conn,
        actor,
        current,
        expected,
        &fields,
        on,
        request.note.as_deref(),
    )
}

/// Records an addressee's reply (once the position is sent); a `sent` position becomes
/// `answered` (kept in the history).
pub fn record_reply(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PositionRow,
    mut response: NewResponse,
) -> ApiResult<PositionRow> {
    let status = current.status;
    if !status.is_sent() {
        return Err(ApiError::new(
            Code::PositionNotSent,
            format!("a position in status '{status}' has not been sent, so it has no replies"),
        ));
    }
    if !repo::is_addressee(conn, current.id, response.from_organization_id)? {
        return Err(ApiError::invalid_field(
            "from_id",
            "not_an_addressee",
            format!(
                "organization {} is not an addressee of this position; add it to addressee_ids first",
                response.from_organization_id
            ),
        ));
    }
    if let Some(sent_on) = current.sent_on
        && response.received_on < sent_on
    {
        return Err(ApiError::invalid_field(
            "received_on",
            "before_sending",
            format!(
                "the position was sent on {sent_on}; a reply cannot be received on {}",
                response.received_on
            ),
        ));
    }
    response.position_id = current.id;
    response.created_at = crate::time::now();
    let response_id = repo::insert_response(conn, &response)?;
    let answers = status == PositionStatus::Sent;
    let row = repo::record_response(conn, actor, current, response_id, &response, !answers)?;
    if answers {
        let answered = Move {
            to: PositionStatus::Answered,
            on: Some(response.received_on),
            note: Some(format!("reply recorded (response {response_id})")),
        };
        return move_position(conn, actor, &row, Expected::current(row.version), &answered);
    }
    Ok(row)
}
