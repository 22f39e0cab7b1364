//! One error type for the whole API, rendered as RFC 9457 `application/problem+json`.
//!
//! Every error carries a stable snake_case `code` that clients can branch on; the
//! human `detail` may change. Internal causes (SQL, serde, I/O) are logged with the
//! request id and never sent to the client.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

mod code;

pub use code::Code;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request (only on 422 responses).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"field": "address.postal_code", "code": "invalid_postal_code", "message": "a postal code has the form NN-NNN"}))]
pub struct FieldError {
    /// Path of the field in the request body or query (`address.postal_code`, `limit`).
    pub field: String,
    /// Stable machine code of the rule that failed.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// RFC 9457 problem details, the body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:razem:problem:not_found",
    "title": "Not found",
    "status": 404,
    "detail": "association 'xyz' does not exist",
    "code": "not_found"
}))]
pub struct Problem {
    /// URI identifying the problem type (`urn:razem:problem:<code>`).
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type: the same for every occurrence of its `code`.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    pub detail: String,
    /// Stable machine-readable code (snake_case); one of a closed, documented set.
    pub code: Code,
    /// The invalid fields (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The error type returned by every handler (boxed: results stay small on the happy path).
pub struct ApiError(Box<Details>);

struct Details {
    code: Code,
    detail: String,
    errors: Vec<FieldError>,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// What went wrong inside, for the log only.
    internal: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with `code` (which fixes the status) and the explanation of this occurrence.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        let error = Self(Box::new(Details {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
            internal: None,
        }));
        if code.status() == StatusCode::UNAUTHORIZED {
            // RFC 9110: a 401 names the authentication scheme to use.
            error.with_header(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"razem\""),
            )
        } else {
            error
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(Code::Forbidden, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(Code::NotFound, detail)
    }

    pub fn precondition_required() -> Self {
        Self::new(
            Code::PreconditionRequired,
            "this request must carry an If-Match header with the resource's current ETag",
        )
    }

    pub fn precondition_failed(current_version: i64) -> Self {
        Self::new(
            Code::PreconditionFailed,
            format!(
                "the resource was changed by someone else; its current version is {current_version}: \
                 fetch it again (for its ETag) and reapply your change"
            ),
        )
    }

    /// 422 with the invalid fields listed.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("invalid field '{}': {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        Self::new(Code::ValidationFailed, detail).with_field_errors(errors)
    }

    pub fn invalid_field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::new(
            Code::RateLimited,
            format!("too many requests; retry in {retry_after_secs} s"),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))
    }

    pub fn unavailable(internal: impl fmt::Display) -> Self {
        Self::new(
            Code::ServiceUnavailable,
            "the database is not reachable at the moment; retry shortly",
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
        .with_internal(internal)
    }

    pub fn internal(internal: impl fmt::Display) -> Self {
        Self::new(
            Code::InternalError,
            "an unexpected error occurred; it has been logged with the request id",
        )
        .with_internal(internal)
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.push((name, value));
        self
    }

    pub fn with_internal(mut self, internal: impl fmt::Display) -> Self {
        self.0.internal = Some(internal.to_string());
        self
    }

    pub fn with_field_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    pub fn field_errors(self) -> Vec<FieldError> {
        self.0.errors
    }

    pub fn status(&self) -> StatusCode {
        self.0.code.status()
    }

    pub fn code(&self) -> Code {
        self.0.code
    }

    pub fn problem(&self) -> Problem {
        let this = &self.0;
        Problem {
            problem_type: format!("urn:razem:problem:{}", this.code),
            title: this.code.title().to_owned(),
            status: this.code.status().as_u16(),
            detail: this.detail.clone(),
            code: this.code,
            errors: this.errors.clone(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.0.code.status().as_u16(),
            self.0.code,
            self.0.detail
        )?;
        if let Some(internal) = &self.0.internal {
            write!(f, " ({internal})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let this = &self.0;
        let status = this.code.status();
        if let Some(internal) = &this.internal {
            if status.is_server_error() {
                log::error!("{} {}: {internal}", status.as_u16(), this.code);
            } else {
                log::info!("{} {}: {internal}", status.as_u16(), this.code);
            }
        }
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        for (name, value) in &this.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.json(self.problem())
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        ApiError::validation(field_errors(&errors, ""))
    }
}

/// Flatten validator's nested errors into `field.path` entries.
fn field_errors(errors: &validator::ValidationErrors, prefix: &str) -> Vec<FieldError> {
    use validator::ValidationErrorsKind;
    let mut out = Vec::new();
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_rule(error));
                    out.push(FieldError::new(
                        path.clone(),
                        error.code.to_string(),
                        message,
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => out.extend(field_errors(inner, &path)),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    out.extend(field_errors(inner, &format!("{path}[{index}]")));
                }
            }
        }
    }
    out
}

fn describe_rule(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match error.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max} characters"),
            (Some(min), None) => format!("length must be at least {min} characters"),
            (None, Some(max)) => format!("length must be at most {max} characters"),
            _ => "invalid length".to_owned(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".to_owned(),
        },
        "email" => "must be a valid e-mail address".to_owned(),
        "url" => "must be a valid URL".to_owned(),
        other => format!("failed rule '{other}'"),
    }
}
