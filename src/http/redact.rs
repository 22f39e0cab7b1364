//! Secrets that travel in a path — a registration's cancel code
//! (`/registrations/{code}`) and a survey code (`/cooperation-surveys/{code}`) — kept out
//! of the access log.

use std::borrow::Cow;

/// The path segments whose next segment is a secret unless it is a numeric id
/// (`/events/{id}/registrations/{registration_id}` stays readable).
const SECRET_AFTER: [&str; 2] = ["registrations", "cooperation-surveys"];

/// The request target (path and query) with every secret segment replaced by `***`.
pub fn secrets_in_path(target: &str) -> Cow<'_, str> {
    let (path, query) = match target.find('?') {
        Some(at) => target.split_at(at),
        None => (target, ""),
    };
    let segments: Vec<&str> = path.split('/').collect();
    let secret = |index: usize| {
        index > 0
            && SECRET_AFTER.contains(&segments[index - 1])
            && !segments[index].is_empty()
            && !segments[index].bytes().all(|b| b.is_ascii_digit())
    };
    if !(0..segments.len()).any(secret) {
        return Cow::Borrowed(target);
    }
    let redacted: Vec<&str> = (0..segments.len())
        .map(|index| {
            if secret(index) {
                "***"
            } else {
                segments[index]
            }
        })
        .collect();
    Cow::Owned(format!("{}{query}", redacted.join("/")))
}

#[cfg(test)]
mod tests {
    use super::secrets_in_path;

    #[test]
    fn codes_in_paths_stay_out_of_the_log() {
        for (target, logged) in [
            (
                "/api/v1/registrations/rzc_abc123?x=1",
                "/api/v1/registrations/***?x=1",
            ),
            (
                "/api/v1/cooperation-surveys/wsp_7fK2mQ9x/responses",
                "/api/v1/cooperation-surveys/***/responses",
            ),
            (
                "/api/v1/cooperation-surveys/mistyped",
                "/api/v1/cooperation-surveys/***",
            ),
            (
                "/api/v1/events/4/registrations/7",
                "/api/v1/events/4/registrations/7",
            ),
            (
                "/api/v1/events/4/registrations?limit=5",
                "/api/v1/events/4/registrations?limit=5",
            ),
            ("/api/v1/positions/12", "/api/v1/positions/12"),
        ] {
            assert_eq!(secrets_in_path(target), logged, "{target}");
        }
    }
}
