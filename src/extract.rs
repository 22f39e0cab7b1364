//! Request extractors that answer every malformed input with problem+json:
//! JSON bodies (415, 413, 400, 422 with field paths), query strings (400 naming the
//! parameter), path parameters (400) and `If-Match` preconditions (428, 412).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::{LocalBoxFuture, Ready, ready};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, Code, FieldError};

/// Largest accepted JSON body.
pub const MAX_JSON_BODY: usize = 256 * 1024;

/// A validated JSON request body.
pub struct Json<T>(pub T);

impl<T> FromRequest for Json<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json_content_type(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        // A client that trickles its body would hold the connection for as long as it
        // likes: the body must arrive within the client timeout, like the head.
        let body_timeout = req
            .app_data::<actix_web::web::Data<crate::http::state::AppState>>()
            .map_or(crate::config::DEFAULT_CLIENT_TIMEOUT, |state| {
                state.config.client_timeout
            });
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::new(
                    Code::UnsupportedMediaType,
                    "the request body must be JSON, sent with 'Content-Type: application/json'",
                )
                .with_header(
                    header::ACCEPT,
                    header::HeaderValue::from_static("application/json"),
                ));
            }
            if declared_length.is_some_and(|len| len > MAX_JSON_BODY) {
                return Err(payload_too_large());
            }
            let read = async {
                let mut body = BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| {
                        ApiError::new(Code::MalformedBody, "the request body could not be read")
                            .with_internal(e)
                    })?;
                    if body.len() + chunk.len() > MAX_JSON_BODY {
                        return Err(payload_too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            };
            let body = tokio::time::timeout(body_timeout, read)
                .await
                .map_err(|_| {
                    ApiError::new(
                        Code::RequestTimeout,
                        format!(
                            "the request body did not arrive within {} s",
                            body_timeout.as_secs()
                        ),
                    )
                })??;
            let value: T = parse_json(&body)?;
            value.validate()?;
            Ok(Json(value))
        })
    }
}

fn payload_too_large() -> ApiError {
    ApiError::new(
        Code::PayloadTooLarge,
        format!("the request body exceeds {} KiB", MAX_JSON_BODY / 1024),
    )
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses JSON, telling syntax errors (400) from data errors (422 naming the field).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        if body.iter().all(u8::is_ascii_whitespace) {
            ApiError::new(
                Code::MalformedJson,
                "the request body is empty; a JSON object is expected",
            )
        } else {
            ApiError::new(
                Code::MalformedJson,
                format!(
                    "the request body is not valid JSON (line {}, column {})",
                    error.line(),
                    error.column()
                ),
            )
        }
    })?;
    if !value.is_object() {
        // Every request body of this API is an object; serde would read arrays positionally.
        return Err(ApiError::invalid_field(
            "",
            "invalid_type",
            "the request body must be a JSON object",
        ));
    }
    if let Some(field) = nul_character(&value, "") {
        return Err(ApiError::invalid_field(
            field,
            "invalid_character",
            FORBIDDEN_CHARACTER,
        ));
    }
    normalize_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::validation(vec![data_error(&path, error.inner())])
    })
}

/// The one character rule of every input (bodies, query strings, paths): PostgreSQL
/// text cannot hold U+0000, so it would fail there and not on SQLite; no Polish
/// document needs it either.
pub fn has_forbidden_character(text: &str) -> bool {
    text.contains('\0')
}

const FORBIDDEN_CHARACTER: &str = "text must not contain the NUL character (U+0000)";

/// The path of the first string (or key) holding a forbidden character.
fn nul_character(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text) if has_forbidden_character(text) => Some(path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nul_character(item, &format!("{path}[{index}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let field = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if has_forbidden_character(key) {
                Some(field)
            } else {
                nul_character(item, &field)
            }
        }),
        _ => None,
    }
}

/// JSON has one number type: `12000.0` is the integer 12000, as JSON Schema says.
fn normalize_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64()
                && !number.is_i64()
                && !number.is_u64()
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize_integers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(normalize_integers),
        _ => {}
    }
}

/// Turns serde's data error into a field error with a stable code.
fn data_error(path: &str, error: &serde_json::Error) -> FieldError {
    let text = error.to_string();
    // serde_json appends " at line L column C"; clients get the field path instead.
    let message = text
        .rsplit_once(" at line ")
        .map(|(m, _)| m)
        .unwrap_or(&text)
        .to_owned();
    let field = if path == "." {
        String::new()
    } else {
        path.to_owned()
    };
    let join = |name: &str| {
        if field.is_empty() {
            name.to_owned()
        } else {
            format!("{field}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // serde_path_to_error already put the unknown key in the path.
        let field = if field.ends_with(name) {
            field.clone()
        } else {
            join(name)
        };
        return FieldError::new(field, "unknown_field", format!("unknown field '{name}'"));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return FieldError::new(join(name), "required", "this field is required");
    }
    if let Some(rest) = message.strip_prefix('[')
        && let Some((code, human)) = rest.split_once("] ")
    {
        return FieldError::new(field, code, human);
    }
    if message.starts_with("invalid type") {
        return FieldError::new(field, "invalid_type", message.replace('`', "'"));
    }
    if message.starts_with("unknown variant") {
        return FieldError::new(field, "invalid_enum_value", message.replace('`', "'"));
    }
    FieldError::new(field, "invalid_value", message.replace('`', "'"))
}

/// A validated query string; unknown parameters are rejected so typos are not silently ignored.
pub struct Query<T>(pub T);

impl<T> FromRequest for Query<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<T, ApiError> {
    // Before any value reaches a handler (and a database that would fail on it).
    if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| has_forbidden_character(name) || has_forbidden_character(value))
    {
        return Err(query_error(vec![FieldError::new(
            printable(&name),
            "invalid_character",
            FORBIDDEN_CHARACTER,
        )]));
    }
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let message = error.inner().to_string().replace('`', "'");
        if let Some(rest) = message.strip_prefix("unknown field '") {
            let name = rest.split('\'').next().unwrap_or_default().to_owned();
            let detail = format!("unknown query parameter '{name}'");
            let error = FieldError::new(name, "unknown_parameter", message);
            return ApiError::new(Code::InvalidQuery, detail).with_field_errors(vec![error]);
        }
        // Domain values report "[code] message"; keep the human part.
        let human = message
            .strip_prefix('[')
            .and_then(|rest| rest.split_once("] ").map(|(_, human)| human.to_owned()))
            .unwrap_or(message);
        query_error(vec![FieldError::new(field, "invalid_parameter", human)])
    })?;
    value
        .validate()
        .map_err(|errors| query_error(ApiError::from(errors).field_errors()))?;
    Ok(value)
}

fn query_error(errors: Vec<FieldError>) -> ApiError {
    // An unknown parameter has its own detail (`parse_query`).
    let detail = match errors.as_slice() {
        [one] => format!("invalid query parameter '{}': {}", one.field, one.message),
        _ => "invalid query parameters".to_owned(),
    };
    ApiError::new(Code::InvalidQuery, detail).with_field_errors(errors)
}

/// A name as it can be shown in an error: a NUL in it written as `\0`.
fn printable(name: &str) -> String {
    name.replace('\0', "\\0")
}

/// Path parameters, deserialized as `actix_web::web::Path` does (its errors are the
/// application's `PathConfig` ones), after every decoded segment passed the character
/// rule: 400 `invalid_path` naming the parameter otherwise.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T> Path<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Path<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> FromRequest for Path<T>
where
    T: DeserializeOwned + 'static,
{
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            check_path(req)
                .map_err(actix_web::Error::from)
                .and_then(|()| {
                    actix_web::web::Path::<T>::extract(req)
                        .into_inner()
                        .map(|path| Path(path.into_inner()))
                }),
        )
    }
}

/// The segments decoded the way the handler will see them, in path order.
fn check_path(req: &HttpRequest) -> Result<(), ApiError> {
    let decoded = actix_web::web::Path::<std::collections::HashMap<String, String>>::extract(req)
        .into_inner()
        .map(actix_web::web::Path::into_inner)
        .unwrap_or_default();
    let offending = req.match_info().iter().find(|(name, raw)| {
        has_forbidden_character(raw)
            || decoded
                .get(*name)
                .is_some_and(|value| has_forbidden_character(value))
    });
    match offending {
        None => Ok(()),
        Some((name, _)) => Err(ApiError::new(
            Code::InvalidPath,
            format!("invalid path parameter '{name}': {FORBIDDEN_CHARACTER}"),
        )
        .with_field_errors(vec![FieldError::new(
            name,
            "invalid_character",
            FORBIDDEN_CHARACTER,
        )])),
    }
}

/// The `If-Match` precondition of a write. Extraction never fails, so authorization
/// and existence are decided first; a missing header is 428 when checked. It compares
/// versions: a tag names the version before its `-` (`"3-9f86…"`, as `ETag` sends it,
/// or `"3"`), so a change of an embedded summary alone does not fail a write.
#[derive(Debug, Clone)]
pub struct IfMatch {
    /// `Err` when the header is malformed.
    header: Result<Option<Tags>, ()>,
}

#[derive(Debug, Clone)]
struct Tags {
    any: bool,
    versions: Vec<i64>,
}

impl IfMatch {
    /// Passes when the resource's current version is one the client named, and
    /// returns that version (for `WHERE version = ?` writes).
    pub fn expected(&self, current_version: i64) -> Result<i64, ApiError> {
        match &self.header {
            Err(()) => Err(ApiError::new(
                Code::InvalidIfMatch,
                "If-Match must be * or quoted entity tags, e.g. If-Match: \"3\"",
            )),
            Ok(None) => Err(ApiError::precondition_required()),
            Ok(Some(tags)) if tags.any || tags.versions.contains(&current_version) => {
                Ok(current_version)
            }
            Ok(Some(_)) => Err(ApiError::precondition_failed(current_version)),
        }
    }
}

/// Reads the entity tags of `If-Match` (the schema's pattern, by hand): `*` or a
/// list of entity tags (or bare version numbers). Weak tags and tags that name no version never match (412).
fn parse_if_match(req: &HttpRequest) -> Result<Option<Tags>, ()> {
    let mut values = req.headers().get_all(header::IF_MATCH).peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let mut tags = Tags {
        any: false,
        versions: Vec::new(),
    };
    for value in values {
        let value = value.to_str().map_err(|_| ())?;
        for (index, tag) in value.split(',').map(str::trim).enumerate() {
            if tag == "*" && index == 0 {
                tags.any = true;
            } else if crate::http::responses::is_entity_tag(tag) {
                if let Some(version) = tag
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .and_then(crate::http::version_of_tag)
                {
                    tags.versions.push(version);
                }
            } else if !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit()) {
                // A bare version (`If-Match: 3`) is read as the tag it names; clients drop quotes.
                tags.versions.push(tag.parse().unwrap_or(-1));
            } else {
                return Err(());
            }
        }
    }
    Ok(Some(tags))
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(IfMatch {
            header: parse_if_match(req),
        }))
    }
}

/// A JSON body that may be left out entirely, or be `null` (then `T::default()`).
pub struct OptionalJson<T>(pub T);

/// `null` or a `T`.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct OrNull<T>(Option<T>);

impl<T: Validate> Validate for OrNull<T> {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        self.0.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T> FromRequest for OptionalJson<T>
where
    T: DeserializeOwned + Validate + Default + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let no_body = length == Some("0")
            || (length.is_none()
                && !headers.contains_key(header::CONTENT_TYPE)
                && !headers.contains_key(header::TRANSFER_ENCODING));
        if no_body {
            return Box::pin(ready(Ok(OptionalJson(T::default()))));
        }
        let body = Json::<OrNull<T>>::from_request(req, payload);
        Box::pin(async move {
            body.await
                .map(|json| OptionalJson(json.0.0.unwrap_or_default()))
        })
    }
}
