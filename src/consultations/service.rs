//! The use cases of consultations: load what the caller may see, authorize, check
//! `If-Match`, apply, hold the new state to the rules of its status, write it through
//! the write path, and the lifecycle.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::dto::{
    Consultation, ConsultationListQuery, ConsultationPath, ConsultationSort,
    ConsultationTransition, CreateConsultation, TransitionRequest, UpdateConsultation,
};
use super::model::{ConsultationFields, ConsultationLinks, ConsultationRow, ConsultationState};
use super::repo::{self, Consultations, ListFilter};
use super::view::{self, View};
use crate::auth::{Principal, policy};
use crate::config::ConsultationMinDays;
use crate::db::DbConnection;
use crate::domain::{ConsultationStatus, Eligibility, OrganizationKind, fold_for_search};
use crate::edit::Guard;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::PageRequest;
use crate::write::{self, Actor, Expected};

/// The consultation, if this principal may see it: drafts (and drafts cancelled before
/// they were announced) only for admins and the organizer's editors; 404 for others,
/// as if it did not exist.
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<ConsultationRow> {
    repo::find(conn, id)?
        .filter(|row| {
            row.published() || policy::can_see_consultation_draft(principal, row.organizer_id)
        })
        .ok_or_else(|| ApiError::not_found(format!("consultation {id} does not exist")))
}

/// What responses show for this principal now.
pub(crate) fn view(state: &AppState, principal: &Principal) -> View {
    View {
        now: crate::time::now(),
        min_days: state.config.consultation_min_days,
        position_drafts: policy::visible_drafts(principal),
    }
}

/// `GET /consultations`: the filter of the query, the drafts this caller may see.
pub(crate) struct ConsultationList {
    filter: ListFilter,
    view: Arc<View>,
}

impl ConsultationList {
    pub(crate) fn new(
        state: &AppState,
        principal: &Principal,
        query: ConsultationListQuery,
    ) -> ApiResult<(Self, PageRequest<ConsultationSort>)> {
        let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
        let view = view(state, principal);
        let filter = ListFilter {
            drafts: policy::visible_consultation_drafts(principal),
            organizer: query.organizer,
            direction: query.direction,
            subject_kind: query.subject_kind,
            status: query.status,
            eligibility: query.eligibility,
            register_number: query.register_number.map(String::from),
            q: query.q.as_deref().map(fold_for_search),
            updated_since: query.updated_since.map(|t| t.naive_utc()),
            now: view.now,
        };
        let view = Arc::new(view);
        Ok((ConsultationList { filter, view }, page))
    }
}

crate::listing! {
    ConsultationList: ConsultationSort, (ConsultationRow, Arc<View>) => Box<serde_json::value::RawValue>;
    rows(list, conn, page) = Ok(repo::list(conn, &list.filter, page)?
        .into_iter()
        .map(|row| (row, Arc::clone(&list.view)))
        .collect());
    cursor((row, _), sort) = repo::cursor_after(row, sort);
    render(conn, rows) = super::read::page_items(conn, rows);
}

/// A consultation as `GET /consultations/{id}` answers it.
pub(crate) type Found = crate::http::Found<Consultation>;

impl crate::http::Versioned for Consultation {
    fn version(&self) -> i64 {
        self.version
    }
}

/// One consultation: the stored rendering when it is what this caller sees and still
/// true (one primary-key lookup), otherwise rendered now, and then stored again when
/// the clock had made the stored one untrue.
pub(crate) async fn get(state: &AppState, principal: Principal, id: i64) -> ApiResult<Found> {
    let view = view(state, &principal);
    state
        .run(move |conn| {
            let public = super::read::serves(&view);
            if public
                && let Some((version, doc)) =
                    crate::db::read_docs::find(conn, super::read::KIND, id)?
            {
                return Ok(Found::Stored(version, doc));
            }
            let row = load_visible(conn, &principal, id)?;
            let stored = public && row.published();
            let until = super::read::next_change(&row, view.now);
            let consultation = view::one(conn, row, &view)?;
            if stored {
                super::read::renew(conn, until, &consultation)?;
            }
            Ok(Found::Rendered(Box::new(consultation)))
        })
        .await
}

pub(crate) async fn history(
    state: &AppState,
    principal: Principal,
    id: i64,
) -> ApiResult<Vec<ConsultationTransition>> {
    let now = crate::time::now();
    state
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            let stored = repo::history(conn, id)?;
            Ok(view::history(&row, stored, now))
        })
        .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    body: CreateConsultation,
) -> ApiResult<Consultation> {
    policy::can_manage_consultation(&principal, body.organizer_id)?;
    let (fields, links) = body.into_parts();
    let actor = principal.actor();
    let view = view(state, &principal);
    state
        .transaction(move |conn| {
            let row = insert(conn, &actor, fields, links, &view.min_days, view.now)?;
            view::one(conn, row, &view)
        })
        .await
}

/// How the changes of a consultation find it: one transaction that locks it first, finds
/// it (404), checks the right to manage its organizer's consultations (403) and then
/// `If-Match` (`Guard::change`).
const MANAGED: Guard<Consultations> = Guard {
    load: |conn, principal, id| {
        repo::lock(conn, id)?;
        load_visible(conn, principal, id)
    },
    may: |principal, current| policy::can_manage_consultation(principal, current.organizer_id),
};

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    ConsultationPath { id }: ConsultationPath,
    if_match: IfMatch,
    patch: UpdateConsultation,
) -> ApiResult<Consultation> {
    let view = view(state, &principal);
    let at = (id, if_match);
    MANAGED
        .change(state, &principal, at, move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            if let Some(organizer_id) = patch.organizer_id
                && organizer_id != current.organizer_id
            {
                policy::can_manage_consultation(&principal, organizer_id)?;
            }
            let before = ConsultationState {
                fields: ConsultationFields::from(current.clone()),
                links: repo::links(conn, id)?,
            };
            let mut after = before.clone();
            patch.apply(&mut after.fields, &mut after.links);
            let row = change(
                conn,
                &principal.actor(),
                &current,
                expected,
                before,
                after,
                &view,
            )?;
            view::one(conn, row, &view)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: Principal,
    ConsultationPath { id }: ConsultationPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    let at = (id, if_match);
    MANAGED
        .change(state, &principal, at, move |conn, held| {
            delete(conn, &held.principal.actor(), &held.current, held.expected)
        })
        .await
}

pub(crate) async fn transition(
    state: &AppState,
    principal: Principal,
    ConsultationPath { id }: ConsultationPath,
    if_match: IfMatch,
    request: TransitionRequest,
) -> ApiResult<Consultation> {
    let note = request.note.map(|n| n.trim().to_owned());
    let view = view(state, &principal);
    let at = (id, if_match);
    MANAGED
        .change(state, &principal, at, move |conn, held| {
            let (principal, current, expected) = held.into_parts();
            let row = move_to(
                conn,
                &principal.actor(),
                &current,
                expected,
                request.to,
                note.as_deref(),
                view.now,
                &view.min_days,
            )?;
            view::one(conn, row, &view)
        })
        .await
}

// ------------------------------------------------------------------ the writes

/// Inserts a draft, its related rows, its first history entry (at `now`) and its audit
/// record (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: ConsultationFields,
    links: ConsultationLinks,
    min_days: &ConsultationMinDays,
    now: NaiveDateTime,
) -> ApiResult<ConsultationRow> {
    let minimum = Some(min_days.for_kind(fields.subject_kind));
    check_rules(conn, &fields, &links, minimum)?;
    let state = ConsultationState { fields, links };
    let row = write::create::<Consultations>(conn, actor, &state.fields, &state)?;
    repo::write_links(conn, row.id, &ConsultationLinks::default(), &state.links)?;
    repo::record_move(
        conn,
        actor,
        row.id,
        None,
        ConsultationStatus::Draft,
        None,
        now,
    )?;
    Ok(row)
}

fn conflict_when(condition: bool, code: Code, detail: &str) -> ApiResult<()> {
    if condition {
        Err(ApiError::new(code, detail.to_owned()))
    } else {
        Ok(())
    }
}

/// Writes the new state of a consultation, within what its status still allows to
/// change.
fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    expected: Expected,
    before: ConsultationState,
    after: ConsultationState,
    view: &View,
) -> ApiResult<ConsultationRow> {
    if before == after {
        return Ok(current.clone());
    }
    let status = current.status_at(crate::time::now());
    let (old, new) = (&before.fields, &after.fields);
    conflict_when(
        status.is_final(),
        Code::ConsultationFinal,
        &format!("a consultation in status '{status}' is part of the record and no longer changes"),
    )?;
    conflict_when(
        old.organizer_id != new.organizer_id && status != ConsultationStatus::Draft,
        Code::ConsultationNotDraft,
        "only a draft may move to another organizer",
    )?;
    let started = matches!(
        status,
        ConsultationStatus::Open | ConsultationStatus::Closed
    );
    conflict_when(
        started && old.opens_at != new.opens_at,
        Code::WindowStarted,
        "the window has opened: opens_at no longer changes",
    )?;
    conflict_when(
        status == ConsultationStatus::Closed && old.closes_at != new.closes_at,
        Code::ConsultationClosed,
        "the window has closed: closes_at no longer changes",
    )?;
    conflict_when(
        status == ConsultationStatus::Open && new.closes_at < old.closes_at,
        Code::WindowShortened,
        "an open consultation may be extended, not shortened: closes_at may only move later",
    )?;
    conflict_when(
        started && old.eligibility != new.eligibility,
        Code::WindowStarted,
        "the window has opened: who may comment (eligibility) no longer changes",
    )?;
    let window_changed = old.opens_at != new.opens_at
        || old.closes_at != new.closes_at
        || old.subject_kind != new.subject_kind
        || old.shortened_reason != new.shortened_reason;
    let minimum = window_changed.then(|| view.min_days.for_kind(new.subject_kind));
    check_rules(conn, new, &after.links, minimum)?;
    let row =
        write::update::<Consultations, _>(conn, actor, current, expected, new, (&before, &after))?;
    repo::write_links(conn, row.id, &before.links, &after.links)?;
    Ok(row)
}

/// Deletes a consultation that was never announced (a draft, or a draft cancelled).
fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    expected: Expected,
) -> ApiResult<()> {
    if current.published() {
        return Err(ApiError::new(
            Code::ConsultationNotDeletable,
            format!(
                "an announced consultation is part of the record; cancel it instead \
                 (POST /consultations/{}/transitions with {{\"to\": \"cancelled\"}})",
                current.id
            ),
        ));
    }
    let answering = crate::positions::repo::count_answering(conn, current.id)?;
    if answering > 0 {
        return Err(ApiError::new(
            Code::StillReferenced,
            format!(
                "{answering} position(s) answer this consultation; change their consultation_id first"
            ),
        ));
    }
    let snapshot = ConsultationState {
        fields: ConsultationFields::from(current.clone()),
        links: repo::links(conn, current.id)?,
    };
    write::delete::<Consultations>(conn, actor, current, expected, &snapshot)
}

fn illegal_transition(from: ConsultationStatus, to: ConsultationStatus) -> ApiError {
    let allowed = from.allowed_next();
    let allowed = if allowed.is_empty() {
        format!("none ('{from}' is final)")
    } else {
        allowed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clock = if matches!(to, ConsultationStatus::Open | ConsultationStatus::Closed) {
        " ('open' and 'closed' follow the clock once announced: change opens_at or closes_at instead)"
    } else {
        ""
    };
    ApiError::new(
        Code::IllegalTransition,
        format!(
            "a consultation in status '{from}' cannot move to '{to}'{clock}; allowed: {allowed}"
        ),
    )
}

/// Moves a consultation through its lifecycle at `at`: checks the move against the
/// status at that instant, keeps the move in the history and the audit log.
#[allow(clippy::too_many_arguments)]
pub fn move_to(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &ConsultationRow,
    expected: Expected,
    to: ConsultationStatus,
    note: Option<&str>,
    at: NaiveDateTime,
    min_days: &ConsultationMinDays,
) -> ApiResult<ConsultationRow> {
    let from = current.status_at(at);
    if !from.can_move_to(to) {
        return Err(illegal_transition(from, to));
    }
    let mut fields = ConsultationFields::from(current.clone());
    match to {
        ConsultationStatus::Announced => {
            // Announcing publishes the window: it must hold by the rules of today.
            let links = repo::links(conn, current.id)?;
            let minimum = Some(min_days.for_kind(fields.subject_kind));
            check_rules(conn, &fields, &links, minimum)?;
            fields.announced_at = Some(at);
        }
        ConsultationStatus::ReportPublished => {
            let pending = super::comments::repo::pending_count(conn, current.id)?;
            if pending > 0 {
                return Err(ApiError::new(
                    Code::CommentsPending,
                    format!(
                        "{pending} comment(s) still wait for a disposition; the report is published \
                         only when every comment is decided"
                    ),
                ));
            }
            fields.report_published_on = Some(at.date());
        }
        _ => {}
    }
    fields.status = to;
    let changes = serde_json::json!({
        "status": [from, to],
        "note": note,
        "report_published_on": fields.report_published_on,
    });
    let row = write::transition::<Consultations>(conn, actor, current, expected, &fields, changes)?;
    repo::record_move(conn, actor, row.id, Some(from), to, note, at)?;
    Ok(row)
}

// ------------------------------------------------------------------ checks

/// Rules across fields, checked on the complete new state (after create or patch).
/// `minimum_days` is the configured minimum for the subject kind, when the window is to
/// be held to it (a window that did not change keeps the rule it was made under).
/// The rules a consultation's state holds to ([`check_consistency`], with the shortest
/// window `minimum_days` if given), then the rows it names exist.
fn check_rules(
    conn: &mut DbConnection,
    fields: &ConsultationFields,
    links: &ConsultationLinks,
    minimum_days: Option<u32>,
) -> ApiResult<()> {
    check_consistency(fields, links, minimum_days)?;
    check_references(conn, fields, links)
}

pub fn check_consistency(
    fields: &ConsultationFields,
    links: &ConsultationLinks,
    minimum_days: Option<u32>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if fields.closes_at <= fields.opens_at {
        errors.push(FieldError::new(
            "closes_at",
            "before_opening",
            format!(
                "the window closes ({}) before it opens ({})",
                crate::time::to_utc(fields.closes_at).to_rfc3339(),
                crate::time::to_utc(fields.opens_at).to_rfc3339()
            ),
        ));
    } else if let Some(minimum_days) = minimum_days {
        let window = fields.closes_at - fields.opens_at;
        let minimum = chrono::Duration::days(i64::from(minimum_days));
        if window < minimum && fields.shortened_reason.is_none() {
            errors.push(FieldError::new(
                "shortened_reason",
                "window_too_short",
                format!(
                    "a consultation on a {} lasts at least {minimum_days} days; this window lasts {} \
                     days and {} hours: give a shortened_reason, or extend the window",
                    fields.subject_kind,
                    window.num_days(),
                    window.num_hours() % 24
                ),
            ));
        }
    }
    match (fields.eligibility, links.invited_ids.is_empty()) {
        (Eligibility::Invited, true) => errors.push(FieldError::new(
            "invited_ids",
            "required",
            "a consultation open to invited organizations lists them in invited_ids",
        )),
        (Eligibility::Public | Eligibility::Members, false) => errors.push(FieldError::new(
            "invited_ids",
            "not_invited_eligibility",
            "invited_ids are only for eligibility 'invited'",
        )),
        _ => {}
    }
    if links.invited_ids.contains(&fields.organizer_id) {
        errors.push(FieldError::new(
            "invited_ids",
            "own_consultation",
            "the organizer does not comment on its own consultation",
        ));
    }
    for (index, document) in links.documents.iter().enumerate() {
        if document.url.is_some() == document.text.is_some() {
            errors.push(FieldError::new(
                format!("documents[{index}]"),
                "url_or_text",
                "a document has either a url or a Markdown text",
            ));
        }
    }
    if fields.forms.is_empty() {
        errors.push(FieldError::new(
            "forms",
            "required",
            "a consultation has at least one form",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The organizer and the invited organizations must exist; only associations and
/// alliances have members to consult: 422 naming the field otherwise.
fn check_references(
    conn: &mut DbConnection,
    fields: &ConsultationFields,
    links: &ConsultationLinks,
) -> ApiResult<()> {
    let mut ids: Vec<i64> = vec![fields.organizer_id];
    ids.extend(&links.invited_ids);
    let found: HashMap<i64, OrganizationKind> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, o.kind))
        .collect();
    let mut errors = Vec::new();
    match found.get(&fields.organizer_id) {
        None => errors.push(FieldError::new(
            "organizer_id",
            "not_found",
            format!("organization {} does not exist", fields.organizer_id),
        )),
        Some(kind) if fields.eligibility == Eligibility::Members && !kind.is_association() => {
            errors.push(FieldError::new(
                "eligibility",
                "organizer_has_no_members",
                format!(
                    "only associations and alliances have members to consult; the organizer is a {kind}"
                ),
            ))
        }
        Some(_) => {}
    }
    if let Some(missing) = links.invited_ids.iter().find(|id| !found.contains_key(id)) {
        errors.push(FieldError::new(
            "invited_ids",
            "not_found",
            format!("organization {missing} does not exist"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}
