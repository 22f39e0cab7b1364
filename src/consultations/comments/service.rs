//! The use cases of comments: submitting and recording (numbered under the
//! consultation's lock), amending, deciding, and the report; with the rules of each.

use chrono::NaiveDateTime;

use super::dto::{
    Comment, CommentListQuery, CommentSort, CreateComment, DispositionRequest, Report,
    UpdateComment,
};
use super::model::{CommentFields, CommentRow};
use super::repo::{self, Comments, ListFilter};
use super::view;
use crate::auth::{Principal, policy};
use crate::consultations::model::ConsultationRow;
use crate::consultations::repo as consultations;
use crate::consultations::service::{load_visible, view as consultation_view};
use crate::db::DbConnection;
use crate::domain::{CommentChannel, ConsultationStatus, DispositionStatus, Eligibility};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::pagination::PageRequest;
use crate::validation::{set, trimmed};
use crate::write::{self, Action, Actor, Expected};

fn not_found(consultation_id: i64, comment_id: i64) -> ApiError {
    ApiError::not_found(format!(
        "consultation {consultation_id} has no comment {comment_id}"
    ))
}

/// Persons' names are personal data: shown to the organizer only.
fn reveal_persons(principal: &Principal, consultation: &ConsultationRow) -> bool {
    policy::can_manage_consultation(principal, consultation.organizer_id).is_ok()
}

/// The comment named in the path, of a consultation the caller may see, or 404.
fn load(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    comment_id: i64,
) -> ApiResult<(ConsultationRow, CommentRow)> {
    let consultation = load_visible(conn, principal, id)?;
    let comment = repo::find(conn, id, comment_id)?.ok_or_else(|| not_found(id, comment_id))?;
    Ok((consultation, comment))
}

/// Who submits a comment through the API, and may they: a token speaks for its own
/// organization (a different `submitter_id` is refused, 403); a person names one of
/// their associations (or has exactly one).
fn own_submitter(principal: &Principal, requested: Option<i64>) -> ApiResult<i64> {
    policy::can_comment(principal)?;
    let submitter_id = match (principal, requested) {
        (Principal::Token(token), Some(id)) if id != token.organization_id => {
            return Err(ApiError::forbidden(
                "an API token comments only in the name of its own organization; leave submitter_id out",
            ));
        }
        (_, Some(id)) => id,
        (_, None) => policy::default_submitter(principal).ok_or_else(|| {
            ApiError::invalid_field(
                "submitter_id",
                "required",
                "name the organization you comment for (one of your associations)",
            )
        })?,
    };
    policy::can_comment_for(principal, submitter_id)?;
    Ok(submitter_id)
}

/// `GET /consultations/{id}/comments`: the consultation is checked first (404 for a
/// draft the caller may not see), in the same database turn as the page.
pub(crate) struct CommentList {
    principal: Principal,
    filter: ListFilter,
}

impl CommentList {
    pub(crate) fn new(
        principal: Principal,
        id: i64,
        query: CommentListQuery,
    ) -> ApiResult<(Self, PageRequest<CommentSort>)> {
        let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
        let filter = ListFilter {
            consultation_id: id,
            disposition: query.disposition,
            submitter: query.submitter,
            channel: query.channel,
            updated_since: query.updated_since.map(|t| t.naive_utc()),
        };
        Ok((CommentList { principal, filter }, page))
    }
}

crate::listing! {
    /// Each row with whether persons' names are shown to this caller.
    CommentList: CommentSort, (CommentRow, bool) => Comment;
    rows(list, conn, page) = {
        let consultation = load_visible(conn, &list.principal, list.filter.consultation_id)?;
        let reveal = reveal_persons(&list.principal, &consultation);
        Ok(repo::list(conn, &list.filter, page)?
            .into_iter()
            .map(|row| (row, reveal))
            .collect())
    };
    cursor((row, _), sort) = repo::cursor_after(row, sort);
    render(conn, rows) = {
        let reveal = rows.first().is_some_and(|(_, reveal)| *reveal);
        view::with_details(conn, rows.into_iter().map(|(row, _)| row).collect(), reveal)
    };
}

pub(crate) async fn get(
    state: &AppState,
    principal: Principal,
    id: i64,
    comment_id: i64,
) -> ApiResult<Comment> {
    state
        .run(move |conn| {
            let (consultation, row) = load(conn, &principal, id, comment_id)?;
            view::one(conn, row, reveal_persons(&principal, &consultation))
        })
        .await
}

/// The submission a request makes: its own comment through the API, or one the
/// organizer records.
fn submission_of(
    principal: &Principal,
    consultation: &ConsultationRow,
    body: CreateComment,
) -> ApiResult<Submission> {
    let channel = body.channel.unwrap_or(CommentChannel::Api);
    let text = CommentText {
        unit_reference: body.unit_reference,
        content: body.content,
        proposed_change: body.proposed_change,
        justification: body.justification,
    };
    if channel == CommentChannel::Api {
        let submitter_id = own_submitter(principal, body.submitter_id)?;
        if body.submitter_name.is_some() {
            return Err(ApiError::invalid_field(
                "submitter_name",
                "not_submittable",
                "comments of persons are recorded by the organizer (channel email, letter or meeting)",
            ));
        }
        if body.received_at.is_some() {
            return Err(ApiError::invalid_field(
                "received_at",
                "set_by_server",
                "a comment submitted through the API is received when it is sent",
            ));
        }
        return Ok(Submission {
            submitter: Submitter::Organization(submitter_id),
            arrival: Arrival::Submitted,
            channel,
            received_at: None,
            text,
        });
    }
    policy::can_manage_consultation(principal, consultation.organizer_id)?;
    let submitter = one_submitter(
        (body.submitter_id, body.submitter_name),
        "a recorded comment is made by an organization (submitter_id) or a person (submitter_name): exactly one",
    )?;
    Ok(Submission {
        submitter,
        arrival: Arrival::Recorded,
        channel,
        received_at: body.received_at.map(crate::time::from_utc),
        text,
    })
}

/// Who made a recorded comment: an organization or a person, exactly one (else 422
/// `one_submitter`, saying `message`).
fn one_submitter((id, name): (Option<i64>, Option<String>), message: &str) -> ApiResult<Submitter> {
    match (id, name) {
        (Some(id), None) => Ok(Submitter::Organization(id)),
        (None, Some(name)) => Ok(Submitter::Person(name)),
        _ => Err(ApiError::invalid_field(
            "submitter_id",
            "one_submitter",
            message,
        )),
    }
}

pub(crate) async fn create(
    state: &AppState,
    principal: Principal,
    id: i64,
    body: CreateComment,
) -> ApiResult<Comment> {
    state
        .transaction(move |conn| {
            // The lock first: the next number is taken under it.
            consultations::lock(conn, id)?;
            let consultation = load_visible(conn, &principal, id)?;
            let submission = submission_of(&principal, &consultation, body)?;
            let now = crate::time::now();
            let row = submit(conn, &principal.actor(), &consultation, submission, now)?;
            view::one(conn, row, reveal_persons(&principal, &consultation))
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: Principal,
    (id, comment_id): (i64, i64),
    if_match: IfMatch,
    patch: UpdateComment,
) -> ApiResult<Comment> {
    state
        .transaction(move |conn| {
            consultations::lock(conn, id)?;
            let (consultation, current) = load(conn, &principal, id, comment_id)?;
            match (current.channel, current.submitter_id) {
                (CommentChannel::Api, Some(submitter_id)) => {
                    policy::can_comment_for(&principal, submitter_id)?;
                }
                _ => policy::can_manage_consultation(&principal, consultation.organizer_id)?,
            }
            let expected = Expected::from_header(&if_match, current.version)?;
            let now = crate::time::now();
            let row = amend(
                conn,
                &principal.actor(),
                &consultation,
                &current,
                expected,
                patch,
                now,
            )?;
            view::one(conn, row, reveal_persons(&principal, &consultation))
        })
        .await
}

pub(crate) async fn decide_request(
    state: &AppState,
    principal: Principal,
    (id, comment_id): (i64, i64),
    if_match: IfMatch,
    request: DispositionRequest,
) -> ApiResult<Comment> {
    let DispositionRequest { status, response } = request;
    state
        .transaction(move |conn| {
            consultations::lock(conn, id)?;
            let (consultation, current) = load(conn, &principal, id, comment_id)?;
            policy::can_manage_consultation(&principal, consultation.organizer_id)?;
            let expected = Expected::from_header(&if_match, current.version)?;
            let now = crate::time::now();
            let row = decide(
                conn,
                &principal.actor(),
                &consultation,
                &current,
                expected,
                status,
                response,
                now,
            )?;
            view::one(conn, row, true)
        })
        .await
}

/// The report on a consultation: the full comment table with its counts.
pub(crate) async fn report(state: &AppState, principal: Principal, id: i64) -> ApiResult<Report> {
    let view = consultation_view(state, &principal);
    state
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            let reveal = reveal_persons(&principal, &row);
            let comments = repo::all(conn, id)?;
            let comments = view::with_details(conn, comments, reveal)?;
            let consultation = crate::consultations::view::one(conn, row, &view)?;
            Ok(super::report::build(&consultation, comments))
        })
        .await
}

// ------------------------------------------------------------------ rules

/// Who made a comment.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitter {
    Organization(i64),
    Person(String),
}

/// How a comment arrives: submitted by its author through the API (now), or recorded
/// by the organizer from another channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Submitted,
    Recorded,
}

/// Comments are submitted only while the consultation is open.
fn check_open(consultation: &ConsultationRow, now: NaiveDateTime) -> ApiResult<()> {
    match consultation.status_at(now) {
        ConsultationStatus::Open => Ok(()),
        ConsultationStatus::Draft | ConsultationStatus::Announced => Err(ApiError::new(
            Code::ConsultationNotOpen,
            format!(
                "the consultation is not open yet; comments are accepted from {}",
                crate::time::to_utc(consultation.opens_at).to_rfc3339()
            ),
        )),
        ConsultationStatus::Closed | ConsultationStatus::ReportPublished => Err(ApiError::new(
            Code::ConsultationClosed,
            format!(
                "the consultation closed at {}; comments are no longer accepted",
                crate::time::to_utc(consultation.closes_at).to_rfc3339()
            ),
        )),
        ConsultationStatus::Cancelled => Err(cancelled()),
    }
}

fn cancelled() -> ApiError {
    ApiError::new(
        Code::ConsultationCancelled,
        "the consultation has been cancelled",
    )
}

fn report_published() -> ApiError {
    ApiError::new(
        Code::ReportPublished,
        "the report on this consultation has been published; its comment table no longer changes",
    )
}

/// The organizer records comments from the opening of the window until the report is
/// published (letters posted on the last day arrive later).
fn check_recordable(consultation: &ConsultationRow, now: NaiveDateTime) -> ApiResult<()> {
    match consultation.status_at(now) {
        ConsultationStatus::Open | ConsultationStatus::Closed => Ok(()),
        ConsultationStatus::ReportPublished => Err(report_published()),
        ConsultationStatus::Cancelled => Err(cancelled()),
        ConsultationStatus::Draft | ConsultationStatus::Announced => Err(ApiError::new(
            Code::ConsultationNotOpen,
            "the consultation has not opened yet; there is nothing to record",
        )),
    }
}

/// A recorded comment was received inside the window, and not in the future.
fn check_received_at(
    consultation: &ConsultationRow,
    received_at: NaiveDateTime,
    now: NaiveDateTime,
) -> ApiResult<()> {
    if received_at < consultation.opens_at || received_at >= consultation.closes_at {
        return Err(ApiError::invalid_field(
            "received_at",
            "outside_window",
            format!(
                "comments are received from {} until {}",
                crate::time::to_utc(consultation.opens_at).to_rfc3339(),
                crate::time::to_utc(consultation.closes_at).to_rfc3339()
            ),
        ));
    }
    if received_at > now {
        return Err(ApiError::invalid_field(
            "received_at",
            "in_future",
            "a comment cannot have been received in the future",
        ));
    }
    Ok(())
}

/// Why this submitter may not comment on the consultation (per its eligibility), if so.
fn ineligibility(
    conn: &mut DbConnection,
    consultation: &ConsultationRow,
    submitter: &Submitter,
    received_at: NaiveDateTime,
) -> ApiResult<Option<String>> {
    let reason = match (consultation.eligibility, submitter) {
        (Eligibility::Public, _) => None,
        (Eligibility::Members, Submitter::Person(_)) => {
            Some("only members of the organizing association comment on this consultation; a person is not one".to_owned())
        }
        (Eligibility::Members, Submitter::Organization(id)) => {
            let day = received_at.date();
            let member = crate::associations::memberships::repo::covers(
                conn,
                consultation.organizer_id,
                *id,
                day,
                day,
            )?;
            (!member).then(|| {
                format!(
                    "only members of the organizing association comment on this consultation; \
                     organization {id} was not a member on {day}"
                )
            })
        }
        (Eligibility::Invited, Submitter::Person(_)) => Some(
            "only invited organizations comment on this consultation; a person is not one"
                .to_owned(),
        ),
        (Eligibility::Invited, Submitter::Organization(id)) => {
            let invited = crate::consultations::repo::is_invited(conn, consultation.id, *id)?;
            (!invited).then(|| {
                format!("only invited organizations comment on this consultation; organization {id} is not invited")
            })
        }
    };
    Ok(reason)
}

/// The submitter exists, is not the organizer, and is eligible: a submitter speaking
/// for itself that is not eligible is refused (403 `not_eligible`); a comment the
/// organizer records from an ineligible submitter is invalid (422).
fn check_submitter(
    conn: &mut DbConnection,
    consultation: &ConsultationRow,
    submitter: &Submitter,
    received_at: NaiveDateTime,
    arrival: Arrival,
) -> ApiResult<()> {
    if let Submitter::Organization(id) = submitter {
        if crate::organizations::repo::find(conn, *id)?.is_none() {
            return Err(ApiError::invalid_field(
                "submitter_id",
                "not_found",
                format!("organization {id} does not exist"),
            ));
        }
        if *id == consultation.organizer_id {
            return Err(ApiError::invalid_field(
                "submitter_id",
                "own_consultation",
                "the organizer does not comment on its own consultation",
            ));
        }
    }
    if let Some(reason) = ineligibility(conn, consultation, submitter, received_at)? {
        return Err(match arrival {
            Arrival::Submitted => ApiError::new(Code::NotEligible, reason),
            Arrival::Recorded => ApiError::invalid_field(
                match submitter {
                    Submitter::Organization(_) => "submitter_id",
                    Submitter::Person(_) => "submitter_name",
                },
                "not_eligible",
                reason,
            ),
        });
    }
    Ok(())
}

/// The text of a comment.
#[derive(Debug, Clone)]
pub struct CommentText {
    pub unit_reference: Option<String>,
    pub content: String,
    pub proposed_change: Option<String>,
    pub justification: Option<String>,
}

/// A comment to add.
#[derive(Debug, Clone)]
pub struct Submission {
    pub submitter: Submitter,
    pub arrival: Arrival,
    pub channel: CommentChannel,
    /// For recorded comments; submitted ones are received now.
    pub received_at: Option<NaiveDateTime>,
    pub text: CommentText,
}

/// Adds a comment under the next number, after the rules of its arrival: the window
/// (409), the date of receipt (422), the submitter and its eligibility.
pub fn submit(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: &ConsultationRow,
    submission: Submission,
    now: NaiveDateTime,
) -> ApiResult<CommentRow> {
    let received_at = match submission.arrival {
        Arrival::Submitted => {
            check_open(consultation, now)?;
            now
        }
        Arrival::Recorded => {
            check_recordable(consultation, now)?;
            let received_at = submission.received_at.ok_or_else(|| {
                ApiError::invalid_field(
                    "received_at",
                    "required",
                    "a recorded comment carries the time it was received",
                )
            })?;
            check_received_at(consultation, received_at, now)?;
            received_at
        }
    };
    check_submitter(
        conn,
        consultation,
        &submission.submitter,
        received_at,
        submission.arrival,
    )?;
    let (submitter_id, submitter_name) = match submission.submitter {
        Submitter::Organization(id) => (Some(id), None),
        Submitter::Person(name) => (None, Some(name.trim().to_owned())),
    };
    let text = submission.text;
    let fields = CommentFields {
        consultation_id: consultation.id,
        number: repo::next_number(conn, consultation.id)?,
        submitter_id,
        submitter_name,
        unit_reference: trimmed(text.unit_reference),
        content: text.content,
        proposed_change: text.proposed_change,
        justification: text.justification,
        channel: submission.channel,
        received_at,
        disposition_status: DispositionStatus::Pending,
        disposition_response: None,
        decided_at: None,
        decided_by: None,
    };
    write::create::<Comments>(conn, actor, &fields, &fields)
}

/// Amends a comment: its submitter (comments made through the API) while the
/// consultation is open and the comment pending, only its text; the organizer (comments
/// it recorded) until the report is published, also who made it, how and when.
pub fn amend(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: &ConsultationRow,
    current: &CommentRow,
    expected: Expected,
    patch: UpdateComment,
    now: NaiveDateTime,
) -> ApiResult<CommentRow> {
    let before = CommentFields::from(current.clone());
    let mut after = before.clone();
    let arrival = if current.channel == CommentChannel::Api {
        Arrival::Submitted
    } else {
        Arrival::Recorded
    };
    match arrival {
        Arrival::Submitted => {
            let fields = patch.recording_fields();
            if !fields.is_empty() {
                return Err(ApiError::validation(
                    fields
                        .into_iter()
                        .map(|field| {
                            FieldError::new(
                                field,
                                "not_editable",
                                "who made a comment submitted through the API, how and when does not change",
                            )
                        })
                        .collect(),
                ));
            }
            check_open(consultation, now)?;
            if current.disposition_status != DispositionStatus::Pending {
                return Err(ApiError::new(
                    Code::CommentDecided,
                    "the organizer has decided on this comment; it no longer changes",
                ));
            }
        }
        Arrival::Recorded => {
            check_recordable(consultation, now)?;
            if patch.channel == Some(CommentChannel::Api) {
                return Err(ApiError::invalid_field(
                    "channel",
                    "not_recordable",
                    "the organizer records comments received by email, letter or at a meeting",
                ));
            }
        }
    }
    set(&mut after.submitter_id, patch.submitter_id);
    set(&mut after.submitter_name, patch.submitter_name.map(trimmed));
    set(&mut after.unit_reference, patch.unit_reference.map(trimmed));
    set(&mut after.content, patch.content);
    set(&mut after.proposed_change, patch.proposed_change);
    set(&mut after.justification, patch.justification);
    set(&mut after.channel, patch.channel);
    set(
        &mut after.received_at,
        patch.received_at.map(crate::time::from_utc),
    );
    if after == before {
        return Ok(current.clone());
    }
    if arrival == Arrival::Recorded {
        let submitter = one_submitter(
            (after.submitter_id, after.submitter_name.clone()),
            "a comment is made by an organization (submitter_id) or a person (submitter_name): exactly one",
        )?;
        if after.received_at != before.received_at {
            check_received_at(consultation, after.received_at, now)?;
        }
        if after.submitter_id != before.submitter_id
            || after.submitter_name != before.submitter_name
            || after.received_at != before.received_at
        {
            check_submitter(conn, consultation, &submitter, after.received_at, arrival)?;
        }
    }
    write::update::<Comments, _>(conn, actor, current, expected, &after, (&before, &after))
}

/// Sets the organizer's decision on a comment. Deciding again the same way changes
/// nothing (and keeps the first `decided_at` and decider); a new decision is stamped
/// anew; `pending` takes the decision back.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: &ConsultationRow,
    current: &CommentRow,
    expected: Expected,
    status: DispositionStatus,
    response: Option<String>,
    now: NaiveDateTime,
) -> ApiResult<CommentRow> {
    match consultation.status_at(now) {
        ConsultationStatus::ReportPublished => return Err(report_published()),
        ConsultationStatus::Cancelled => return Err(cancelled()),
        _ => {}
    }
    let response = trimmed(response);
    if status.needs_response() && response.is_none() {
        return Err(ApiError::invalid_field(
            "response",
            "required",
            format!(
                "a comment {} ('{status}') needs the reasons in response; only an accepted comment may go without",
                status.label_pl()
            ),
        ));
    }
    let before = CommentFields::from(current.clone());
    if before.disposition_status == status && before.disposition_response == response {
        return Ok(current.clone());
    }
    let mut after = before.clone();
    after.disposition_status = status;
    after.disposition_response = response;
    if status == DispositionStatus::Pending {
        after.decided_at = None;
        after.decided_by = None;
    } else {
        after.decided_at = Some(now);
        after.decided_by = actor.user_id;
    }
    let changes = write::diff(&before, &after);
    write::update_as::<Comments>(
        conn,
        actor,
        Action::Decide,
        current,
        expected,
        &after,
        changes,
    )
}
