//! Exports of lists, for open-data portals: a list's whole filtered set as CSV (for
//! spreadsheets: BOM, `;`, cells defused as in every CSV of Razem) or as NDJSON (one
//! JSON item per line, for programs), chosen by `Accept`.
//!
//! This module says how items become bytes and which headers an export carries;
//! `pagination::respond_page` runs the list page after page and streams what it gives.
//!
//! **CSV columns** come from the list's contract, so they are the same whether the set
//! is empty or not and the same as documented: the properties of the page's item
//! schema, in order; a nested object (or a nullable one) becomes its own properties as
//! `parent.child` columns (two levels deep); an array, a map or anything deeper is one
//! column holding its JSON text. `null` and an absent value are an empty cell, `true`
//! and `false` are written as such.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayItems, Object, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr};

use crate::config::DataLicense;
use crate::error::{ApiError, ApiResult, Code};
use crate::spreadsheet::{accepted, csv_rows, csv_table, quality};

pub const CSV: &str = "text/csv";
pub const NDJSON: &str = "application/x-ndjson";

/// How a list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One page (`application/json`), the default.
    Json,
    /// The whole set as `text/csv`.
    Csv,
    /// The whole set as `application/x-ndjson`.
    Ndjson,
}

/// The format `Accept` ranks highest: JSON without the header and on ties (then CSV,
/// then NDJSON); 406 when it accepts none of the three, 400 when it is unreadable.
pub fn negotiate(req: &HttpRequest) -> ApiResult<Format> {
    if !req.headers().contains_key(header::ACCEPT) {
        return Ok(Format::Json);
    }
    let accept = accepted(req)?;
    let ranked = [
        (Format::Json, quality(&accept, "application", "json")),
        (Format::Csv, quality(&accept, "text", "csv")),
        (Format::Ndjson, quality(&accept, "application", "x-ndjson")),
    ];
    // The first of the best: `max_by_key` would keep the last.
    let (format, best) =
        ranked.iter().copied().fold(
            ranked[0],
            |best, next| if next.1 > best.1 { next } else { best },
        );
    if best == header::Quality::ZERO {
        return Err(ApiError::new(
            Code::NotAcceptable,
            format!("this list is available as application/json, {CSV} or {NDJSON}"),
        ));
    }
    Ok(format)
}

/// One CSV column: its header (`association.name`) and the keys leading to its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    path: Vec<String>,
}

/// How deep nested objects are spread into columns; deeper ones are JSON text.
const MAX_DEPTH: usize = 2;

type ColumnMap = BTreeMap<String, Arc<[Column]>>;

static DOCUMENT: OnceLock<fn() -> OpenApi> = OnceLock::new();
static COLUMNS: OnceLock<ColumnMap> = OnceLock::new();

/// Names where the contract comes from (`server`, which knows the routes): built on
/// the first CSV export only, since that costs time and memory a server may never need.
pub fn install(document: fn() -> OpenApi) {
    let _ = DOCUMENT.set(document);
}

/// The columns of the list served at a route pattern (`/api/v1/projects/{id}/events`).
fn columns_for(pattern: &str) -> Option<Arc<[Column]>> {
    let columns = COLUMNS.get_or_init(|| {
        DOCUMENT
            .get()
            .map(|document| {
                list_columns(&document())
                    .into_iter()
                    .map(|(path, list)| (path, list.columns))
                    .collect()
            })
            .unwrap_or_default()
    });
    columns.get(&route_key(pattern)).cloned()
}

/// A path pattern without parameter regexes (`{id:[0-9]+}` → `{id}`), as the contract
/// writes it.
fn route_key(pattern: &str) -> String {
    let mut key = String::with_capacity(pattern.len());
    let (mut depth, mut in_regex) = (0usize, false);
    for c in pattern.chars() {
        match c {
            '{' => {
                depth += 1;
                if !in_regex {
                    key.push(c);
                }
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    in_regex = false;
                    key.push(c);
                }
            }
            ':' if depth == 1 => in_regex = true,
            _ if in_regex => {}
            _ => key.push(c),
        }
    }
    key
}

/// A list of the contract: its CSV columns and the items of its example page.
struct List {
    columns: Arc<[Column]>,
    examples: Vec<Value>,
}

/// Pages that are not data sets: a ranked search answers the best hits of a query, not
/// a set to download (export the lists it searches instead).
const NOT_EXPORTED: &[&str] = &["/api/v1/search"];

/// Every list of the contract, by path.
fn list_columns(document: &OpenApi) -> BTreeMap<String, List> {
    let mut lists = BTreeMap::new();
    for (path, item) in document.paths.paths.iter() {
        if NOT_EXPORTED.contains(&path.as_str()) {
            continue;
        }
        let Some((page, schema)) = item
            .get
            .as_ref()
            .and_then(|get| page_item_schema(document, get))
        else {
            continue;
        };
        let mut columns = Vec::new();
        flatten(document, schema, &mut Vec::new(), &mut columns);
        let examples = page
            .example
            .as_ref()
            .and_then(|example| example.get("items"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        lists.insert(
            path.clone(),
            List {
                columns: columns.into(),
                examples,
            },
        );
    }
    lists
}

/// The page schema and item schema of an operation whose 200 is a page of
/// `respond_page` (the `page_of!` shape: `items` and an optional `next_cursor`, nothing
/// else), unless the operation has a CSV of its own (documented by its handler, without
/// the NDJSON this module adds beside every CSV it documents): its columns and its
/// negotiation are its own.
fn page_item_schema<'a>(
    document: &'a OpenApi,
    operation: &'a Operation,
) -> Option<(&'a Object, &'a RefOr<Schema>)> {
    let RefOr::T(ok) = operation.responses.responses.get("200")? else {
        return None;
    };
    if ok.content.contains_key(CSV) && !ok.content.contains_key(NDJSON) {
        return None;
    }
    let RefOr::T(json) = ok.content.get("application/json")? else {
        return None;
    };
    let Schema::Object(page) = resolve(document, json.schema.as_ref()?, 0)? else {
        return None;
    };
    let shape = page.properties.len() == 2
        && page.properties.contains_key("next_cursor")
        && page.required == ["items"];
    if !shape {
        return None;
    }
    match resolve(document, page.properties.get("items")?, 0)? {
        Schema::Array(items) => match &items.items {
            ArrayItems::RefOrSchema(item) => Some((page, item)),
            _ => None,
        },
        _ => None,
    }
}

/// A `$ref` to a component schema is that schema; a nullable `oneOf` / `anyOf` (a
/// schema or null) and an `allOf` of one are their schema.
fn resolve<'a>(
    document: &'a OpenApi,
    schema: &'a RefOr<Schema>,
    depth: usize,
) -> Option<&'a Schema> {
    if depth > 8 {
        return None;
    }
    let schema = match schema {
        RefOr::Ref(reference) => {
            let name = reference
                .ref_location
                .strip_prefix("#/components/schemas/")?;
            let target = document.components.as_ref()?.schemas.get(name)?;
            return resolve(document, target, depth + 1);
        }
        RefOr::T(schema) => schema,
    };
    let members = match schema {
        Schema::OneOf(one) => &one.items,
        Schema::AnyOf(any) => &any.items,
        Schema::AllOf(all) => &all.items,
        _ => return Some(schema),
    };
    let is_null = |member: &&RefOr<Schema>| matches!(member, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
    let mut real = members.iter().filter(|member| !is_null(member));
    match (real.next(), real.next()) {
        (Some(only), None) => resolve(document, only, depth + 1),
        _ => Some(schema),
    }
}

fn flatten(
    document: &OpenApi,
    schema: &RefOr<Schema>,
    path: &mut Vec<String>,
    out: &mut Vec<Column>,
) {
    let properties = match resolve(document, schema, 0) {
        Some(Schema::Object(object))
            if !object.properties.is_empty() && path.len() <= MAX_DEPTH =>
        {
            Some(&object.properties)
        }
        // Flattened structs (`#[serde(flatten)]`): the members' properties in turn.
        Some(Schema::AllOf(all)) if path.len() <= MAX_DEPTH => {
            for member in &all.items {
                flatten(document, member, path, out);
            }
            return;
        }
        _ => None,
    };
    match properties {
        Some(properties) => {
            for (name, property) in properties.iter() {
                path.push(name.clone());
                flatten(document, property, path, out);
                path.pop();
            }
        }
        None if path.is_empty() => out.push(Column {
            name: "value".to_owned(),
            path: Vec::new(),
        }),
        None => out.push(Column {
            name: path.join("."),
            path: path.clone(),
        }),
    }
}

/// The text of one cell (not yet defused: `csv_rows` does that).
fn cell(item: &Value, path: &[String]) -> String {
    let value = path
        .iter()
        .try_fold(item, |value, key| value.get(key.as_str()));
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => other.to_string(),
    }
}

/// Turns the pages of one list into the bytes of one export.
#[derive(Debug)]
pub struct Encoder {
    format: Format,
    columns: Arc<[Column]>,
}

impl Encoder {
    /// The encoder of the list `req` was routed to; a list without columns (none is
    /// known to lack them: the export test covers every list) is a 500 before anything
    /// is sent.
    pub fn for_request(req: &HttpRequest, format: Format) -> ApiResult<Encoder> {
        let columns = match format {
            Format::Csv => {
                let pattern = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
                columns_for(&pattern).ok_or_else(|| {
                    ApiError::internal(format!("no CSV columns are known for {pattern}"))
                })?
            }
            Format::Json | Format::Ndjson => Arc::from(Vec::new()),
        };
        Ok(Encoder { format, columns })
    }

    /// What comes before the first row: the BOM and the header of a CSV table.
    pub fn head(&self) -> ApiResult<Vec<u8>> {
        match self.format {
            Format::Csv => {
                let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
                csv_table(&names, Vec::<Vec<String>>::new())
            }
            Format::Json | Format::Ndjson => Ok(Vec::new()),
        }
    }

    /// The rows of one page of items.
    pub fn encode<T: Serialize>(&self, items: &[T]) -> ApiResult<Vec<u8>> {
        let failed = |error: serde_json::Error| {
            ApiError::internal(format!("serializing an exported item: {error}"))
        };
        match self.format {
            Format::Csv => {
                let mut rows = Vec::with_capacity(items.len());
                for item in items {
                    let value = serde_json::to_value(item).map_err(failed)?;
                    rows.push(
                        self.columns
                            .iter()
                            .map(|column| cell(&value, &column.path))
                            .collect::<Vec<_>>(),
                    );
                }
                csv_rows(rows)
            }
            Format::Json | Format::Ndjson => {
                let mut bytes = Vec::new();
                for item in items {
                    serde_json::to_writer(&mut bytes, item).map_err(failed)?;
                    bytes.push(b'\n');
                }
                Ok(bytes)
            }
        }
    }

    /// A 200 with the export's headers: its type, a file name from the path, the
    /// licence, `Vary: Accept` (the same URL is also JSON) and the list's caching.
    pub fn response(&self, req: &HttpRequest, license: &DataLicense) -> HttpResponseBuilder {
        let (content_type, extension) = match self.format {
            Format::Csv => ("text/csv; charset=utf-8", "csv"),
            Format::Json | Format::Ndjson => (NDJSON, "ndjson"),
        };
        let mut response = HttpResponse::Ok();
        response
            .content_type(content_type)
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}.{extension}\"",
                    file_name(req.path())
                ),
            ))
            .insert_header((header::LINK, license_link(license)))
            .insert_header((header::VARY, "Accept"))
            .insert_header((
                header::CACHE_CONTROL,
                crate::http::conditional::LIST_CACHE_CONTROL,
            ));
        response
    }
}

/// `Link: <url>; rel="license"; title="name"` (RFC 8288; the settings keep both plain).
pub fn license_link(license: &DataLicense) -> String {
    format!(
        "<{}>; rel=\"license\"; title=\"{}\"",
        license.url, license.name
    )
}

/// `positions`, `projects-3-events`: the path under `/api/v1/`, in safe characters.
fn file_name(path: &str) -> String {
    let name: String = path
        .trim_start_matches("/api/v1/")
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() {
        "export".to_owned()
    } else {
        name
    }
}

/// The contract of exports: on every list operation, the CSV (with its header and a
/// row of the list's example) and NDJSON responses, the `Content-Disposition` header, the
/// licence and the 406; and a paragraph of the document's description.
pub struct Documented;

impl utoipa::Modify for Documented {
    fn modify(&self, openapi: &mut OpenApi) {
        let lists = list_columns(openapi);
        if lists.is_empty() {
            return;
        }
        for (path, list) in &lists {
            if let Some(operation) = openapi
                .paths
                .paths
                .get_mut(path)
                .and_then(|item| item.get.as_mut())
            {
                document_operation(operation, &list.columns, &list.examples);
            }
        }
        let license = DataLicense::default();
        let description = openapi.info.description.get_or_insert_with(String::new);
        description.push_str(&format!(
            "\n\n**Open data.** Every list also answers `Accept: {CSV}` (UTF-8 with a BOM, `;`-separated, \
             cells that a spreadsheet would read as a formula prefixed with `'`; nested objects as \
             `parent.child` columns, arrays as JSON text) and `Accept: {NDJSON}` (one item per line): the \
             whole set with the list's filters and sort, streamed, `limit` ignored, `cursor` resuming after \
             a page. The data is published under {} ({}) unless the server is configured with another \
             licence, which every export and feed names in `Link: <…>; rel=\"license\"`. Feeds: \
             `/api/v1/feeds/positions.atom`, `/api/v1/feeds/consultations.atom`, `/api/v1/events.ics` and \
             `/api/v1/projects/{{id}}/events.ics`.",
            license.name, license.url
        ));
    }
}

fn document_operation(operation: &mut Operation, columns: &[Column], examples: &[Value]) {
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
        return;
    };
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let encoder = Encoder {
        format: Format::Csv,
        columns: columns.to_vec().into(),
    };
    let csv = [encoder.head(), encoder.encode(examples)]
        .into_iter()
        .collect::<ApiResult<Vec<_>>>()
        .map(|parts| String::from_utf8_lossy(&parts.concat()).into_owned())
        .unwrap_or_default();
    let ndjson = Encoder {
        format: Format::Ndjson,
        columns: Arc::from(Vec::new()),
    }
    .encode(examples)
    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    .unwrap_or_default();
    let text = || ObjectBuilder::new().schema_type(Type::String);
    ok.content.insert(
        CSV.to_owned(),
        RefOr::T(
            ContentBuilder::new()
                .schema(Some(text().description(Some(format!(
                    "The whole set: the BOM, a header row ({} columns: `{}`), then one row per item.",
                    names.len(),
                    names.join(";")
                )))))
                .example(Some(Value::String(csv)))
                .build(),
        ),
    );
    ok.content.insert(
        NDJSON.to_owned(),
        RefOr::T(
            ContentBuilder::new()
                .schema(Some(text().description(Some(
                    "The whole set: one item per line, each as in `items` of the JSON page.",
                ))))
                .example(Some(Value::String(ndjson)))
                .build(),
        ),
    );
    let header = |description: &str| {
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(text()))
                .description(Some(description))
                .build(),
        )
    };
    ok.headers.insert(
        "Content-Disposition".to_owned(),
        header("Exports only: `attachment; filename=\"<list>.csv\"` (or `.ndjson`)"),
    );
    let link = ok
        .headers
        .entry("Link".to_owned())
        .or_insert_with(|| header(""));
    if let RefOr::T(link) = link {
        let before = link.description.take().unwrap_or_default();
        link.description = Some(format!(
            "{before}; on exports `<…>; rel=\"license\"; title=\"…\"`: the licence of the data \
             (CC BY 4.0 unless configured otherwise)"
        ));
    }
    operation
        .responses
        .responses
        .entry("406".to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name("NotAcceptable")));
}

#[cfg(test)]
mod tests {
    use super::{file_name, route_key};

    #[test]
    fn route_keys_drop_parameter_patterns() {
        assert_eq!(route_key("/api/v1/positions"), "/api/v1/positions");
        assert_eq!(
            route_key("/api/v1/a/{id_or_slug}/presidencies/{presidency_id:[0-9]+}"),
            "/api/v1/a/{id_or_slug}/presidencies/{presidency_id}"
        );
        assert_eq!(route_key("/x/{n:[0-9]{2}}/y"), "/x/{n}/y");
    }

    #[test]
    fn file_names_are_the_path() {
        assert_eq!(file_name("/api/v1/positions"), "positions");
        assert_eq!(file_name("/api/v1/projects/3/events"), "projects-3-events");
        assert_eq!(file_name("/api/v1/"), "export");
    }
}
