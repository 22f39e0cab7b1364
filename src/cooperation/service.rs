//! The use cases of the cooperation standard: the catalogue and its versions, and
//! assessments with their lifecycle. Surveys are in `super::survey`, results and the
//! index in `super::index`. `insert_catalogue`, `insert_assessment` and
//! `move_assessment` are shared with the seed.

use std::collections::HashSet;

use super::dto::{
    Assessment, AssessmentListQuery, AssessmentPath, AssessmentTransition, Catalogue,
    CatalogueContent, CatalogueListQuery, CatalogueVersion, CreateAssessment, CreateCatalogue,
    StandardPlane, UpdateAssessment,
};
use super::model::{
    AssessmentFields, AssessmentRow, AssessmentStatus, CatalogueFields, CatalogueRow,
};
use super::repo::{self, AssessmentFilter, Assessments, Catalogues};
use crate::auth::Principal;
use crate::auth::policy;
use crate::db::DbConnection;
use crate::domain::OrganizationKind;
use crate::edit::Guard;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::service::Summaries;
use crate::pagination::{ById, Cursor, PageRequest};
use crate::validation::trimmed;
use crate::write::{self, Actor, Expected};

/// The smallest group whose columns are shown, unless an assessment says otherwise.
pub const DEFAULT_MIN_GROUP_SIZE: i32 = 5;

pub(crate) fn location(id: i64) -> String {
    format!("/api/v1/cooperation-assessments/{id}")
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("cooperation assessment {id} does not exist"))
}

fn validated(errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

// ------------------------------------------------------------------ the catalogue

/// The tree of a stored version.
pub(crate) fn content(row: &CatalogueRow) -> ApiResult<CatalogueContent> {
    serde_json::from_str(&row.content)
        .map_err(|e| ApiError::internal(format!("catalogue {} is unreadable: {e}", row.id)))
}

fn render_catalogue(row: CatalogueRow) -> ApiResult<Catalogue> {
    let tree = content(&row)?;
    Ok(Catalogue {
        id: row.id,
        title: row.title,
        note: row.note,
        planes: tree.planes,
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    })
}

fn render_version(row: CatalogueRow) -> ApiResult<CatalogueVersion> {
    let tree = content(&row)?;
    let areas = tree.planes.iter().flat_map(|p| &p.areas);
    Ok(CatalogueVersion {
        areas: areas.clone().count() as i64,
        indicators: areas.map(|a| a.indicators.len() as i64).sum(),
        id: row.id,
        title: row.title,
        note: row.note,
        version: row.version,
        created_at: crate::time::to_utc(row.created_at),
        updated_at: crate::time::to_utc(row.updated_at),
    })
}

/// `{parent}.{n}` with `n` a positive number.
fn nested_code(code: &str, parent: &str) -> bool {
    code.strip_prefix(parent)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
        })
}

/// The codes of a tree as they are checked: each valid and used once.
#[derive(Default)]
struct Codes {
    errors: Vec<FieldError>,
    seen: HashSet<String>,
}

impl Codes {
    /// `code` at `at` (`planes[0].areas[1]`): a Roman numeral for a plane, else
    /// `{parent}.{n}`.
    fn check(&mut self, at: String, code: &str, parent: Option<&str>) {
        let field = format!("{at}.code");
        let valid = match parent {
            None => !code.is_empty() && code.bytes().all(|b| matches!(b, b'I' | b'V' | b'X')),
            Some(parent) => nested_code(code, parent),
        };
        if !valid {
            let message = match parent {
                None => "a plane's code is a Roman numeral: I, II, III".to_owned(),
                Some(p) => format!("the codes under {p} are {p}.1, {p}.2 …"),
            };
            self.errors
                .push(FieldError::new(&field, "invalid_code", message));
        }
        if !self.seen.insert(code.to_owned()) {
            self.errors.push(FieldError::new(
                field,
                "duplicate_value",
                format!("the code {code} is used twice"),
            ));
        }
    }
}

/// Codes nest (`I` → `I.1` → `I.1.1`) and each is used once.
fn check_tree(planes: &[StandardPlane]) -> ApiResult<()> {
    let mut codes = Codes::default();
    for (p, plane) in planes.iter().enumerate() {
        codes.check(format!("planes[{p}]"), &plane.code, None);
        for (a, area) in plane.areas.iter().enumerate() {
            codes.check(
                format!("planes[{p}].areas[{a}]"),
                &area.code,
                Some(&plane.code),
            );
            for (i, indicator) in area.indicators.iter().enumerate() {
                codes.check(
                    format!("planes[{p}].areas[{a}].indicators[{i}]"),
                    &indicator.code,
                    Some(&area.code),
                );
            }
        }
    }
    validated(codes.errors)
}

/// Stores a new catalogue version (call inside a transaction).
pub fn insert_catalogue(
    conn: &mut DbConnection,
    actor: &Actor,
    title: &str,
    note: Option<String>,
    planes: Vec<StandardPlane>,
) -> ApiResult<CatalogueRow> {
    check_tree(&planes)?;
    let content =
        serde_json::to_string(&CatalogueContent { planes }).map_err(ApiError::internal)?;
    let fields = CatalogueFields {
        title: title.trim().to_owned(),
        note: trimmed(note),
        content,
    };
    let snapshot = serde_json::json!({"title": fields.title, "note": fields.note});
    write::create::<Catalogues>(conn, actor, &fields, &snapshot)
}

pub(crate) async fn current_catalogue(state: &AppState) -> ApiResult<Catalogue> {
    state
        .run(|conn| {
            let row = repo::current_catalogue(conn)?.ok_or_else(|| {
                ApiError::not_found("no version of the cooperation standard has been published yet")
            })?;
            render_catalogue(row)
        })
        .await
}

pub(crate) async fn catalogue(state: &AppState, id: i64) -> ApiResult<Catalogue> {
    state
        .run(move |conn| {
            let row = repo::catalogue(conn, id)?.ok_or_else(|| {
                ApiError::not_found(format!("catalogue version {id} does not exist"))
            })?;
            render_catalogue(row)
        })
        .await
}

pub(crate) async fn create_catalogue(
    state: &AppState,
    principal: &Principal,
    body: CreateCatalogue,
) -> ApiResult<Catalogue> {
    policy::require_admin(principal)?;
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            let row = insert_catalogue(conn, &actor, &body.title, body.note, body.planes)?;
            render_catalogue(row)
        })
        .await
}

/// `GET /cooperation-standard/versions`, oldest first.
pub(crate) struct CatalogueList(Option<chrono::NaiveDateTime>);

crate::listing! {
    CatalogueList: ById, CatalogueRow => CatalogueVersion;
    rows(list, conn, page) = repo::list_catalogues(conn, list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(_conn, rows) = rows.into_iter().map(render_version).collect();
}

pub(crate) fn catalogue_list_request(
    query: CatalogueListQuery,
) -> ApiResult<(CatalogueList, PageRequest<ById>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        CatalogueList(query.updated_since.map(|t| t.naive_utc())),
        page,
    ))
}

// ------------------------------------------------------------------ assessments: the view

/// The assessment, if this principal may see it: a draft only for admins and the
/// JST's editors (404 for others, as if it did not exist).
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<AssessmentRow> {
    repo::find(conn, id)?
        .filter(|row| {
            row.status != AssessmentStatus::Draft
                || policy::can_see_assessment_internals(principal, row.jst_id)
        })
        .ok_or_else(|| not_found(id))
}

fn render(conn: &mut DbConnection, rows: Vec<AssessmentRow>) -> ApiResult<Vec<Assessment>> {
    let jsts = Summaries::fetch(conn, rows.iter().map(|r| r.jst_id).collect())?;
    rows.into_iter()
        .map(|row| {
            Ok(Assessment {
                jst: jsts.get(row.jst_id)?,
                area_codes: row.areas(),
                id: row.id,
                jst_id: row.jst_id,
                year: row.year,
                catalogue_id: row.catalogue_id,
                status: row.status,
                min_group_size: row.min_group_size,
                demonstration: row.demonstration,
                version: row.version,
                created_at: crate::time::to_utc(row.created_at),
                updated_at: crate::time::to_utc(row.updated_at),
            })
        })
        .collect()
}

fn render_one(conn: &mut DbConnection, row: AssessmentRow) -> ApiResult<Assessment> {
    let id = row.id;
    render(conn, vec![row])?.pop().ok_or_else(|| not_found(id))
}

/// `GET /cooperation-assessments`, in id order.
pub(crate) struct AssessmentList(AssessmentFilter);

crate::listing! {
    AssessmentList: ById, AssessmentRow => Assessment;
    rows(list, conn, page) = repo::list(conn, &list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = render(conn, rows);
}

pub(crate) fn list_request(
    principal: &Principal,
    query: AssessmentListQuery,
) -> ApiResult<(AssessmentList, PageRequest<ById>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        AssessmentList(AssessmentFilter {
            drafts: policy::visible_assessment_drafts(principal),
            jst: query.jst,
            year: query.year,
            status: query.status,
            updated_since: query.updated_since.map(|t| t.naive_utc()),
        }),
        page,
    ))
}

// ------------------------------------------------------------------ assessments: the rules

/// The assessed areas as stored: every code an area of the catalogue (422
/// `unknown_area`), none twice, in catalogue order.
fn settle_areas(catalogue: &CatalogueContent, codes: &[String]) -> ApiResult<String> {
    let known: Vec<&str> = catalogue
        .planes
        .iter()
        .flat_map(|p| p.areas.iter().map(|a| a.code.as_str()))
        .collect();
    let mut errors = Vec::new();
    if let Some(unknown) = codes.iter().find(|c| !known.contains(&c.as_str())) {
        errors.push(FieldError::new(
            "area_codes",
            "unknown_area",
            format!(
                "the catalogue has no area {unknown}; its areas are {}",
                known.join(", ")
            ),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = codes.iter().find(|c| !seen.insert(c.as_str())) {
        errors.push(FieldError::new(
            "area_codes",
            "duplicate_value",
            format!("the area {twice} is listed twice"),
        ));
    }
    validated(errors)?;
    Ok(known
        .into_iter()
        .filter(|k| codes.iter().any(|c| c == k))
        .collect::<Vec<_>>()
        .join(","))
}

/// The catalogue version an assessment uses: the one named, or the newest.
fn catalogue_for(conn: &mut DbConnection, id: Option<i64>) -> ApiResult<CatalogueRow> {
    match id {
        Some(id) => repo::catalogue(conn, id)?.ok_or_else(|| {
            ApiError::invalid_field(
                "catalogue_id",
                "not_found",
                format!("catalogue version {id} does not exist"),
            )
        }),
        None => repo::current_catalogue(conn)?.ok_or_else(|| {
            ApiError::invalid_field(
                "catalogue_id",
                "not_found",
                "no version of the cooperation standard has been published yet",
            )
        }),
    }
}

fn check_jst(conn: &mut DbConnection, jst_id: i64) -> ApiResult<()> {
    match crate::organizations::repo::find(conn, jst_id)? {
        None => Err(ApiError::invalid_field(
            "jst_id",
            "not_found",
            format!("organization {jst_id} does not exist"),
        )),
        Some(o) if o.kind != OrganizationKind::Jst => Err(ApiError::invalid_field(
            "jst_id",
            "not_a_jst",
            format!("'{}' is not a local government (kind jst)", o.name),
        )),
        Some(_) => Ok(()),
    }
}

fn check_year_free(
    conn: &mut DbConnection,
    jst_id: i64,
    year: i32,
    except: Option<i64>,
) -> ApiResult<()> {
    match repo::find_for_year(conn, jst_id, year)? {
        Some(other) if Some(other.id) != except => Err(ApiError::new(
            Code::AssessmentExists,
            format!(
                "this local government already has assessment {} for {year}",
                other.id
            ),
        )),
        _ => Ok(()),
    }
}

/// Inserts a draft assessment (call inside a transaction; who may is the caller's).
pub fn insert_assessment(
    conn: &mut DbConnection,
    actor: &Actor,
    body: CreateAssessment,
    demonstration: bool,
) -> ApiResult<AssessmentRow> {
    check_jst(conn, body.jst_id)?;
    let catalogue = catalogue_for(conn, body.catalogue_id)?;
    let area_codes = settle_areas(&content(&catalogue)?, &body.area_codes)?;
    check_year_free(conn, body.jst_id, body.year, None)?;
    let fields = AssessmentFields {
        jst_id: body.jst_id,
        year: body.year,
        catalogue_id: catalogue.id,
        area_codes,
        status: AssessmentStatus::Draft,
        min_group_size: body.min_group_size.unwrap_or(DEFAULT_MIN_GROUP_SIZE),
        demonstration,
    };
    write::create::<Assessments>(conn, actor, &fields, &fields)
}

/// Moves an assessment through its lifecycle (409 `illegal_transition` naming the
/// allowed moves).
pub fn move_assessment(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &AssessmentRow,
    expected: Expected,
    to: AssessmentStatus,
) -> ApiResult<AssessmentRow> {
    let from = current.status;
    if !from.can_move_to(to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Err(ApiError::new(
            Code::IllegalTransition,
            format!(
                "an assessment moves draft → collecting → closed → published (and closed → collecting); from {from} it may move to: {}",
                if allowed.is_empty() {
                    "nothing (it is final)".to_owned()
                } else {
                    allowed.join(", ")
                }
            ),
        ));
    }
    let mut fields = AssessmentFields::from(current);
    fields.status = to;
    write::transition::<Assessments>(
        conn,
        actor,
        current,
        expected,
        &fields,
        serde_json::json!({"status": [from, to]}),
    )
}

// ------------------------------------------------------------------ assessments: the use cases

/// How every write of an assessment finds it: 404 unless visible, then the right
/// (`auth::policy`).
const MANAGED: Guard<Assessments> = Guard {
    load: load_visible,
    may: |principal, row| policy::can_manage_assessment(principal, row.jst_id),
};

pub(crate) async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Assessment> {
    let principal = principal.clone();
    state
        .run(move |conn| {
            let row = load_visible(conn, &principal, id)?;
            render_one(conn, row)
        })
        .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    body: CreateAssessment,
) -> ApiResult<Assessment> {
    policy::can_manage_assessment(principal, body.jst_id)?;
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            let row = insert_assessment(conn, &actor, body, false)?;
            render_one(conn, row)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    AssessmentPath { id }: AssessmentPath,
    if_match: IfMatch,
    patch: UpdateAssessment,
) -> ApiResult<Assessment> {
    MANAGED.change(state, principal, (id, if_match), move |conn, held| {
                        let before = AssessmentFields::from(&held.current);
            let mut after = before.clone();
            let drafting = patch.year.is_some() || patch.area_codes.is_some() || patch.catalogue_id.is_some();
            if drafting && held.current.status != AssessmentStatus::Draft {
                return Err(ApiError::new(
                    Code::AssessmentNotDraft,
                    format!("the year, the areas and the catalogue change only in a draft; this assessment is {}", held.current.status),
                ));
            }
            if held.current.status == AssessmentStatus::Published {
                return Err(ApiError::new(Code::AssessmentPublished, "a published assessment no longer changes"));
            }
            if let Some(catalogue_id) = patch.catalogue_id {
                after.catalogue_id = catalogue_for(conn, Some(catalogue_id))?.id;
            }
            if let Some(year) = patch.year {
                check_year_free(conn, held.current.jst_id, year, Some(held.current.id))?;
                after.year = year;
            }
            let codes = patch.area_codes.unwrap_or_else(|| before.areas());
            let catalogue = catalogue_for(conn, Some(after.catalogue_id))?;
            after.area_codes = settle_areas(&content(&catalogue)?, &codes)?;
            if let Some(size) = patch.min_group_size {
                after.min_group_size = size;
            }
            if after == before {
                return render_one(conn, held.current);
            }
            let row = write::update::<Assessments, _>(conn, &held.principal.actor(), &held.current, held.expected, &after, (&before, &after))?;
            render_one(conn, row)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    AssessmentPath { id }: AssessmentPath,
    if_match: IfMatch,
) -> ApiResult<()> {
    MANAGED
        .change(state, principal, (id, if_match), move |conn, held| {
            if held.current.status != AssessmentStatus::Draft {
                return Err(ApiError::new(
                    Code::AssessmentNotDraft,
                    format!(
                        "only a draft is deleted; this assessment is {} and has its survey",
                        held.current.status
                    ),
                ));
            }
            // Its unused codes go with it (ON DELETE CASCADE); a draft has no answers.
            write::delete::<Assessments>(
                conn,
                &held.principal.actor(),
                &held.current,
                held.expected,
                &AssessmentFields::from(&held.current),
            )
        })
        .await
}

pub(crate) async fn transition(
    state: &AppState,
    principal: &Principal,
    AssessmentPath { id }: AssessmentPath,
    if_match: IfMatch,
    body: AssessmentTransition,
) -> ApiResult<Assessment> {
    MANAGED
        .change(state, principal, (id, if_match), move |conn, held| {
            let actor = held.principal.actor();
            let row = move_assessment(conn, &actor, &held.current, held.expected, body.to)?;
            render_one(conn, row)
        })
        .await
}
