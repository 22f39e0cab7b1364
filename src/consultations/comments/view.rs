//! How comments appear on the wire: the submitting organizations embedded, persons'
//! names only for the organizer.

use super::dto::{Comment, Disposition, PERSON_LABEL};
use super::model::CommentRow;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::organizations::service::Summaries;

/// Wire comments for these rows, with the submitting organizations embedded (one
/// query). Persons' names are shown only when `reveal_persons` (to the organizer).
pub fn with_details(
    conn: &mut DbConnection,
    rows: Vec<CommentRow>,
    reveal_persons: bool,
) -> ApiResult<Vec<Comment>> {
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.submitter_id).collect();
    let organizations = Summaries::fetch(conn, ids)?;
    rows.into_iter()
        .map(|row| {
            let submitter = row
                .submitter_id
                .map(|id| organizations.get(id))
                .transpose()?;
            let submitter_name = row.submitter_name.clone().filter(|_| reveal_persons);
            let submitter_label = match (&submitter, &submitter_name) {
                (Some(organization), _) => organization.name.clone(),
                (None, Some(name)) => name.clone(),
                (None, None) => PERSON_LABEL.to_owned(),
            };
            let disposition = Disposition {
                status: row.disposition_status,
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
                channel: row.channel,
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

pub fn one(conn: &mut DbConnection, row: CommentRow, reveal_persons: bool) -> ApiResult<Comment> {
    with_details(conn, vec![row], reveal_persons)?
        .pop()
        .ok_or_else(|| ApiError::internal("comment vanished"))
}
