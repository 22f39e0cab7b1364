//! CSV exports that a spreadsheet opens: the one guard against CSV (formula) injection,
//! the one writer of `;`-separated UTF-8 tables with a BOM, and the negotiation between
//! JSON and CSV, for every export.

use std::borrow::Cow;

use actix_web::http::header::{self, Header};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::{ApiError, ApiResult, Code};

/// The byte order mark that tells spreadsheet programs the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// The media types of a table that is also offered as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

/// The format the `Accept` header prefers: JSON without one (and on ties), CSV when it
/// ranks `text/csv` higher; 406 naming `what` when it accepts neither.
pub fn negotiate(req: &HttpRequest, what: &str) -> ApiResult<Format> {
    if !req.headers().contains_key(header::ACCEPT) {
        return Ok(Format::Json);
    }
    let accept = accepted(req)?;
    let json = quality(&accept, "application", "json");
    let csv = quality(&accept, "text", "csv");
    if json == header::Quality::ZERO && csv == header::Quality::ZERO {
        return Err(ApiError::new(
            Code::NotAcceptable,
            format!("{what} is available as application/json or text/csv"),
        ));
    }
    Ok(if csv > json {
        Format::Csv
    } else {
        Format::Json
    })
}

/// A CSV table ([`csv_table`]) as a download named `filename`.
pub fn attachment(table: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(table)
}

/// Answers `value` in the negotiated `format`: as JSON, or as the CSV download
/// `filename` that `csv` writes from it.
pub fn respond<T: Serialize>(
    format: Format,
    value: &T,
    csv: impl FnOnce(&T) -> ApiResult<Vec<u8>>,
    filename: &str,
) -> ApiResult<HttpResponse> {
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(value)),
        Format::Csv => Ok(attachment(csv(value)?, filename)),
    }
}

/// The `Accept` header, parsed (400 when unreadable); call it only when there is one.
pub fn accepted(req: &HttpRequest) -> ApiResult<header::Accept> {
    header::Accept::parse(req)
        .map_err(|_| ApiError::new(Code::InvalidHeader, "the Accept header is not readable"))
}

/// The quality `accept` gives the media type `kind/subtype`: that of the most specific
/// matching range (2 exact, 1 `type/*`, 0 `*/*`), zero when none matches.
pub fn quality(accept: &header::Accept, kind: &str, subtype: &str) -> header::Quality {
    accept
        .0
        .iter()
        .filter_map(|item| {
            let range = &item.item;
            let specificity = match (range.type_().as_str(), range.subtype().as_str()) {
                (t, s) if t.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => 2,
                (t, "*") if t.eq_ignore_ascii_case(kind) => 1,
                ("*", "*") => 0,
                _ => return None,
            };
            Some((specificity, item.quality))
        })
        .max_by_key(|(specificity, _)| *specificity)
        .map_or(header::Quality::ZERO, |(_, quality)| quality)
}

/// A table as CSV the way Polish offices publish one: BOM, `;`-separated, CRLF line
/// ends, quoted where needed, every cell defused ([`csv_cell`]).
pub fn csv_table<H: AsRef<str>, R: AsRef<[String]>>(
    header: &[H],
    rows: impl IntoIterator<Item = R>,
) -> ApiResult<Vec<u8>> {
    let mut writer = csv_writer(BOM.as_bytes().to_vec());
    csv_record(&mut writer, header)?;
    for row in rows {
        csv_record(&mut writer, row.as_ref())?;
    }
    csv_finish(writer)
}

/// Rows as [`csv_table`] writes them, without the BOM and the header: the pieces of a
/// table sent in parts (the streamed exports of lists).
pub fn csv_rows<R: AsRef<[String]>>(rows: impl IntoIterator<Item = R>) -> ApiResult<Vec<u8>> {
    let mut writer = csv_writer(Vec::new());
    for row in rows {
        csv_record(&mut writer, row.as_ref())?;
    }
    csv_finish(writer)
}

fn csv_writer(start: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(start)
}

fn csv_failed(error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("writing a CSV table: {error}"))
}

fn csv_record(
    writer: &mut csv::Writer<Vec<u8>>,
    cells: impl IntoIterator<Item = impl AsRef<str>>,
) -> ApiResult<()> {
    writer
        .write_record(
            cells
                .into_iter()
                .map(|cell| csv_cell(cell.as_ref()).into_owned()),
        )
        .map_err(csv_failed)
}

fn csv_finish(writer: csv::Writer<Vec<u8>>) -> ApiResult<Vec<u8>> {
    writer.into_inner().map_err(csv_failed)
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's CSV
/// injection list), with their full-width and small forms, which NFKC folds onto them and
/// some spreadsheets read the same way.
const FORMULA_STARTS: [char; 12] = [
    '=', '+', '-', '@', // ASCII
    '＝', '＋', '－', '＠', // full-width (U+FF1D, U+FF0B, U+FF0D, U+FF20)
    '﹦', '﹢', '﹣', '﹫', // small forms (U+FE66, U+FE62, U+FE63, U+FE6B)
];

/// Leading characters a spreadsheet may skip before it looks for a formula: whitespace,
/// control characters and the invisible format characters (zero-width space, joiners,
/// word joiner, byte order mark).
fn skipped(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The text of one cell, defused: a cell that starts — after any leading whitespace,
/// control or invisible characters — with `=`, `+`, `-`, `@` (or their full-width or
/// small forms), or whose leading run holds a tab or a carriage return, gets a leading
/// apostrophe, so it is shown as text and never evaluated. Anything else is unchanged.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let rest = text.trim_start_matches(skipped);
    let leading = &text[..text.len() - rest.len()];
    if rest.starts_with(FORMULA_STARTS) || leading.contains(['\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formulas_are_defused() {
        for formula in [
            "=SUM(A1)",
            "+48 32 123 45 67",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "\tplain after a tab",
            "\rplain after a carriage return",
            " =HYPERLINK(\"http://example.org\")",
            "   +1",
            "\n=1",
            "\u{a0}=1",
            "\u{3000}=1",
            "\u{200b}=1",
            "\u{feff}=1",
            "\u{1}=1",
            "＝SUM(A1)",
            "＋1",
            "－1",
            "＠SUM(A1)",
            " ＝1",
            "﹦1",
            "﹢1",
            "﹣1",
            "﹫1",
            "- dodać punkt",
        ] {
            assert_eq!(csv_cell(formula), format!("'{formula}"), "{formula:?}");
        }
    }

    #[test]
    fn text_is_left_alone() {
        for text in [
            "",
            "   ",
            "§ 5 ust. 2",
            "Gmina Katowice",
            "e-mail: biuro@example.org",
            "1 + 1 = 2",
            "'=already quoted",
            "Uwaga — bez zmian",
        ] {
            assert_eq!(csv_cell(text), text, "{text:?}");
        }
    }
}
