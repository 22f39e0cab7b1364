//! Every query on comments, and the rules of submitting, amending and deciding them.
//! Callers hold the consultation's lock (`consultations::repo::lock`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::{Comment, CommentSort, Disposition, PERSON_LABEL, UpdateComment};
use super::model::{CommentFields, CommentRow, Stamp};
use crate::consultations::dto::parse_eligibility;
use crate::consultations::model::ConsultationRow;
use crate::db::DbConnection;
use crate::db::schema::consultation_comments;
use crate::domain::{CommentChannel, ConsultationStatus, DispositionStatus, Eligibility};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::organizations::dto::OrganizationSummary;
use crate::pagination::Cursor;
use crate::write::{self, Actor};

/// The audit log's name of a comment.
const OBJECT: &str = "consultation_comment";

// ------------------------------------------------------------------ reading

/// How many comments each of these consultations has (absent: none).
pub fn counts(conn: &mut DbConnection, consultation_ids: &[i64]) -> ApiResult<HashMap<i64, i64>> {
    use consultation_comments::dsl as c;
    if consultation_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(i64, i64)> = c::consultation_comments
        .filter(c::consultation_id.eq_any(consultation_ids.to_vec()))
        .group_by(c::consultation_id)
        .select((c::consultation_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

/// How many comments of a consultation still wait for a disposition.
pub fn pending_count(conn: &mut DbConnection, consultation_id: i64) -> ApiResult<i64> {
    Ok(consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(consultation_id))
        .filter(consultation_comments::disposition_status.eq(DispositionStatus::Pending.as_str()))
        .count()
        .get_result(conn)?)
}

/// One comment of a consultation.
pub fn find(
    conn: &mut DbConnection,
    consultation_id: i64,
    comment_id: i64,
) -> ApiResult<Option<CommentRow>> {
    Ok(consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(consultation_id))
        .filter(consultation_comments::id.eq(comment_id))
        .first(conn)
        .optional()?)
}

/// What a list asks for.
#[derive(Debug)]
pub struct ListFilter {
    pub consultation_id: i64,
    pub disposition: Option<&'static str>,
    pub submitter: Option<i64>,
    pub channel: Option<&'static str>,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: CommentSort,
    pub after: Option<Cursor>,
    pub fetch: i64,
}

/// The cursor pointing after `row` (numbers are unique within a consultation).
pub fn cursor_after(row: &CommentRow, sort: CommentSort) -> Cursor {
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(row.number.to_string()),
        id: row.id,
    }
}

/// One page of a consultation's comments in number order.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> ApiResult<Vec<CommentRow>> {
    use consultation_comments::dsl as c;
    let mut query = c::consultation_comments
        .filter(c::consultation_id.eq(filter.consultation_id))
        .into_boxed();
    if let Some(disposition) = filter.disposition {
        query = query.filter(c::disposition_status.eq(disposition));
    }
    if let Some(submitter) = filter.submitter {
        query = query.filter(c::submitter_id.eq(submitter));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(c::channel.eq(channel));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(c::updated_at.ge(since));
    }
    let ascending = filter.sort == CommentSort::Number;
    if let Some(cursor) = &filter.after {
        let number: i32 = cursor
            .key
            .as_deref()
            .and_then(|k| k.parse().ok())
            .ok_or_else(|| {
                ApiError::new(
                    Code::InvalidCursor,
                    "the cursor is not one this list returned",
                )
            })?;
        query = if ascending {
            query.filter(c::number.gt(number))
        } else {
            query.filter(c::number.lt(number))
        };
    }
    query = if ascending {
        query.order(c::number.asc())
    } else {
        query.order(c::number.desc())
    };
    Ok(query.limit(filter.fetch).load(conn)?)
}

/// Every comment of a consultation, by number (the report's table).
pub fn all(conn: &mut DbConnection, consultation_id: i64) -> ApiResult<Vec<CommentRow>> {
    Ok(consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(consultation_id))
        .order(consultation_comments::number.asc())
        .load(conn)?)
}

/// Wire comments for these rows, with the submitting organizations embedded (one
/// query). Persons' names are shown only when `reveal_persons` (to the organizer).
pub fn with_details(
    conn: &mut DbConnection,
    rows: Vec<CommentRow>,
    reveal_persons: bool,
) -> ApiResult<Vec<Comment>> {
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.submitter_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let organizations: HashMap<i64, OrganizationSummary> =
        crate::organizations::repo::find_many(conn, &ids)?
            .iter()
            .map(|o| (o.id, OrganizationSummary::from(o)))
            .collect();
    rows.into_iter()
        .map(|row| {
            let submitter =
                match row.submitter_id {
                    Some(id) => Some(organizations.get(&id).cloned().ok_or_else(|| {
                        ApiError::internal(format!("organization {id} vanished"))
                    })?),
                    None => None,
                };
            let submitter_name = row.submitter_name.clone().filter(|_| reveal_persons);
            let submitter_label = match (&submitter, &submitter_name) {
                (Some(organization), _) => organization.name.clone(),
                (None, Some(name)) => name.clone(),
                (None, None) => PERSON_LABEL.to_owned(),
            };
            let disposition = Disposition {
                status: row.disposition(),
                response: row.disposition_response.clone(),
                decided_at: row.decided_at.map(crate::time::to_utc),
                decided_by: row.decided_by,
            };
            Ok(Comment {
                id: row.id,
                consultation_id: row.consultation_id,
                number: row.number,
                submitter_id: row.submitter_id,
                submitter,
                submitter_name,
                submitter_label,
                channel: row.channel(),
                unit_reference: row.unit_reference,
                content: row.content,
                proposed_change: row.proposed_change,
                justification: row.justification,
                received_at: crate::time::to_utc(row.received_at),
                disposition,
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
                updated_at: crate::time::to_utc(row.updated_at),
            })
        })
        .collect()
}

pub fn find_full(
    conn: &mut DbConnection,
    row: CommentRow,
    reveal_persons: bool,
) -> ApiResult<Comment> {
    with_details(conn, vec![row], reveal_persons)?
        .pop()
        .ok_or_else(|| ApiError::internal("comment vanished"))
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
pub fn check_open(consultation: &ConsultationRow, now: NaiveDateTime) -> ApiResult<()> {
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
    let reason = match (parse_eligibility(&consultation.eligibility), submitter) {
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

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned())
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
        submitter_id,
        submitter_name,
        unit_reference: trimmed(text.unit_reference),
        content: text.content,
        proposed_change: text.proposed_change,
        justification: text.justification,
        channel: submission.channel.as_str().to_owned(),
        received_at,
        disposition_status: DispositionStatus::Pending.as_str().to_owned(),
        disposition_response: None,
        decided_at: None,
        decided_by: None,
    };
    let highest: Option<i32> = consultation_comments::table
        .select(diesel::dsl::max(consultation_comments::number))
        .filter(consultation_comments::consultation_id.eq(consultation.id))
        .first(conn)?;
    let number = highest.unwrap_or(0) + 1;
    let created_at = crate::time::now();
    let row: CommentRow = diesel::insert_into(consultation_comments::table)
        .values((
            &fields,
            consultation_comments::consultation_id.eq(consultation.id),
            consultation_comments::number.eq(number),
            consultation_comments::version.eq(1),
            consultation_comments::created_at.eq(created_at),
            consultation_comments::updated_at.eq(created_at),
        ))
        .returning(consultation_comments::all_columns)
        .get_result(conn)?;
    let mut snapshot = serde_json::to_value(&fields).unwrap_or_default();
    snapshot["consultation_id"] = consultation.id.into();
    snapshot["number"] = number.into();
    write::record(conn, actor, "create", OBJECT, row.id, Some(snapshot))?;
    Ok(row)
}

/// Writes the comment row if its version is still `expected_version` (else 412).
fn write_row(
    conn: &mut DbConnection,
    current: &CommentRow,
    expected_version: i64,
    fields: &CommentFields,
) -> ApiResult<CommentRow> {
    let updated: Option<CommentRow> = diesel::update(
        consultation_comments::table
            .filter(consultation_comments::id.eq(current.id))
            .filter(consultation_comments::version.eq(expected_version)),
    )
    .set((
        fields,
        Stamp {
            version: expected_version + 1,
            updated_at: crate::time::now(),
        },
    ))
    .returning(consultation_comments::all_columns)
    .get_result(conn)
    .optional()?;
    updated.ok_or_else(|| ApiError::precondition_failed(current.version))
}

fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// Amends a comment: its submitter (comments made through the API) while the
/// consultation is open and the comment pending, only its text; the organizer (comments
/// it recorded) until the report is published, also who made it, how and when.
pub fn amend(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: &ConsultationRow,
    current: &CommentRow,
    expected_version: i64,
    patch: UpdateComment,
    now: NaiveDateTime,
) -> ApiResult<CommentRow> {
    let before = CommentFields::from(current.clone());
    let mut after = before.clone();
    let arrival = if current.channel() == CommentChannel::Api {
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
            if current.disposition() != DispositionStatus::Pending {
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
    set(
        &mut after.channel,
        patch.channel.map(|c| c.as_str().to_owned()),
    );
    set(
        &mut after.received_at,
        patch.received_at.map(crate::time::from_utc),
    );
    if after == before {
        return Ok(current.clone());
    }
    if arrival == Arrival::Recorded {
        let submitter = match (after.submitter_id, after.submitter_name.clone()) {
            (Some(id), None) => Submitter::Organization(id),
            (None, Some(name)) => Submitter::Person(name),
            _ => {
                return Err(ApiError::invalid_field(
                    "submitter_id",
                    "one_submitter",
                    "a comment is made by an organization (submitter_id) or a person (submitter_name): exactly one",
                ));
            }
        };
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
    let row = write_row(conn, current, expected_version, &after)?;
    write::record(
        conn,
        actor,
        "update",
        OBJECT,
        row.id,
        Some(write::diff(&before, &after)),
    )?;
    Ok(row)
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
    expected_version: i64,
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
    if before.disposition_status == status.as_str() && before.disposition_response == response {
        return Ok(current.clone());
    }
    let mut after = before.clone();
    after.disposition_status = status.as_str().to_owned();
    after.disposition_response = response;
    if status == DispositionStatus::Pending {
        after.decided_at = None;
        after.decided_by = None;
    } else {
        after.decided_at = Some(now);
        after.decided_by = actor.user_id;
    }
    let row = write_row(conn, current, expected_version, &after)?;
    write::record(
        conn,
        actor,
        "decide",
        OBJECT,
        row.id,
        Some(write::diff(&before, &after)),
    )?;
    Ok(row)
}
