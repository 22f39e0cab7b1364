//! Atom 1.0 (RFC 4287), written by hand: a feed here is a dozen elements of escaped
//! text, which a format! does in a few lines, while the `atom_syndication` crate would
//! bring an XML writer and its builders for the same output.

use std::fmt::Write;

use crate::markup::escape;

/// One entry: every field already text (timestamps RFC 3339).
#[derive(Debug, Clone)]
pub struct Entry {
    /// A stable URI (`tag:…`).
    pub id: String,
    pub title: String,
    pub updated: String,
    pub published: String,
    /// Where the entry's resource is (its API URL).
    pub link: String,
    pub summary: String,
    pub author: String,
    pub category: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// The feed's own URL (`rel="self"`).
    pub self_link: String,
    /// The list the entries come from (`rel="alternate"`).
    pub alternate: String,
    /// The licence, as `<rights>` and a `rel="license"` link (RFC 4946).
    pub rights: String,
    pub license_url: String,
    /// The newest entry's `updated`, or the epoch for an empty feed (a fixed value keeps
    /// the entity tag of an unchanged feed the same).
    pub updated: String,
    pub entries: Vec<Entry>,
}

pub const EMPTY_UPDATED: &str = "1970-01-01T00:00:00Z";

/// The feed as an XML document.
pub fn render(feed: &Feed) -> String {
    let mut xml = String::with_capacity(1024 + feed.entries.len() * 1024);
    // `write!` into a String cannot fail.
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"pl\">\n\
         \x20 <id>{}</id>\n\
         \x20 <title>{}</title>\n\
         \x20 <subtitle>{}</subtitle>\n\
         \x20 <updated>{}</updated>\n\
         \x20 <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         \x20 <link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n\
         \x20 <link rel=\"license\" href=\"{}\"/>\n\
         \x20 <rights>{}</rights>\n\
         \x20 <author><name>Razem</name></author>\n\
         \x20 <generator>Razem</generator>\n",
        escape(&feed.id),
        escape(&feed.title),
        escape(&feed.subtitle),
        escape(&feed.updated),
        escape(&feed.self_link),
        escape(&feed.alternate),
        escape(&feed.license_url),
        escape(&feed.rights),
    );
    for entry in &feed.entries {
        let _ = write!(
            xml,
            "  <entry>\n\
             \x20   <id>{}</id>\n\
             \x20   <title>{}</title>\n\
             \x20   <updated>{}</updated>\n\
             \x20   <published>{}</published>\n\
             \x20   <link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n\
             \x20   <summary>{}</summary>\n\
             \x20   <author><name>{}</name></author>\n",
            escape(&entry.id),
            escape(&entry.title),
            escape(&entry.updated),
            escape(&entry.published),
            escape(&entry.link),
            escape(&entry.summary),
            escape(&entry.author),
        );
        if let Some(term) = &entry.category {
            let _ = writeln!(xml, "    <category term=\"{}\"/>", escape(term));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}
