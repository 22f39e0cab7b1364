//! Text as markup: the one escaper of the Atom feeds (XML 1.0) and the search snippets
//! (HTML fragments).

/// Appends `text` for element content or a quoted attribute value, in XML 1.0 as in
/// HTML: `&`, `<`, `>`, `"` and `'` as entities (`&#39;`, which both read, where XML
/// alone has `&apos;`), and the characters XML 1.0 does not allow left out: control
/// characters other than tab, line feed and carriage return (HTML has no use for them
/// either), U+FFFE and U+FFFF.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// `text` escaped as [`escape_into`] does.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(
            escape("<b>\"Łódź\" & 'Kraków'</b>\u{0}\u{1}\u{7f}\u{fffe}\u{ffff}"),
            "&lt;b&gt;&quot;Łódź&quot; &amp; &#39;Kraków&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn tab_and_line_breaks_are_kept() {
        assert_eq!(escape("a\tb\r\nc"), "a\tb\r\nc");
    }
}
