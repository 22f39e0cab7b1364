//! Every query on comments (the rules of submitting, amending and deciding them are in
//! `service`). Writers hold the consultation's lock (`consultations::repo::lock`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::CommentSort;
use super::model::{CommentFields, CommentRow};
use crate::db::DbConnection;
use crate::db::schema::consultation_comments;
use crate::domain::{CommentChannel, DispositionStatus};
use crate::error::{ApiError, ApiResult, Code};
use crate::pagination::{Cursor, PageRequest};

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
        .filter(consultation_comments::disposition_status.eq(DispositionStatus::Pending))
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

/// What a list asks for (the paging comes from the [`PageRequest`]).
#[derive(Debug)]
pub struct ListFilter {
    pub consultation_id: i64,
    pub disposition: Option<DispositionStatus>,
    pub submitter: Option<i64>,
    pub channel: Option<CommentChannel>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The cursor pointing after `row` (numbers are unique within a consultation).
pub fn cursor_after(row: &CommentRow, sort: CommentSort) -> Cursor {
    Cursor::keyed(sort, row.number.to_string(), row.id)
}

/// One page of a consultation's comments in number order.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<CommentSort>,
) -> ApiResult<Vec<CommentRow>> {
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
    let ascending = page.sort == CommentSort::Number;
    if let Some(cursor) = &page.after {
        // Numbers are unique within a consultation: the number alone is the position.
        let (number, _) = cursor.integer_position()?;
        let number = i32::try_from(number).map_err(|_| {
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
    Ok(query.limit(page.fetch()).load(conn)?)
}

/// Every comment of a consultation, by number (the report's table).
pub fn all(conn: &mut DbConnection, consultation_id: i64) -> ApiResult<Vec<CommentRow>> {
    Ok(consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(consultation_id))
        .order(consultation_comments::number.asc())
        .load(conn)?)
}

/// The next number (Lp.) of a consultation's comments; the caller holds the
/// consultation's lock, so that no other comment takes it meanwhile.
pub fn next_number(conn: &mut DbConnection, consultation_id: i64) -> ApiResult<i32> {
    let highest: Option<i32> = consultation_comments::table
        .select(diesel::dsl::max(consultation_comments::number))
        .filter(consultation_comments::consultation_id.eq(consultation_id))
        .first(conn)?;
    Ok(highest.unwrap_or(0) + 1)
}

crate::versioned_table!(
    /// The comments table on the write path.
    Comments,
    consultation_comments,
    CommentRow,
    CommentFields,
    "consultation_comment",
    parent = consultation_id
);
