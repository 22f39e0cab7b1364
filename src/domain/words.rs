//! Words for full-text search: how text is cut into words and folded (the index and
//! the query agree on it), and a small Polish suffix stripper for the query side.
//!
//! **Method.** The index stores every word folded (lower case, ASCII: `Wodociągów` →
//! `wodociagow`). A query word is folded the same way, then its inflectional ending is
//! stripped ([`stem`]), and the stem is matched as a *prefix* of indexed words
//! (`wodociag:*` in a PostgreSQL `tsquery`, `"wodociag"*` in SQLite FTS5). So
//! "wodociągi" (→ `wodociag`) finds "wodociągów", "wodociąg" and "wodociągami", and
//! "oświata" (→ `oswiat`) finds "oświaty", "oświatę" and "oświatowych". Documents are
//! not stemmed: the query's stem, as a prefix, already reaches every form that keeps it.
//!
//! **Limits** (examples in the tests):
//! - stem alternations are not undone: "miasto" (→ `miast`) does not find "mieście",
//!   "ręka" does not find "rąk", "oświata" does not find "oświacie" (`t`→`c`), "Polska"
//!   does not find "Polsce";
//! - a stem is a prefix, so it also finds longer words sharing it: "gmina" (→ `gmin`)
//!   finds "gminny"; "energia" (→ `energ`) finds "energetyka";
//! - words of up to three letters and words with digits are not stripped, and a stem
//!   keeps at least three letters ("domy" → `dom`, "oko" stays), so a three-letter
//!   word matches every word it begins ("rok" finds "roku", "rokowania");
//! - a term of one or two characters matches only that whole word
//!   (`db::search_docs::MIN_PREFIX`, which both databases' queries follow):
//!   "ul" finds "ul." but not "ulica", "2" finds "nr 2" but not "2026". As a prefix it
//!   would reach a large part of the vocabulary ("w" begins thousands of words), which
//!   costs both databases a scan of every such word and finds nothing useful;
//! - only endings are handled: no prefixes ("naj-"), verbs only where their endings
//!   coincide with nominal ones.
//!
//! Folding happens before stemming, so ó/o, ł/l, ą/a are one letter here: "szkół" and
//! "szkoła" both give `szkol`.

use crate::db::search_docs::is_prefix;

/// The folded words of `text`, in order: runs of letters and digits, transliterated to
/// lower-case ASCII (`Śląski Związek` → `slaski`, `zwiazek`).
pub fn words(text: &str) -> Vec<String> {
    pieces(text)
        .filter(|(_, is_word)| *is_word)
        .map(|(word, _)| fold_word(word))
        .filter(|word| !word.is_empty())
        .collect()
}

/// `text` cut into alternating runs: `(run, true)` for a word, `(run, false)` for what
/// lies between words. Concatenated, the runs are `text` again (snippets use this).
pub fn pieces(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let is_word = first.is_alphanumeric();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric() != is_word)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some((run, is_word))
    })
}

/// One word folded: transliterated to ASCII, lower case, only letters and digits kept.
pub fn fold_word(word: &str) -> String {
    deunicode::deunicode(word)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Endings of Polish nouns and adjectives (folded), longest first: the first that
/// leaves a stem of at least [`MIN_STEM`] letters is stripped.
const ENDINGS: &[&str] = &[
    // adjectives: -owego, -owych, -owymi …; -iego, -iemu …
    "owego", "owemu", "owych", "owymi", "iego", "iemu", "owej", "owym", "owie", "owi", "ego", "emu",
    "ych", "ymi", "ich", "imi", "iej", "iach", "iami", "ach", "ami", "owa", "owe", "owy", "ej",
    "ym", "im", "om", "ow", "ie", "ia", "iu", "ii", "em", "a", "e", "i", "o", "u", "y",
];

/// The shortest stem [`stem`] leaves.
const MIN_STEM: usize = 3;

/// The stem of one folded word: its inflectional ending stripped (see the module's
/// limits). Words with digits, and words of three letters or fewer, are kept whole.
pub fn stem(word: &str) -> &str {
    if word.len() <= MIN_STEM || word.bytes().any(|b| b.is_ascii_digit()) {
        return word;
    }
    ENDINGS
        .iter()
        .filter_map(|ending| word.strip_suffix(ending))
        .find(|stem| stem.len() >= MIN_STEM)
        .unwrap_or(word)
}

/// The most words a query may have.
pub const MAX_TERMS: usize = 12;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// A query's terms: the stems of its words, in order, without repeats. A document
/// matches when every term is a prefix of one of its words (`is_prefix`; a shorter
/// term: one of its words).
pub fn query_terms(q: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words(q) {
        let term = stem(&word).to_owned();
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms.truncate(MAX_TERMS);
    terms
}

/// Does the folded `word` match one of `terms` (is a term its prefix, or the word)?
pub fn matches_any(word: &str, terms: &[String]) -> bool {
    terms.iter().any(|term| {
        if is_prefix(term) {
            word.starts_with(term.as_str())
        } else {
            word == term
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_runs_of_letters_and_digits() {
        assert_eq!(
            words("Śląski Związek Gmin i Powiatów, nr 12/2026 (UD439)!"),
            [
                "slaski", "zwiazek", "gmin", "i", "powiatow", "nr", "12", "2026", "ud439"
            ]
        );
        assert_eq!(
            words("<script>&amp;\0\"*NEAR -:&|!()"),
            ["script", "amp", "near"]
        );
        assert!(words("  ,;-– ").is_empty());
    }

    #[test]
    fn pieces_give_back_the_text() {
        let text = "<b>Wodociągi</b> & kanalizacja…";
        let pieces: Vec<(&str, bool)> = pieces(text).collect();
        assert_eq!(pieces.iter().map(|(p, _)| *p).collect::<String>(), text);
        assert_eq!(pieces[1], ("b", true));
        assert_eq!(pieces[3], ("Wodociągi", true));
    }

    /// Forms of one lexeme all give stems that are prefixes of each other's folded
    /// forms: the condition for the query to find every form.
    #[test]
    fn inflected_forms_find_each_other() {
        let families: &[&[&str]] = &[
            &[
                "wodociąg",
                "wodociągi",
                "wodociągów",
                "wodociągami",
                "wodociągach",
                "wodociągu",
                "wodociągom",
            ],
            &[
                "oświata",
                "oświaty",
                "oświatę",
                "oświatą",
                "oświatowy",
                "oświatowych",
                "oświatowego",
            ],
            &[
                "inwestycja",
                "inwestycji",
                "inwestycje",
                "inwestycjach",
                "inwestycjami",
                "inwestycję",
            ],
            &[
                "projekt",
                "projekty",
                "projektów",
                "projektami",
                "projektu",
                "projektem",
            ],
            &["konsultacja", "konsultacje", "konsultacji", "konsultacjach"],
            &[
                "gmina", "gminy", "gminie", "gmin", "gminom", "gminami", "gminach",
            ],
            &[
                "śląski",
                "śląskie",
                "śląskiego",
                "śląskich",
                "śląskiej",
                "Śląskim",
            ],
            &["szkoła", "szkoły", "szkole", "szkół", "szkołom", "szkołach"],
            &["powiat", "powiaty", "powiatów", "powiatowi", "powiatem"],
            &[
                "samorząd",
                "samorządy",
                "samorządów",
                "samorządowe",
                "samorządowych",
            ],
            &["woda", "wodę", "wody", "wodą"],
            &["ustawa", "ustawy", "ustawie", "ustaw", "ustawą"],
        ];
        for family in families {
            for query in *family {
                let term = stem_of(query);
                for form in *family {
                    let folded = fold_word(form);
                    assert!(
                        folded.starts_with(&term),
                        "{query} (→ {term}) does not find {form} ({folded})"
                    );
                }
            }
        }
    }

    #[test]
    fn stems_of_a_table_of_forms() {
        for (word, expected) in [
            ("wodociągi", "wodociag"),
            ("wodociągów", "wodociag"),
            ("oświata", "oswiat"),
            ("oświaty", "oswiat"),
            ("oswiata", "oswiat"),
            ("zaopatrzeniu", "zaopatrzen"),
            ("współpracy", "wspolprac"),
            ("międzysamorządowej", "miedzysamorzad"),
            ("województwa", "wojewodztw"),
            ("ŻYWIEC", "zywiec"),
        ] {
            assert_eq!(stem_of(word), expected, "{word}");
        }
    }

    #[test]
    fn short_words_and_numbers_are_not_over_stripped() {
        for (word, expected) in [
            ("rok", "rok"),
            ("dom", "dom"),
            ("oko", "oko"),
            ("domy", "dom"),
            ("lasu", "las"),
            ("wodę", "wod"),
            ("ud439", "ud439"),
            ("2026", "2026"),
            ("i", "i"),
            ("kia", "kia"),
            ("akcja", "akcj"),
        ] {
            assert_eq!(stem_of(word), expected, "{word}");
        }
    }

    #[test]
    fn the_documented_limits_hold() {
        // Alternations are not undone.
        assert!(!fold_word("mieście").starts_with(&stem_of("miasto")));
        assert!(!fold_word("Polsce").starts_with(&stem_of("Polska")));
        assert!(!fold_word("oświacie").starts_with(&stem_of("oświata")));
        // A stem is a prefix: it also finds longer words.
        assert!(fold_word("gminny").starts_with(&stem_of("gmina")));
        // A term of one or two characters is a whole word.
        let short = query_terms("ul 2 rok");
        assert!(matches_any("ul", &short) && !matches_any("ulica", &short));
        assert!(matches_any("2", &short) && !matches_any("2026", &short));
        assert!(matches_any("rokowania", &short));
    }

    #[test]
    fn query_terms_drop_operators_repeats_and_excess() {
        assert_eq!(
            query_terms("\"wodociągi\" AND -oświata* NEAR(x)"),
            ["wodociag", "and", "oswiat", "near", "x"]
        );
        assert_eq!(query_terms("gmina gminy GMIN"), ["gmin"]);
        assert!(query_terms("%_\0'\":&|!()").is_empty());
        let many = (0..40)
            .map(|i| format!("slowo{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query_terms(&many).len(), MAX_TERMS);
    }

    fn stem_of(word: &str) -> String {
        stem(&fold_word(word)).to_owned()
    }
}
