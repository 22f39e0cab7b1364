//! Text values: slugs, e-mail addresses, web addresses, and search folding.

use super::string_value;

/// Lower-cases and strips diacritics (`Śląski Związek` → `slaski zwiazek`) so that
/// search behaves the same on PostgreSQL and SQLite.
pub fn fold_for_search(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

string_value!(
    /// URL-safe identifier derived from a name: lower-case ASCII words joined by dashes.
    Slug,
    description = "URL-safe identifier: lower-case ASCII letters and digits in words joined by single dashes",
    example = "slaski-zwiazek-gmin-i-powiatow",
    pattern = Some(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    min = Some(1),
    max = Some(100),
    parse = |raw| {
        let valid = !raw.is_empty()
            && raw.len() <= 100
            && raw.split('-').all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_slug] a slug is 1-100 lower-case ASCII letters and digits in words joined by single dashes".to_owned())
        }
    }
);

impl Slug {
    /// The slug of a name: `Śląski Związek Gmin i Powiatów` → `slaski-zwiazek-gmin-i-powiatow`.
    pub fn from_name(name: &str) -> Slug {
        let folded = fold_for_search(name);
        let mut slug = String::with_capacity(folded.len());
        for word in folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if slug.len() + word.len() + 1 > 100 {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(word);
        }
        if slug.is_empty() {
            slug.push_str("organization");
        }
        Slug(slug)
    }

    /// The same slug with a numeric suffix, for collisions.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let keep = self.0.len().min(100 - suffix.len());
        Slug(format!("{}{suffix}", self.0[..keep].trim_end_matches('-')))
    }
}

/// `local@domain.tld` with the characters the schema's pattern names.
fn is_plain_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    local_ok && domain_ok
}

string_value!(
    /// An e-mail address.
    Email,
    description = "E-mail address (plain `local@domain.tld`)",
    example = "biuro@silesia.org.pl",
    pattern = Some(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"),
    min = Some(5),
    max = Some(254),
    parse = |raw| {
        if is_plain_email(raw) {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_email] not a valid e-mail address".to_owned())
        }
    }
);

string_value!(
    /// An absolute http(s) address.
    WebUrl,
    description = "Absolute http:// or https:// address",
    example = "https://www.silesia.org.pl",
    pattern = Some(r"^https?://[^\s/?#]+([/?#]\S*)?$"),
    min = Some(8),
    max = Some(2048),
    parse = |raw| {
        let valid = raw.len() <= 2048
            && (raw.starts_with("https://") || raw.starts_with("http://"))
            && url::Url::parse(raw).is_ok_and(|url| url.host_str().is_some_and(|h| !h.is_empty()))
            && !raw.chars().any(char::is_whitespace);
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_url] must be an absolute http:// or https:// address".to_owned())
        }
    }
);

/// Serializes an optional e-mail address masked ([`mask_email`]): personal data is kept
/// out of audit records (`#[serde(serialize_with = "masked_email")]`).
pub fn masked_email<S: serde::Serializer>(
    email: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match email {
        Some(email) => serializer.serialize_some(&mask_email(email)),
        None => serializer.serialize_none(),
    }
}

/// Serializes an optional person's name as its first letter (`Jan Kowalski` → `J***`),
/// for audit records.
pub fn masked_name<S: serde::Serializer>(
    name: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match name {
        Some(name) => {
            serializer.serialize_some(&format!("{}***", name.chars().next().unwrap_or('*')))
        }
        None => serializer.serialize_none(),
    }
}

/// `jan.kowalski@example.org` → `j***@example.org`, for log lines.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_from_polish_name() {
        assert_eq!(
            Slug::from_name("Śląski Związek Gmin i Powiatów").as_str(),
            "slaski-zwiazek-gmin-i-powiatow"
        );
        assert_eq!(Slug::from_name("Łódź — 2024!").as_str(), "lodz-2024");
        assert_eq!(fold_for_search("ŻÓŁĆ"), "zolc");
    }
}
