//! The report on a consultation: counts, the comment table, and its CSV form (the
//! standard comment table as Polish offices publish it: `;`-separated, UTF-8 with BOM
//! so that Excel reads the Polish letters).

use actix_web::HttpRequest;

use super::dto::{Comment, DispositionCounts, Report, SubmitterCount};
use crate::consultations::dto::Consultation;
use crate::error::ApiResult;

/// The header row of the comment table.
pub const CSV_HEADER: [&str; 8] = [
    "Lp.",
    "Podmiot zgłaszający",
    "Jednostka redakcyjna",
    "Treść uwagi",
    "Propozycja zmiany",
    "Uzasadnienie",
    "Stanowisko",
    "Uzasadnienie stanowiska",
];

pub use crate::spreadsheet::{BOM, Format as ReportFormat};

/// The format the `Accept` header prefers: JSON without one (and on ties), CSV when it
/// ranks `text/csv` higher; 406 when it accepts neither.
pub fn negotiate(req: &HttpRequest) -> ApiResult<ReportFormat> {
    crate::spreadsheet::negotiate(req, "the report")
}

/// Counts by disposition and by submitter, and the table.
pub fn build(consultation: &Consultation, comments: Vec<Comment>) -> Report {
    let mut by_disposition = DispositionCounts::default();
    let mut by_submitter: Vec<SubmitterCount> = Vec::new();
    for comment in &comments {
        by_disposition.add(comment.disposition.status);
        let group = by_submitter.iter_mut().find(|g| {
            g.submitter_id == comment.submitter_id && g.submitter_label == comment.submitter_label
        });
        let group = match group {
            Some(group) => group,
            None => {
                by_submitter.push(SubmitterCount {
                    submitter_id: comment.submitter_id,
                    submitter: comment.submitter.clone(),
                    submitter_label: comment.submitter_label.clone(),
                    comments: 0,
                    by_disposition: DispositionCounts::default(),
                });
                let last = by_submitter.len() - 1;
                &mut by_submitter[last]
            }
        };
        group.comments += 1;
        group.by_disposition.add(comment.disposition.status);
    }
    Report {
        consultation_id: consultation.id,
        title: consultation.title.clone(),
        organizer_id: consultation.organizer_id,
        organizer: consultation.organizer.clone(),
        status: consultation.status,
        opens_at: consultation.opens_at,
        closes_at: consultation.closes_at,
        report_published_on: consultation.report_published_on,
        comment_count: comments.len() as i64,
        by_disposition,
        by_submitter,
        comments,
    }
}

/// The comment table as CSV: BOM, the Polish header, one row per comment in number
/// order (the shared writer: `;`, CRLF, every cell through the formula guard).
pub fn csv(comments: &[Comment]) -> ApiResult<Vec<u8>> {
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    crate::spreadsheet::csv_table(
        &CSV_HEADER,
        comments.iter().map(|comment| {
            [
                comment.number.to_string(),
                comment.submitter_label.clone(),
                optional(&comment.unit_reference),
                comment.content.clone(),
                optional(&comment.proposed_change),
                optional(&comment.justification),
                comment.disposition.status.label_pl().to_owned(),
                optional(&comment.disposition.response),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_table_is_the_header() {
        let bytes = csv(&[]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}Lp.;Podmiot zgłaszający;Jednostka redakcyjna;Treść uwagi;Propozycja zmiany;\
             Uzasadnienie;Stanowisko;Uzasadnienie stanowiska\r\n"
        );
    }
}
