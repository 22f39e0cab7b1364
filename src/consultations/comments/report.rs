//! The report on a consultation: counts, the comment table, and its CSV form (the
//! standard comment table as Polish offices publish it: `;`-separated, UTF-8 with BOM
//! so that Excel reads the Polish letters).

use actix_web::HttpRequest;
use actix_web::http::header::{self, Header};

use super::dto::{Comment, DispositionCounts, Report, SubmitterCount};
use crate::consultations::dto::Consultation;
use crate::error::{ApiError, ApiResult, Code};

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

/// The byte order mark that tells spreadsheet programs the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// The report's media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
}

/// The format the `Accept` header prefers: JSON without one (and on ties), CSV when it
/// ranks `text/csv` higher; 406 when it accepts neither.
pub fn negotiate(req: &HttpRequest) -> ApiResult<ReportFormat> {
    if !req.headers().contains_key(header::ACCEPT) {
        return Ok(ReportFormat::Json);
    }
    let accept = header::Accept::parse(req)
        .map_err(|_| ApiError::new(Code::InvalidHeader, "the Accept header is not readable"))?;
    // The quality a media range gives a type, and how specific the range is (2 exact,
    // 1 `type/*`, 0 `*/*`): the most specific matching range decides.
    let quality = |kind: &str, subtype: &str| -> header::Quality {
        accept
            .0
            .iter()
            .filter_map(|item| {
                let range = &item.item;
                let specificity = match (range.type_().as_str(), range.subtype().as_str()) {
                    (t, s) if t == kind && s == subtype => 2,
                    (t, "*") if t == kind => 1,
                    ("*", "*") => 0,
                    _ => return None,
                };
                Some((specificity, item.quality))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .map_or(header::Quality::ZERO, |(_, quality)| quality)
    };
    let json = quality("application", "json");
    let csv = quality("text", "csv");
    if json == header::Quality::ZERO && csv == header::Quality::ZERO {
        return Err(ApiError::new(
            Code::NotAcceptable,
            "the report is available as application/json or text/csv",
        ));
    }
    Ok(if csv > json {
        ReportFormat::Csv
    } else {
        ReportFormat::Json
    })
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

/// A cell of the table, defused against formula injection (the shared guard).
fn cell(text: &str) -> String {
    crate::spreadsheet::csv_cell(text).into_owned()
}

/// The comment table as CSV: BOM, the Polish header, one row per comment in number
/// order, `;`-separated, CRLF line ends, quoted where needed.
pub fn csv(comments: &[Comment]) -> ApiResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    let failed = |error: csv::Error| ApiError::internal(format!("writing the CSV report: {error}"));
    writer.write_record(CSV_HEADER).map_err(failed)?;
    for comment in comments {
        let optional = |value: &Option<String>| cell(value.as_deref().unwrap_or_default());
        writer
            .write_record([
                comment.number.to_string(),
                cell(&comment.submitter_label),
                optional(&comment.unit_reference),
                cell(&comment.content),
                optional(&comment.proposed_change),
                optional(&comment.justification),
                comment.disposition.status.label_pl().to_owned(),
                optional(&comment.disposition.response),
            ])
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| ApiError::internal(format!("writing the CSV report: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_go_through_the_shared_guard() {
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell(" ＝SUM(A1)"), "' ＝SUM(A1)");
        assert_eq!(cell("§ 5 ust. 2"), "§ 5 ust. 2");
    }

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
