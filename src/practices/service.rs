//! The use cases of good practices: each loads what it needs (404 for unpublished ones
//! the caller may not see), authorizes (`auth::policy`), checks `If-Match`, applies the
//! request, checks the rules across fields and the lifecycle, and writes through `repo`
//! inside one transaction. `insert_practice` and `move_practice` are shared with the seed.

use std::collections::{HashMap, HashSet};

use super::dto::{
    Adoption, AdoptionListQuery, CategoryListQuery, CategorySummary, ContactInput, CreateAdoption,
    CreateCategory, CreatePractice, Feature, FeatureCollectionType, FeatureProperties, FeatureType,
    Location, LocationInput, Point, PointType, Practice, PracticeCategory, PracticeFilters,
    PracticeHistory, PracticeListQuery, PracticeMap, PracticeMapQuery, PracticePath, PracticeSort,
    PracticeTransition, Sections, SectionsInput, TransitionRequest, UpdatePractice,
};
use super::model::{
    AdoptionRow, CategoryFields, CategoryRow, ContactData, NewAdoption, PracticeFields,
    PracticeLinks, PracticeRow, PracticeState,
};
use super::repo::{self, Categories, CategoryRef, ListFilter};
use crate::auth::Principal;
use crate::auth::policy::{self, DraftVisibility};
use crate::db::DbConnection;
use crate::domain::{
    GeoPoint, OrganizationKind, PracticeStatus, Slug, UnitKind, fold_for_search, from_micro,
    to_micro,
};
use crate::edit::Guard;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::IfMatch;
use crate::http::AppState;
use crate::organizations::dto::{
    Address, AddressInput, Organization, OrganizationSummary, settle_voivodeship,
};
use crate::pagination::{ById, Cursor, Listing, PageRequest};
use crate::positions::dto::Attachment;
use crate::positions::model::AttachmentData;
use crate::validation::{set, trimmed};
use crate::write::{self, Action, Actor, Expected};

/// The most features one map holds; the base held some 500 practices.
pub const MAP_MAX_FEATURES: usize = 2000;
/// Rows read per statement while the map or a `near` page is filled.
const SCAN_BATCH: i64 = 500;

pub(crate) fn location(id: i64) -> String {
    format!("/api/v1/practices/{id}")
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("practice {id} does not exist"))
}

fn sees_internals(visibility: &DraftVisibility, implementer_id: i64) -> bool {
    match visibility {
        DraftVisibility::All => true,
        DraftVisibility::OfAssociations(ids) => ids.contains(&implementer_id),
    }
}

/// The practice, if this principal may see it: drafts and submitted practices only for
/// admins and the implementer's editors; 404 for others, as if it did not exist.
fn load_visible(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<PracticeRow> {
    repo::find(conn, id)?
        .filter(|row| {
            row.status.is_public()
                || policy::can_see_practice_internals(principal, row.implementer_id)
        })
        .ok_or_else(|| not_found(id))
}

fn validated(errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

// ------------------------------------------------------------------ the view

/// A practice as a list or a look-up found it: with its distance from `near`, and
/// whether the caller sees its non-public contacts.
pub(crate) struct PracticeItem {
    pub row: PracticeRow,
    pub distance_km: Option<f64>,
    pub internals: bool,
}

fn point_of(row: &PracticeRow) -> Option<GeoPoint> {
    match (row.lat_e6, row.lon_e6) {
        (Some(lat), Some(lon)) => Some(GeoPoint {
            lat: from_micro(lat),
            lon: from_micro(lon),
        }),
        _ => None,
    }
}

/// The summaries of these organizations, by id (one query).
fn organization_summaries(
    conn: &mut DbConnection,
    ids: &[i64],
) -> ApiResult<HashMap<i64, OrganizationSummary>> {
    Ok(crate::organizations::repo::find_many(conn, ids)?
        .iter()
        .map(|o| (o.id, OrganizationSummary::from(o)))
        .collect())
}

/// The summaries of every category these practices are filed under.
fn category_index(
    conn: &mut DbConnection,
    related: &HashMap<i64, PracticeLinks>,
) -> ApiResult<HashMap<i64, CategorySummary>> {
    let ids: Vec<i64> = related
        .values()
        .flat_map(|l| l.category_ids.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    repo::category_summaries(conn, &ids)
}

fn categories_of(
    links: &PracticeLinks,
    index: &HashMap<i64, CategorySummary>,
) -> Vec<CategorySummary> {
    links
        .category_ids
        .iter()
        .filter_map(|id| index.get(id).cloned())
        .collect()
}

/// The practices on the wire: every embedded summary fetched once for the whole set.
fn render(conn: &mut DbConnection, items: Vec<PracticeItem>) -> ApiResult<Vec<Practice>> {
    let ids: Vec<i64> = items.iter().map(|i| i.row.id).collect();
    let mut related = repo::related(conn, &ids)?;
    let categories = category_index(conn, &related)?;
    let mut organization_ids: HashSet<i64> = HashSet::new();
    for item in &items {
        organization_ids.insert(item.row.implementer_id);
        organization_ids.extend(item.row.jst_id);
    }
    for links in related.values() {
        organization_ids.extend(links.partner_ids.iter().copied());
    }
    let organization_ids: Vec<i64> = organization_ids.into_iter().collect();
    let organizations = organization_summaries(conn, &organization_ids)?;
    let project_ids: Vec<i64> = items.iter().filter_map(|i| i.row.project_id).collect();
    let projects = crate::projects::service::summaries(conn, &project_ids)?;
    let counts = repo::adoption_counts(conn, &ids)?;
    let organization = |id: i64| {
        organizations.get(&id).cloned().ok_or_else(|| {
            ApiError::internal(format!("organization {id} of a practice is missing"))
        })
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let links = related.remove(&item.row.id).unwrap_or_default();
        let row = item.row;
        out.push(Practice {
            id: row.id,
            summary: row.summary,
            sections: Sections {
                situation_before: row.situation_before,
                goals: row.goals,
                actions: row.actions,
                results: row.results,
                resources: row.resources,
                lessons: row.lessons,
            },
            categories: categories_of(&links, &categories),
            category_ids: links.category_ids,
            implementer: organization(row.implementer_id)?,
            implementer_id: row.implementer_id,
            jst: row.jst_id.map(organization).transpose()?,
            jst_id: row.jst_id,
            unit_kind: row.unit_kind,
            teryt: row.teryt,
            address: Address {
                street: row.street,
                postal_code: row.postal_code,
                city: row.city,
                voivodeship: row.voivodeship,
            },
            phone: row.phone,
            website: row.website,
            population: row.population,
            location: match (row.lat_e6, row.lon_e6) {
                (Some(lat), Some(lon)) => Some(Location {
                    lat: from_micro(lat),
                    lon: from_micro(lon),
                }),
                _ => None,
            },
            contacts: links
                .contacts
                .into_iter()
                .filter(|c| c.public || item.internals)
                .map(|c| super::dto::Contact {
                    name: c.name,
                    role: c.role,
                    email: c.email,
                    phone: c.phone,
                    public: c.public,
                })
                .collect(),
            partners: links
                .partner_ids
                .iter()
                .map(|id| organization(*id))
                .collect::<ApiResult<_>>()?,
            partner_ids: links.partner_ids,
            project: row.project_id.and_then(|id| projects.get(&id).cloned()),
            project_id: row.project_id,
            attachments: links
                .attachments
                .into_iter()
                .map(Attachment::from)
                .collect(),
            entered_on: row.entered_on,
            reviewed_on: row.reviewed_on,
            status: row.status,
            adoption_count: counts.get(&row.id).copied().unwrap_or(0),
            distance_km: item.distance_km.map(|d| (d * 1000.0).round() / 1000.0),
            title: row.title,
            version: row.version,
            created_at: crate::time::to_utc(row.created_at),
            updated_at: crate::time::to_utc(row.updated_at),
        });
    }
    Ok(out)
}

/// The public representations of these rows (no distance, public contacts only): what
/// the read model stores.
pub(crate) fn render_public(
    conn: &mut DbConnection,
    rows: Vec<PracticeRow>,
) -> ApiResult<Vec<Practice>> {
    let items = rows
        .into_iter()
        .map(|row| PracticeItem {
            row,
            distance_km: None,
            internals: false,
        })
        .collect();
    render(conn, items)
}

/// The practices of a page rendered now, as `(id, JSON)` (the read model's misses).
pub(crate) fn render_items(
    conn: &mut DbConnection,
    items: Vec<PracticeItem>,
) -> ApiResult<Vec<(i64, String)>> {
    render(conn, items)?
        .into_iter()
        .map(|practice| crate::db::read_docs::rendered_item(practice.id, &practice))
        .collect()
}

fn render_one(
    conn: &mut DbConnection,
    principal: &Principal,
    row: PracticeRow,
) -> ApiResult<Practice> {
    let id = row.id;
    let internals = policy::can_see_practice_internals(principal, row.implementer_id);
    render(
        conn,
        vec![PracticeItem {
            row,
            distance_km: None,
            internals,
        }],
    )?
    .pop()
    .ok_or_else(|| not_found(id))
}

// ------------------------------------------------------------------ the list and the map

/// Where `near` + `radius_km` keep a practice: the exact great-circle distance.
#[derive(Debug, Clone, Copy)]
struct Circle {
    center: GeoPoint,
    radius_km: f64,
}

impl Circle {
    fn distance(self, row: &PracticeRow) -> Option<f64> {
        point_of(row)
            .map(|point| self.center.distance_km(point))
            .filter(|d| *d <= self.radius_km)
    }
}

/// The shared filters as a query: 400 for a contradiction between them.
fn list_filter(
    principal: &Principal,
    filters: PracticeFilters,
    status: Option<PracticeStatus>,
) -> ApiResult<(ListFilter, Option<Circle>)> {
    if let (Some(min), Some(max)) = (filters.population_min, filters.population_max)
        && min > max
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("population_min ({min}) is above population_max ({max})"),
        ));
    }
    let circle = match (filters.near, filters.radius_km) {
        (Some(near), Some(radius_km)) => Some(Circle {
            center: near.0,
            radius_km,
        }),
        (None, None) => None,
        _ => {
            return Err(ApiError::new(
                Code::InvalidQuery,
                "near and radius_km go together: near=lat,lon&radius_km=50",
            ));
        }
    };
    let category = filters.category.map(|c| match c.parse::<i64>() {
        Ok(id) => CategoryRef::Id(id),
        Err(_) => CategoryRef::Slug(c),
    });
    let filter = ListFilter {
        drafts: policy::visible_practice_drafts(principal),
        status,
        category,
        voivodeship: filters.voivodeship,
        teryt_prefix: filters.teryt,
        unit_kind: filters.unit_kind,
        population_min: filters.population_min,
        population_max: filters.population_max,
        bounding_box: circle.map(|c| c.center.bounding_box(c.radius_km)),
        located: circle.is_some(),
        q: filters.q.as_deref().map(fold_for_search),
        implementer: filters.implementer,
        jst: filters.jst,
        project: filters.project,
        updated_since: filters.updated_since.map(|t| t.naive_utc()),
    };
    Ok((filter, circle))
}

/// Up to `wanted` practices after `after` that pass the filter and the circle: the SQL
/// narrows by the bounding box, the distance is checked here, and reading goes on until
/// enough rows passed (so a page is never short while more rows exist).
fn scan(
    conn: &mut DbConnection,
    filter: &ListFilter,
    circle: Option<Circle>,
    sort: PracticeSort,
    mut after: Option<Cursor>,
    wanted: usize,
) -> ApiResult<Vec<(PracticeRow, Option<f64>)>> {
    let batch_size = match circle {
        None => wanted as i64,
        Some(_) => SCAN_BATCH.max(wanted as i64),
    };
    let mut out = Vec::new();
    loop {
        let batch = repo::list(conn, filter, sort, after.as_ref(), batch_size)?;
        let exhausted = (batch.len() as i64) < batch_size;
        after = batch.last().map(|row| repo::cursor_after(row, sort));
        for row in batch {
            let distance = match circle {
                None => None,
                Some(circle) => match circle.distance(&row) {
                    Some(d) => Some(d),
                    None => continue,
                },
            };
            out.push((row, distance));
            if out.len() == wanted {
                return Ok(out);
            }
        }
        if exhausted || circle.is_none() {
            return Ok(out);
        }
    }
}

/// `GET /practices`: a page of practices, unpublished ones only as far as the caller
/// may see them.
pub(crate) struct PracticeList {
    filter: ListFilter,
    circle: Option<Circle>,
}

impl Listing for PracticeList {
    type Sort = PracticeSort;
    type Row = PracticeItem;
    type Item = Box<serde_json::value::RawValue>;

    fn rows(
        &self,
        conn: &mut DbConnection,
        page: &PageRequest<PracticeSort>,
    ) -> ApiResult<Vec<PracticeItem>> {
        let rows = scan(
            conn,
            &self.filter,
            self.circle,
            page.sort,
            page.after.clone(),
            page.fetch() as usize,
        )?;
        Ok(rows
            .into_iter()
            .map(|(row, distance_km)| PracticeItem {
                internals: sees_internals(&self.filter.drafts, row.implementer_id),
                row,
                distance_km,
            })
            .collect())
    }

    fn cursor(item: &PracticeItem, sort: PracticeSort) -> Cursor {
        repo::cursor_after(&item.row, sort)
    }

    fn render(
        conn: &mut DbConnection,
        rows: Vec<PracticeItem>,
    ) -> ApiResult<Vec<Box<serde_json::value::RawValue>>> {
        super::read::page_items(conn, rows)
    }
}

pub(crate) fn list_request(
    principal: &Principal,
    query: PracticeListQuery,
) -> ApiResult<(PracticeList, PageRequest<PracticeSort>)> {
    let page = PageRequest::new(query.sort, query.cursor.as_deref(), query.limit)?;
    let (filter, circle) = list_filter(principal, query.filters(), query.status)?;
    Ok((PracticeList { filter, circle }, page))
}

/// `GET /practices/map`: the published practices with a location, as GeoJSON.
pub(crate) async fn map(
    state: &AppState,
    principal: &Principal,
    query: PracticeMapQuery,
) -> ApiResult<PracticeMap> {
    let (mut filter, circle) = list_filter(principal, query.filters(), None)?;
    filter.status = Some(PracticeStatus::Published);
    filter.located = true;
    state
        .run(move |conn| {
            let mut rows = scan(
                conn,
                &filter,
                circle,
                PracticeSort::Title,
                None,
                MAP_MAX_FEATURES + 1,
            )?;
            let truncated = rows.len() > MAP_MAX_FEATURES;
            rows.truncate(MAP_MAX_FEATURES);
            let ids: Vec<i64> = rows.iter().map(|(row, _)| row.id).collect();
            let related = repo::related(conn, &ids)?;
            let categories = category_index(conn, &related)?;
            let features = rows
                .into_iter()
                .filter_map(|(row, _)| {
                    let point = point_of(&row)?;
                    let categories = related
                        .get(&row.id)
                        .map(|l| categories_of(l, &categories))
                        .unwrap_or_default();
                    Some(Feature {
                        kind: FeatureType::Feature,
                        id: row.id,
                        geometry: Point {
                            kind: PointType::Point,
                            // RFC 7946: longitude first.
                            coordinates: vec![point.lon, point.lat],
                        },
                        properties: FeatureProperties {
                            id: row.id,
                            url: location(row.id),
                            title: row.title,
                            categories,
                        },
                    })
                })
                .collect();
            Ok(PracticeMap {
                kind: FeatureCollectionType::FeatureCollection,
                features,
                truncated,
            })
        })
        .await
}

// ------------------------------------------------------------------ the rules

/// A list of references: every id known (422 `not_found`), none twice
/// (`duplicate_value`).
fn check_list(
    errors: &mut Vec<FieldError>,
    field: &str,
    noun: &str,
    ids: &[i64],
    known: impl Fn(&i64) -> bool,
) {
    if let Some(missing) = ids.iter().find(|id| !known(id)) {
        errors.push(FieldError::new(
            field,
            "not_found",
            format!("{noun} {missing} does not exist"),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = ids.iter().find(|id| !seen.insert(**id)) {
        errors.push(FieldError::new(
            field,
            "duplicate_value",
            format!("{noun} {twice} is listed twice"),
        ));
    }
}

/// Every referenced row must exist (422 naming the field), the place must be a local
/// government, and the TERC code must agree with the voivodeship (filled in from it when
/// missing).
fn check_references(
    conn: &mut DbConnection,
    fields: &mut PracticeFields,
    links: &PracticeLinks,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    let mut ids = vec![fields.implementer_id];
    ids.extend(fields.jst_id);
    ids.extend(&links.partner_ids);
    let found: HashMap<i64, Organization> = crate::organizations::repo::find_many(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, Organization::from(o)))
        .collect();
    if !found.contains_key(&fields.implementer_id) {
        errors.push(FieldError::new(
            "implementer_id",
            "not_found",
            format!("organization {} does not exist", fields.implementer_id),
        ));
    }
    if let Some(jst_id) = fields.jst_id {
        match found.get(&jst_id) {
            None => errors.push(FieldError::new(
                "jst_id",
                "not_found",
                format!("organization {jst_id} does not exist"),
            )),
            Some(jst) if jst.kind != OrganizationKind::Jst => errors.push(FieldError::new(
                "jst_id",
                "not_a_jst",
                format!("'{}' is not a local government (kind jst)", jst.name),
            )),
            Some(_) => {}
        }
    }
    check_list(
        &mut errors,
        "partner_ids",
        "organization",
        &links.partner_ids,
        |id| found.contains_key(id),
    );
    let categories = repo::categories_among(conn, &links.category_ids)?;
    check_list(
        &mut errors,
        "category_ids",
        "category",
        &links.category_ids,
        |id| categories.contains(id),
    );
    if let Some(project_id) = fields.project_id
        && crate::projects::repo::find(conn, project_id)?.is_none()
    {
        errors.push(FieldError::new(
            "project_id",
            "not_found",
            format!("project {project_id} does not exist"),
        ));
    }
    if let Some(teryt) = fields
        .teryt
        .as_deref()
        .and_then(|t| t.parse::<crate::domain::Teryt>().ok())
    {
        settle_voivodeship(&teryt, &mut fields.voivodeship, &mut errors);
    }
    validated(errors)
}

/// What a new practice takes over from its local government when left out: the TERC
/// code, the kind of unit, the population, the city and the voivodeship.
fn fill_from_jst(conn: &mut DbConnection, fields: &mut PracticeFields) -> ApiResult<()> {
    let Some(jst_id) = fields.jst_id else {
        return Ok(());
    };
    let Some(jst) = crate::organizations::repo::find(conn, jst_id)?.map(Organization::from) else {
        return Ok(());
    };
    if jst.kind != OrganizationKind::Jst {
        return Ok(());
    }
    if fields.teryt.is_none() {
        fields.teryt = jst.teryt;
    }
    if fields.unit_kind.is_none() {
        fields.unit_kind = jst.jst_kind.map(UnitKind::from);
    }
    if fields.population.is_none() {
        fields.population = jst.population;
    }
    if fields.city.is_none() {
        fields.city = jst.address.city;
    }
    if fields.voivodeship.is_none() && fields.teryt.is_none() {
        fields.voivodeship = jst.address.voivodeship;
    }
    Ok(())
}

/// What a practice needs before it is reviewed: a summary and a category.
fn check_complete(fields: &PracticeFields, links: &PracticeLinks) -> ApiResult<()> {
    let mut errors = Vec::new();
    if fields
        .summary
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        errors.push(FieldError::new(
            "summary",
            "required",
            "a practice goes to review with its summary (why it is worth spreading)",
        ));
    }
    if links.category_ids.is_empty() {
        errors.push(FieldError::new(
            "category_ids",
            "required",
            "a practice goes to review filed under at least one category",
        ));
    }
    validated(errors)
}

fn canonical(mut links: PracticeLinks) -> PracticeLinks {
    links.category_ids.sort_unstable();
    links.partner_ids.sort_unstable();
    links
}

fn contact(input: ContactInput) -> ContactData {
    ContactData {
        name: input.name.trim().to_owned(),
        role: trimmed(input.role),
        email: input.email.map(String::from),
        phone: trimmed(input.phone),
        public: input.public,
    }
}

fn set_sections(fields: &mut PracticeFields, sections: SectionsInput) {
    fields.situation_before = sections.situation_before;
    fields.goals = sections.goals;
    fields.actions = sections.actions;
    fields.results = sections.results;
    fields.resources = sections.resources;
    fields.lessons = sections.lessons;
}

fn set_address(fields: &mut PracticeFields, address: AddressInput) {
    fields.street = trimmed(address.street);
    fields.postal_code = address.postal_code.map(String::from);
    fields.city = trimmed(address.city);
    fields.voivodeship = address.voivodeship;
}

fn set_location(fields: &mut PracticeFields, location: Option<LocationInput>) {
    fields.lat_e6 = location.map(|l| to_micro(l.lat));
    fields.lon_e6 = location.map(|l| to_micro(l.lon));
}

/// The stored state of a new draft.
fn new_state(body: CreatePractice) -> PracticeState {
    let mut fields = PracticeFields::draft(body.title.trim(), body.implementer_id);
    fields.summary = body.summary;
    fields.jst_id = body.jst_id;
    fields.unit_kind = body.unit_kind;
    fields.teryt = body.teryt.map(String::from);
    fields.phone = trimmed(body.phone);
    fields.website = body.website.map(String::from);
    fields.population = body.population;
    fields.project_id = body.project_id;
    fields.entered_on = body.entered_on;
    fields.reviewed_on = body.reviewed_on;
    set_sections(&mut fields, body.sections.unwrap_or_default());
    set_address(&mut fields, body.address.unwrap_or_default());
    set_location(&mut fields, body.location);
    fields.refresh_derived();
    let links = PracticeLinks {
        category_ids: body.category_ids,
        partner_ids: body.partner_ids,
        contacts: body.contacts.into_iter().map(contact).collect(),
        attachments: body
            .attachments
            .into_iter()
            .map(AttachmentData::from)
            .collect(),
    };
    PracticeState { fields, links }
}

fn apply(patch: UpdatePractice, state: &mut PracticeState) {
    let fields = &mut state.fields;
    set(&mut fields.title, patch.title.map(|t| t.trim().to_owned()));
    set(&mut fields.summary, patch.summary);
    if let Some(sections) = patch.sections {
        set_sections(fields, sections.unwrap_or_default());
    }
    set(&mut fields.implementer_id, patch.implementer_id);
    set(&mut fields.jst_id, patch.jst_id);
    set(&mut fields.unit_kind, patch.unit_kind);
    set(&mut fields.teryt, patch.teryt.map(|t| t.map(String::from)));
    if let Some(address) = patch.address {
        set_address(fields, address.unwrap_or_default());
    }
    set(&mut fields.phone, patch.phone.map(trimmed));
    set(
        &mut fields.website,
        patch.website.map(|w| w.map(String::from)),
    );
    set(&mut fields.population, patch.population);
    if let Some(location) = patch.location {
        set_location(fields, location);
    }
    set(&mut fields.project_id, patch.project_id);
    set(&mut fields.entered_on, patch.entered_on);
    set(&mut fields.reviewed_on, patch.reviewed_on);
    fields.refresh_derived();
    let links = &mut state.links;
    set(&mut links.category_ids, patch.category_ids);
    set(&mut links.partner_ids, patch.partner_ids);
    set(
        &mut links.contacts,
        patch.contacts.map(|c| c.into_iter().map(contact).collect()),
    );
    set(
        &mut links.attachments,
        patch
            .attachments
            .map(|a| a.into_iter().map(AttachmentData::from).collect()),
    );
}

/// Inserts a draft, its related rows, its first history entry and its audit record
/// (call inside a transaction).
pub fn insert_practice(
    conn: &mut DbConnection,
    actor: &Actor,
    state: PracticeState,
) -> ApiResult<PracticeRow> {
    let PracticeState { mut fields, links } = state;
    let links = canonical(links);
    fill_from_jst(conn, &mut fields)?;
    check_references(conn, &mut fields, &links)?;
    repo::insert(conn, actor, &PracticeState { fields, links })
}

/// Moves a practice through its lifecycle (the rules of who may are the caller's). On
/// publication a practice without `entered_on` is entered today.
pub fn move_practice(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PracticeRow,
    expected: Expected,
    to: PracticeStatus,
    note: Option<&str>,
) -> ApiResult<PracticeRow> {
    let from = current.status;
    if !from.can_move_to(to) {
        return Err(ApiError::new(
            Code::IllegalTransition,
            format!(
                "a practice moves draft → submitted → published → archived (or published → \
                 submitted); not {from} → {to}"
            ),
        ));
    }
    let mut fields = PracticeFields::from(current.clone());
    if to == PracticeStatus::Submitted {
        check_complete(&fields, &repo::links(conn, current.id)?)?;
    }
    if to == PracticeStatus::Published && fields.entered_on.is_none() {
        fields.entered_on = Some(crate::time::today());
    }
    fields.status = to;
    repo::transition(conn, actor, current, expected, &fields, note)
}

// ------------------------------------------------------------------ the use cases

/// How every write of a practice finds it: 404 unless the caller sees it, then the
/// right to write it (`auth::policy`).
const MANAGED: Guard<repo::Practices> = Guard {
    load: load_visible,
    may: |principal, row| policy::can_write_practice(principal, row.implementer_id),
};

/// A practice as `GET /practices/{id}` answers it.
pub(crate) type Found = crate::http::Found<Practice>;

impl crate::http::Versioned for Practice {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The stored document for callers who see what the public sees (one primary-key
/// lookup); insiders, who may see drafts and non-public contacts, get it rendered now.
pub(crate) async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Found> {
    let principal = principal.clone();
    let public_reader = matches!(
        policy::visible_practice_drafts(&principal),
        DraftVisibility::OfAssociations(ids) if ids.is_empty()
    );
    state
        .run(move |conn| {
            if public_reader
                && let Some((version, doc)) =
                    crate::db::read_docs::find(conn, super::read::KIND, id)?
            {
                return Ok(Found::Stored(version, doc));
            }
            let row = load_visible(conn, &principal, id)?;
            Ok(Found::Rendered(Box::new(render_one(
                conn, &principal, row,
            )?)))
        })
        .await
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    body: CreatePractice,
) -> ApiResult<Practice> {
    policy::can_write_practice(principal, body.implementer_id)?;
    let new = new_state(body);
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let row = insert_practice(conn, &principal.actor(), new)?;
            render_one(conn, &principal, row)
        })
        .await
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    PracticePath { id }: PracticePath,
    if_match: IfMatch,
    patch: UpdatePractice,
) -> ApiResult<Practice> {
    MANAGED
        .change(state, principal, (id, if_match), move |conn, held| {
            if let Some(implementer_id) = patch.implementer_id
                && implementer_id != held.current.implementer_id
            {
                policy::can_write_practice(&held.principal, implementer_id)?;
            }
            let before = PracticeState {
                fields: PracticeFields::from(held.current.clone()),
                links: canonical(repo::links(conn, id)?),
            };
            let mut after = before.clone();
            apply(patch, &mut after);
            after.links = canonical(after.links);
            if after == before {
                return render_one(conn, &held.principal, held.current);
            }
            check_references(conn, &mut after.fields, &after.links)?;
            if held.current.status != PracticeStatus::Draft {
                check_complete(&after.fields, &after.links)?;
            }
            let row = repo::update(
                conn,
                &held.principal.actor(),
                &held.current,
                held.expected,
                (&before, &after),
            )?;
            render_one(conn, &held.principal, row)
        })
        .await
}

pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    PracticePath { id }: PracticePath,
    if_match: IfMatch,
) -> ApiResult<()> {
    MANAGED
        .change(state, principal, (id, if_match), move |conn, held| {
            if held.current.status.is_public() {
                // What the public has seen is withdrawn by archiving; only an
                // administrator removes it.
                policy::can_publish_practice(&held.principal)?;
            }
            let snapshot = PracticeState {
                links: repo::links(conn, id)?,
                fields: PracticeFields::from(held.current.clone()),
            };
            write::delete::<repo::Practices>(
                conn,
                &held.principal.actor(),
                &held.current,
                held.expected,
                &snapshot,
            )
        })
        .await
}

pub(crate) async fn transition(
    state: &AppState,
    principal: &Principal,
    PracticePath { id }: PracticePath,
    if_match: IfMatch,
    body: TransitionRequest,
) -> ApiResult<Practice> {
    let note = trimmed(body.note);
    MANAGED
        .change(state, principal, (id, if_match), move |conn, held| {
            if body.to == PracticeStatus::Published {
                policy::can_publish_practice(&held.principal)?;
            }
            let row = move_practice(
                conn,
                &held.principal.actor(),
                &held.current,
                held.expected,
                body.to,
                note.as_deref(),
            )?;
            render_one(conn, &held.principal, row)
        })
        .await
}

pub(crate) async fn history(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<PracticeHistory> {
    let principal = principal.clone();
    let rows = state
        .run(move |conn| {
            load_visible(conn, &principal, id)?;
            repo::history(conn, id)
        })
        .await?;
    Ok(PracticeHistory {
        items: rows
            .into_iter()
            .map(|row| PracticeTransition {
                id: row.id,
                from: row.from_status,
                to: row.to_status,
                note: row.note,
                actor_user_id: row.actor_user_id,
                created_at: crate::time::to_utc(row.created_at),
            })
            .collect(),
    })
}

// ------------------------------------------------------------------ categories

impl From<CategoryRow> for PracticeCategory {
    fn from(row: CategoryRow) -> Self {
        PracticeCategory {
            id: row.id,
            slug: row.slug,
            name: row.name,
            version: row.version,
            created_at: crate::time::to_utc(row.created_at),
            updated_at: crate::time::to_utc(row.updated_at),
        }
    }
}

/// `GET /practice-categories`, in id order.
pub(crate) struct CategoryList(Option<chrono::NaiveDateTime>);

crate::listing! {
    CategoryList: ById, CategoryRow => PracticeCategory;
    rows(list, conn, page) = repo::list_categories(conn, list.0, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(_conn, rows) = Ok(rows.into_iter().map(PracticeCategory::from).collect());
}

pub(crate) fn category_list_request(
    query: CategoryListQuery,
) -> ApiResult<(CategoryList, PageRequest<ById>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    Ok((
        CategoryList(query.updated_since.map(|t| t.naive_utc())),
        page,
    ))
}

pub(crate) async fn get_category(
    state: &AppState,
    id_or_slug: String,
) -> ApiResult<PracticeCategory> {
    state
        .run(move |conn| {
            repo::find_category(conn, &id_or_slug)?
                .map(PracticeCategory::from)
                .ok_or_else(|| {
                    ApiError::not_found(format!("category '{id_or_slug}' does not exist"))
                })
        })
        .await
}

/// Stores a category (the seed adds the seven of the base through it).
pub fn insert_category(
    conn: &mut DbConnection,
    actor: &Actor,
    slug: Option<Slug>,
    name: &str,
) -> ApiResult<CategoryRow> {
    let name = name.trim().to_owned();
    let slug = slug.unwrap_or_else(|| Slug::from_name(&name));
    if repo::category_slug_taken(conn, slug.as_str())? {
        return Err(ApiError::new(
            Code::SlugTaken,
            format!("a category with the slug '{slug}' already exists"),
        ));
    }
    let fields = CategoryFields {
        slug: slug.into_inner(),
        name,
    };
    write::create::<Categories>(conn, actor, &fields, &fields)
}

pub(crate) async fn create_category(
    state: &AppState,
    principal: &Principal,
    body: CreateCategory,
) -> ApiResult<PracticeCategory> {
    policy::require_admin(principal)?;
    let actor = principal.actor();
    state
        .transaction(move |conn| {
            insert_category(conn, &actor, body.slug, &body.name).map(PracticeCategory::from)
        })
        .await
}

// ------------------------------------------------------------------ adoptions

fn adoption_view(row: AdoptionRow, organization: OrganizationSummary) -> Adoption {
    Adoption {
        id: row.id,
        practice_id: row.practice_id,
        organization_id: row.organization_id,
        organization,
        adopted_on: row.adopted_on,
        note: row.note,
        created_at: crate::time::to_utc(row.created_at),
    }
}

fn render_adoptions(conn: &mut DbConnection, rows: Vec<AdoptionRow>) -> ApiResult<Vec<Adoption>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let organizations = organization_summaries(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let organization = organizations
                .get(&row.organization_id)
                .cloned()
                .ok_or_else(|| {
                    ApiError::internal(format!("adopter {} is missing", row.organization_id))
                })?;
            Ok(adoption_view(row, organization))
        })
        .collect()
}

/// Bumps the practice's version: its `adoption_count` changed.
fn touch_count(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PracticeRow,
    expected: Expected,
    before: i64,
    after: i64,
) -> ApiResult<()> {
    write::touch::<repo::Practices>(
        conn,
        actor,
        current,
        expected,
        serde_json::json!({"adoption_count": [before, after]}),
    )?;
    Ok(())
}

fn adoption_count(conn: &mut DbConnection, id: i64) -> ApiResult<i64> {
    Ok(repo::adoption_counts(conn, &[id])?
        .get(&id)
        .copied()
        .unwrap_or(0))
}

pub(crate) async fn add_adoption(
    state: &AppState,
    principal: &Principal,
    id: i64,
    body: CreateAdoption,
) -> ApiResult<Adoption> {
    policy::can_record_adoption(principal, body.organization_id)?;
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let current = load_visible(conn, &principal, id)?;
            if current.status != PracticeStatus::Published {
                return Err(ApiError::new(
                    Code::PracticeNotPublished,
                    format!(
                        "only a published practice is taken over; this one is {}",
                        current.status
                    ),
                ));
            }
            let adopter = crate::organizations::repo::find(conn, body.organization_id)?
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "organization_id",
                        "not_found",
                        format!("organization {} does not exist", body.organization_id),
                    )
                })?;
            if adopter.kind != OrganizationKind::Jst {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "not_a_jst",
                    format!("'{}' is not a local government (kind jst)", adopter.name),
                ));
            }
            if Some(adopter.id) == current.jst_id || adopter.id == current.implementer_id {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "own_practice",
                    "the practice's own local government does not adopt it",
                ));
            }
            if repo::adoption_by(conn, id, adopter.id)?.is_some() {
                return Err(ApiError::new(
                    Code::AlreadyAdopted,
                    format!(
                        "'{}' has already recorded taking this practice over",
                        adopter.name
                    ),
                ));
            }
            let before = adoption_count(conn, id)?;
            let new = NewAdoption {
                practice_id: id,
                organization_id: adopter.id,
                adopted_on: body.adopted_on,
                note: trimmed(body.note),
                created_at: crate::time::now(),
            };
            let row = repo::insert_adoption(conn, &new)?;
            let actor = principal.actor();
            write::record_change(
                conn,
                &actor,
                Action::Create,
                "practice_adoption",
                row.id,
                serde_json::to_value(&new).ok(),
            )?;
            touch_count(
                conn,
                &actor,
                &current,
                Expected::current(current.version),
                before,
                before + 1,
            )?;
            Ok(adoption_view(row, OrganizationSummary::from(&adopter)))
        })
        .await
}

pub(crate) async fn get_adoption(
    state: &AppState,
    principal: &Principal,
    id: i64,
    adoption_id: i64,
) -> ApiResult<Adoption> {
    let principal = principal.clone();
    state
        .run(move |conn| {
            load_visible(conn, &principal, id)?;
            let row = repo::adoption(conn, id, adoption_id)?.ok_or_else(|| {
                ApiError::not_found(format!(
                    "adoption {adoption_id} of practice {id} does not exist"
                ))
            })?;
            render_adoptions(conn, vec![row])?
                .pop()
                .ok_or_else(|| ApiError::internal("adoption vanished"))
        })
        .await
}

pub(crate) async fn remove_adoption(
    state: &AppState,
    principal: &Principal,
    id: i64,
    adoption_id: i64,
    if_match: IfMatch,
) -> ApiResult<()> {
    let principal = principal.clone();
    state
        .transaction(move |conn| {
            let current = load_visible(conn, &principal, id)?;
            let row = repo::adoption(conn, id, adoption_id)?.ok_or_else(|| {
                ApiError::not_found(format!("adoption {adoption_id} of practice {id} does not exist"))
            })?;
            policy::can_record_adoption(&principal, row.organization_id)?;
            let expected = Expected::from_header(&if_match, current.version)?;
            let before = adoption_count(conn, id)?;
            let actor = principal.actor();
            touch_count(conn, &actor, &current, expected, before, before - 1)?;
            repo::delete_adoption(conn, row.id)?;
            write::record_change(
                conn,
                &actor,
                Action::Delete,
                "practice_adoption",
                row.id,
                Some(serde_json::json!({"practice_id": id, "organization_id": row.organization_id, "adopted_on": row.adopted_on})),
            )
        })
        .await
}

/// `GET /practices/{id}/adoptions`, in id order.
pub(crate) struct AdoptionList {
    practice_id: i64,
    since: Option<chrono::NaiveDateTime>,
}

crate::listing! {
    AdoptionList: ById, AdoptionRow => Adoption;
    rows(list, conn, page) = repo::list_adoptions(conn, list.practice_id, list.since, page);
    cursor(row, sort) = Cursor::by_id(sort, row.id);
    render(conn, rows) = render_adoptions(conn, rows);
}

/// The adoptions of a practice the caller may see (404 otherwise).
pub(crate) async fn adoption_list_request(
    state: &AppState,
    principal: &Principal,
    id: i64,
    query: AdoptionListQuery,
) -> ApiResult<(AdoptionList, PageRequest<ById>)> {
    let page = PageRequest::new(None, query.cursor.as_deref(), query.limit)?;
    let principal = principal.clone();
    state
        .run(move |conn| load_visible(conn, &principal, id).map(|_| ()))
        .await?;
    Ok((
        AdoptionList {
            practice_id: id,
            since: query.updated_since.map(|t| t.naive_utc()),
        },
        page,
    ))
}
