//! Snippets: the text around the first match, as an HTML fragment in which the matched
//! words are wrapped in `<mark>` and everything else is escaped. Computed here, from
//! the stored text and the query's terms, so that both backends give the same one.

use crate::domain::words::{fold_word, matches_any, pieces};
use crate::markup::escape_into;

/// Words shown before the first match.
const BEFORE: usize = 8;
/// Words shown in all.
const WORDS: usize = 30;

/// The snippet of a hit: from the body when a term matches there, else the title.
pub fn snippet(title: &str, body: &str, terms: &[String]) -> String {
    window(body, terms)
        .or_else(|| window(title, terms))
        .unwrap_or_else(|| mark(title, terms, 0, usize::MAX))
}

/// Up to [`WORDS`] words of `text` around its first matching word, if one matches.
fn window(text: &str, terms: &[String]) -> Option<String> {
    let first = pieces(text)
        .filter(|(_, is_word)| *is_word)
        .position(|(word, _)| matches_any(&fold_word(word), terms))?;
    let start = first.saturating_sub(BEFORE);
    Some(mark(text, terms, start, start + WORDS))
}

/// Words `start..end` of `text` (and what lies between them), escaped, matches marked;
/// `…` where text was left out. Runs of white space become one space.
fn mark(text: &str, terms: &[String], start: usize, end: usize) -> String {
    let mut out = String::new();
    let mut word_index = 0;
    let mut cut_after = false;
    for (piece, is_word) in pieces(text) {
        if is_word {
            if word_index >= end {
                cut_after = true;
                break;
            }
            if word_index >= start {
                let matched = matches_any(&fold_word(piece), terms);
                if matched {
                    out.push_str("<mark>");
                }
                escape_into(&mut out, piece);
                if matched {
                    out.push_str("</mark>");
                }
            }
            word_index += 1;
        } else if word_index > start || start == 0 {
            // Between shown words, or what precedes the text's first word.
            escape_into(&mut out, &collapse_space(piece));
        }
    }
    let out = out.trim();
    match (start > 0, cut_after) {
        (true, true) => format!("… {out} …"),
        (true, false) => format!("… {out}"),
        (false, true) => format!("{out} …"),
        (false, false) => out.to_owned(),
    }
}

/// `text` with every run of white space as one space.
fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &str) -> Vec<String> {
        crate::domain::words::query_terms(q)
    }

    #[test]
    fn marks_inflected_matches_and_escapes_the_rest() {
        assert_eq!(
            snippet(
                "<script>alert(1)</script> Wodociągi & kanalizacja",
                "",
                &terms("wodociągów")
            ),
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Wodociągi</mark> &amp; kanalizacja"
        );
    }

    #[test]
    fn cuts_a_window_around_the_first_match_in_the_body() {
        let body = (1..=60)
            .map(|i| format!("słowo{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " oświaty \"w\" gminie";
        let snippet = snippet("Tytuł", &body, &terms("oswiata"));
        assert!(snippet.starts_with("… słowo53 "), "{snippet}");
        assert!(
            snippet.ends_with("<mark>oświaty</mark> &quot;w&quot; gminie"),
            "{snippet}"
        );
    }

    #[test]
    fn without_a_match_in_the_body_the_title_is_shown() {
        assert_eq!(
            snippet("Gmina  Opole", "inny\n\ntekst", &terms("gminy")),
            "<mark>Gmina</mark> Opole"
        );
        assert_eq!(snippet("Bez", "trafień", &terms("zzz")), "Bez");
    }
}
