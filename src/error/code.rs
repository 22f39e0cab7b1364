//! The stable problem codes: one enum, each code with its HTTP status and title.
//!
//! Clients branch on `code`; the contract lists every value (the `code` property of
//! the problem schema is this enum). A new code is a new variant here, nowhere else.

use actix_web::http::StatusCode;

/// Declares the codes with their status and title, and the lookups over them.
macro_rules! problem_codes {
    ($($variant:ident => ($status:literal, $text:literal, $title:literal)),+ $(,)?) => {
        /// A stable, machine-readable problem code (snake_case on the wire).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Code {
            $($variant),+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The text clients see (`code`, and the tail of `type`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text),+
                }
            }

            /// The HTTP status every occurrence of this code has.
            pub fn status(self) -> StatusCode {
                let status: u16 = match self {
                    $(Code::$variant => $status),+
                };
                // Every status above is a valid literal status code.
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// A short summary of the problem type (RFC 9457 `title`): the same for every
            /// occurrence of the code.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title),+
                }
            }
        }
    };
}

problem_codes! {
    // 400: the request itself is malformed
    InvalidCursor => (400, "invalid_cursor", "Invalid cursor"),
    InvalidHeader => (400, "invalid_header", "Invalid header"),
    InvalidIfMatch => (400, "invalid_if_match", "Invalid If-Match header"),
    InvalidPath => (400, "invalid_path", "Invalid path parameter"),
    InvalidQuery => (400, "invalid_query", "Invalid query parameter"),
    MalformedBody => (400, "malformed_body", "Malformed request body"),
    MalformedJson => (400, "malformed_json", "Malformed JSON"),
    SearchQueryEmpty => (400, "search_query_empty", "Search query without words"),
    SearchQueryTooLong => (400, "search_query_too_long", "Search query too long"),
    // 401: who is calling is unknown
    AuthenticationRequired => (401, "authentication_required", "Authentication required"),
    InvalidCredentials => (401, "invalid_credentials", "Invalid credentials"),
    InvalidRefreshToken => (401, "invalid_refresh_token", "Invalid refresh token"),
    InvalidToken => (401, "invalid_token", "Invalid token"),
    RefreshTokenReused => (401, "refresh_token_reused", "Refresh token reused"),
    TokenExpired => (401, "token_expired", "Token expired"),
    // 403: known, but not allowed
    Forbidden => (403, "forbidden", "Forbidden"),
    InsufficientScope => (403, "insufficient_scope", "Insufficient token scope"),
    NotEligible => (403, "not_eligible", "Not eligible"),
    TokenNotAllowed => (403, "token_not_allowed", "Not allowed for API tokens"),
    // 404-415: the target or the form of the exchange
    NotFound => (404, "not_found", "Not found"),
    MethodNotAllowed => (405, "method_not_allowed", "Method not allowed"),
    NotAcceptable => (406, "not_acceptable", "Not acceptable"),
    RequestTimeout => (408, "request_timeout", "Request timeout"),
    PayloadTooLarge => (413, "payload_too_large", "Payload too large"),
    UnsupportedMediaType => (415, "unsupported_media_type", "Unsupported media type"),
    // 409: the state of a resource does not allow it
    AlreadyAdopted => (409, "already_adopted", "Practice already adopted"),
    AlreadyCoSigned => (409, "already_co_signed", "Already co-signed"),
    AlreadyExists => (409, "already_exists", "Already exists"),
    AlreadyRegistered => (409, "already_registered", "Already registered"),
    AssessmentExists => (409, "assessment_exists", "Assessment already exists"),
    AssessmentNotDraft => (409, "assessment_not_draft", "Assessment is not a draft"),
    AssessmentPublished => (409, "assessment_published", "Assessment published"),
    CodeTaken => (409, "code_taken", "Code already used"),
    CommentDecided => (409, "comment_decided", "Comment already decided"),
    CommentsPending => (409, "comments_pending", "Comments still pending"),
    ConcurrentUpdate => (409, "concurrent_update", "Concurrent update"),
    ConsultationCancelled => (409, "consultation_cancelled", "Consultation cancelled"),
    ConsultationClosed => (409, "consultation_closed", "Consultation closed"),
    ConsultationFinal => (409, "consultation_final", "Consultation is final"),
    ConsultationNotDeletable => (409, "consultation_not_deletable", "Consultation cannot be deleted"),
    ConsultationNotDraft => (409, "consultation_not_draft", "Consultation is not a draft"),
    ConsultationNotOpen => (409, "consultation_not_open", "Consultation not open"),
    EmailTaken => (409, "email_taken", "E-mail already used"),
    EventFull => (409, "event_full", "Event full"),
    IdempotencyKeyInUse => (409, "idempotency_key_in_use", "Idempotency key in use"),
    IllegalTransition => (409, "illegal_transition", "Illegal transition"),
    IndicatorNameTaken => (409, "indicator_name_taken", "Indicator name already used"),
    MembershipNeededByPresidency => (409, "membership_needed_by_presidency", "Membership needed by a presidency"),
    MembershipOverlap => (409, "membership_overlap", "Overlapping membership"),
    NotAnAlliance => (409, "not_an_alliance", "Not an alliance"),
    NumberTaken => (409, "number_taken", "Number already used"),
    OwnPosition => (409, "own_position", "Own position"),
    PositionAlreadySent => (409, "position_already_sent", "Position already sent"),
    PositionNotDeletable => (409, "position_not_deletable", "Position cannot be deleted"),
    PositionNotDraft => (409, "position_not_draft", "Position is not a draft"),
    PositionNotSent => (409, "position_not_sent", "Position not sent"),
    PositionWithdrawn => (409, "position_withdrawn", "Position withdrawn"),
    PracticeNotPublished => (409, "practice_not_published", "Practice not published"),
    PresidencyOverlap => (409, "presidency_overlap", "Overlapping presidency"),
    RegistrationClosed => (409, "registration_closed", "Registration closed"),
    RegistrationNotOpen => (409, "registration_not_open", "Registration not open yet"),
    ReportPublished => (409, "report_published", "Report already published"),
    ResultsNotPublished => (409, "results_not_published", "Results not published"),
    SlugTaken => (409, "slug_taken", "Slug already used"),
    StillReferenced => (409, "still_referenced", "Still referenced"),
    SurveyCodeUsed => (409, "survey_code_used", "Survey code already used"),
    SurveyNotOpen => (409, "survey_not_open", "Survey not open"),
    SyntheticDataExists => (409, "synthetic_data_exists", "Synthetic data already loaded"),
    TerytTaken => (409, "teryt_taken", "TERC code already used"),
    TooManyIndicators => (409, "too_many_indicators", "Too many indicators"),
    WindowShortened => (409, "window_shortened", "Window shortened"),
    WindowStarted => (409, "window_started", "Window already open"),
    // 412-429: preconditions, validation, rate
    PreconditionFailed => (412, "precondition_failed", "Precondition failed"),
    IdempotencyKeyReused => (422, "idempotency_key_reused", "Idempotency key reused"),
    ValidationFailed => (422, "validation_failed", "Validation failed"),
    PreconditionRequired => (428, "precondition_required", "Precondition required"),
    RateLimited => (429, "rate_limited", "Too many requests"),
    // 5xx: our side
    InternalError => (500, "internal_error", "Internal error"),
    ServiceUnavailable => (503, "service_unavailable", "Service unavailable"),
    Timeout => (503, "timeout", "Database busy"),
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl utoipa::PartialSchema for Code {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut description = String::from(
            "Stable machine-readable problem code. Each code always comes with the same \
             HTTP status and title:\n\n| code | status | title |\n|---|---|---|\n",
        );
        for code in Code::ALL {
            description.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.as_str(),
                code.status().as_u16(),
                code.title()
            ));
        }
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(Code::ALL.iter().map(|c| c.as_str())))
            .examples([serde_json::json!(Code::NotFound.as_str())])
            .into()
    }
}

impl utoipa::ToSchema for Code {}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn every_code_is_unique_snake_case_with_a_real_status() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text} is not snake_case"
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert!(!code.title().is_empty());
            // serde writes the same text as as_str (the wire and the URN agree).
            assert_eq!(serde_json::to_value(code).unwrap(), text);
        }
    }
}
