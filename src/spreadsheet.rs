//! Cells of CSV exports that a spreadsheet opens: the one guard against CSV (formula)
//! injection, for every export.

use std::borrow::Cow;

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
