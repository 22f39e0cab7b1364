//! Every query on practices, their categories, related rows and adoptions; the writes of
//! the versioned rows go through the shared write path ([`Practices`], [`Categories`]).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::{CategorySummary, PracticeSort};
use super::model::{
    AdoptionRow, CategoryFields, CategoryRow, ContactData, NewAdoption, NewContact, NewTransition,
    PracticeFields, PracticeLinks, PracticeRow, PracticeState, TransitionRow,
};
use crate::auth::policy::DraftVisibility;
use crate::db::DbConnection;
use crate::db::schema::{
    practice_adoptions, practice_attachments, practice_categories, practice_category_links,
    practice_contacts, practice_partners, practice_transitions, practices,
};
use crate::domain::{MicroBox, PracticeStatus, UnitKind, Voivodeship};
use crate::error::ApiResult;
use crate::pagination::{ById, Cursor, PageRequest};
use crate::positions::model::AttachmentData;
use crate::write::{self, Actor, Expected};

crate::versioned_table!(
    /// The practices table on the write path.
    Practices,
    practices,
    PracticeRow,
    PracticeFields,
    "practice",
    // Drafts and submitted practices stay with the implementer until published (or
    // archived); the feed shows them to others only then.
    audience = |row: &PracticeRow| crate::write::Audience::draft_of(row.implementer_id, row.status.is_public())
);

crate::versioned_table!(
    /// The categories table on the write path.
    Categories,
    practice_categories,
    CategoryRow,
    CategoryFields,
    "practice_category"
);

// ------------------------------------------------------------------ categories

pub fn find_category(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Option<CategoryRow>> {
    let query = practice_categories::table.into_boxed();
    let query = match id_or_slug.parse::<i64>() {
        Ok(id) => query.filter(practice_categories::id.eq(id)),
        Err(_) => query.filter(practice_categories::slug.eq(id_or_slug.to_owned())),
    };
    Ok(query.first(conn).optional()?)
}

pub fn category_slug_taken(conn: &mut DbConnection, slug: &str) -> ApiResult<bool> {
    Ok(practice_categories::table
        .select(practice_categories::id)
        .filter(practice_categories::slug.eq(slug))
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Categories in id order.
pub fn list_categories(
    conn: &mut DbConnection,
    updated_since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<CategoryRow>> {
    let mut query = practice_categories::table.into_boxed();
    if let Some(since) = updated_since {
        query = query.filter(practice_categories::updated_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(practice_categories::id.gt(cursor.id));
    }
    Ok(query
        .order(practice_categories::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}

/// Which of these ids name a category.
pub fn categories_among(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<i64>> {
    Ok(practice_categories::table
        .select(practice_categories::id)
        .filter(practice_categories::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

// ------------------------------------------------------------------ reading practices

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<PracticeRow>> {
    Ok(practices::table.find(id).first(conn).optional()?)
}

/// The public ones of these practices, in id order (the read model's rows).
pub fn find_public(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<PracticeRow>> {
    Ok(practices::table
        .filter(practices::id.eq_any(ids))
        .filter(practices::status.eq_any(PracticeStatus::PUBLIC.to_vec()))
        .order(practices::id)
        .load(conn)?)
}

/// Every practice id, in order.
pub fn all_ids(conn: &mut DbConnection) -> ApiResult<Vec<i64>> {
    Ok(practices::table
        .select(practices::id)
        .order(practices::id)
        .load(conn)?)
}

/// The practices that embed an organization's summary: as implementer, JST or partner.
pub fn embedding(conn: &mut DbConnection, organization_id: i64) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = practices::table
        .filter(
            practices::implementer_id
                .eq(organization_id)
                .or(practices::jst_id.eq(organization_id)),
        )
        .select(practices::id)
        .load(conn)?;
    ids.extend(
        practice_partners::table
            .filter(practice_partners::organization_id.eq(organization_id))
            .select(practice_partners::practice_id)
            .load::<i64>(conn)?,
    );
    Ok(ids)
}

/// The practices filed under a category (which they embed).
pub fn in_category(conn: &mut DbConnection, category_id: i64) -> ApiResult<Vec<i64>> {
    Ok(practice_category_links::table
        .filter(practice_category_links::category_id.eq(category_id))
        .select(practice_category_links::practice_id)
        .load(conn)?)
}

/// The practices that embed a project's summary.
pub fn of_project(conn: &mut DbConnection, project_id: i64) -> ApiResult<Vec<i64>> {
    Ok(practices::table
        .filter(practices::project_id.eq(project_id))
        .select(practices::id)
        .load(conn)?)
}

/// A practice by its exact title (the seed's idempotence).
pub fn find_by_title(conn: &mut DbConnection, title: &str) -> ApiResult<Option<PracticeRow>> {
    Ok(practices::table
        .filter(practices::title.eq(title))
        .order(practices::id.asc())
        .first(conn)
        .optional()?)
}

/// A category named by id or by slug.
#[derive(Debug, Clone)]
pub enum CategoryRef {
    Id(i64),
    Slug(String),
}

/// What a list (or the map) asks for. The distance check of `near` is the caller's: the
/// query narrows by the bounding box only.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub drafts: DraftVisibility,
    /// Only these states (the map: published only).
    pub status: Option<PracticeStatus>,
    pub category: Option<CategoryRef>,
    pub voivodeship: Option<Voivodeship>,
    pub teryt_prefix: Option<String>,
    pub unit_kind: Option<UnitKind>,
    pub population_min: Option<i64>,
    pub population_max: Option<i64>,
    /// `((lat_min, lat_max), Some((lon_min, lon_max)))` in millionths of a degree.
    pub bounding_box: Option<MicroBox>,
    /// Only practices with a location.
    pub located: bool,
    /// Already folded for search.
    pub q: Option<String>,
    pub implementer: Option<i64>,
    pub jst: Option<i64>,
    pub project: Option<i64>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &PracticeRow, sort: PracticeSort) -> Cursor {
    let key = match sort {
        PracticeSort::Title => row.sort_title.clone(),
        PracticeSort::UpdatedAt | PracticeSort::UpdatedAtDesc => {
            crate::time::cursor_key(row.updated_at)
        }
    };
    Cursor {
        sort: sort.as_str().to_owned(),
        key: Some(key),
        id: row.id,
    }
}

/// At most `fetch` practices after `after` in `sort` order. Unpublished practices the
/// caller may not see are filtered here, in SQL, so pages never leak them.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    sort: PracticeSort,
    after: Option<&Cursor>,
    fetch: i64,
) -> ApiResult<Vec<PracticeRow>> {
    use practices::dsl as p;
    let public: Vec<PracticeStatus> = PracticeStatus::PUBLIC.to_vec();
    let mut query = p::practices.into_boxed();
    match &filter.drafts {
        DraftVisibility::All => {}
        DraftVisibility::OfAssociations(ids) if ids.is_empty() => {
            query = query.filter(p::status.eq_any(public));
        }
        DraftVisibility::OfAssociations(ids) => {
            query = query.filter(
                p::status
                    .eq_any(public)
                    .or(p::implementer_id.eq_any(ids.clone())),
            );
        }
    }
    if let Some(status) = filter.status {
        query = query.filter(p::status.eq(status));
    }
    match &filter.category {
        None => {}
        Some(CategoryRef::Id(id)) => {
            query = query.filter(
                p::id.eq_any(
                    practice_category_links::table
                        .select(practice_category_links::practice_id)
                        .filter(practice_category_links::category_id.eq(*id)),
                ),
            );
        }
        Some(CategoryRef::Slug(slug)) => {
            query = query.filter(
                p::id.eq_any(
                    practice_category_links::table
                        .inner_join(practice_categories::table)
                        .select(practice_category_links::practice_id)
                        .filter(practice_categories::slug.eq(slug.clone())),
                ),
            );
        }
    }
    if let Some(voivodeship) = filter.voivodeship {
        query = query.filter(p::voivodeship.eq(voivodeship));
    }
    if let Some(prefix) = &filter.teryt_prefix {
        // Digits only (validated), so the pattern needs no escaping.
        query = query.filter(p::teryt.like(format!("{prefix}%")));
    }
    if let Some(kind) = filter.unit_kind {
        query = query.filter(p::unit_kind.eq(kind));
    }
    if let Some(min) = filter.population_min {
        query = query.filter(p::population.ge(min));
    }
    if let Some(max) = filter.population_max {
        query = query.filter(p::population.le(max));
    }
    if filter.located {
        query = query.filter(p::lat_e6.is_not_null());
    }
    if let Some(((lat_min, lat_max), lon)) = filter.bounding_box {
        query = query.filter(p::lat_e6.between(lat_min, lat_max));
        if let Some((lon_min, lon_max)) = lon {
            query = query.filter(p::lon_e6.between(lon_min, lon_max));
        }
    }
    if let Some(q) = &filter.q {
        query = query.filter(crate::db::search_docs::matching(
            conn,
            "practice",
            "practices.id",
            &crate::domain::words::query_terms(q),
        )?);
    }
    if let Some(implementer) = filter.implementer {
        query = query.filter(p::implementer_id.eq(implementer));
    }
    if let Some(jst) = filter.jst {
        query = query.filter(p::jst_id.eq(jst).or(p::implementer_id.eq(jst)));
    }
    if let Some(project) = filter.project {
        query = query.filter(p::project_id.eq(project));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    query = match sort {
        PracticeSort::Title => crate::keyset!(
            query,
            p::sort_title,
            p::id,
            after.map(Cursor::text_position).transpose()?,
            true
        ),
        PracticeSort::UpdatedAt | PracticeSort::UpdatedAtDesc => crate::keyset!(
            query,
            p::updated_at,
            p::id,
            after.map(Cursor::timestamp_position).transpose()?,
            sort == PracticeSort::UpdatedAt
        ),
    };
    Ok(query.limit(fetch).load(conn)?)
}

/// The related rows of one practice, as requests write them.
pub fn links(conn: &mut DbConnection, id: i64) -> ApiResult<PracticeLinks> {
    let mut all = related(conn, &[id])?;
    Ok(all.remove(&id).unwrap_or_default())
}

/// The related rows of several practices at once (one query per table).
pub fn related(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<HashMap<i64, PracticeLinks>> {
    let mut out: HashMap<i64, PracticeLinks> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let categories: Vec<(i64, i64)> = practice_category_links::table
        .select((
            practice_category_links::practice_id,
            practice_category_links::category_id,
        ))
        .filter(practice_category_links::practice_id.eq_any(ids.to_vec()))
        .order((
            practice_category_links::practice_id.asc(),
            practice_category_links::category_id.asc(),
        ))
        .load(conn)?;
    for (practice_id, category_id) in categories {
        out.entry(practice_id)
            .or_default()
            .category_ids
            .push(category_id);
    }
    let partners: Vec<(i64, i64)> = practice_partners::table
        .select((
            practice_partners::practice_id,
            practice_partners::organization_id,
        ))
        .filter(practice_partners::practice_id.eq_any(ids.to_vec()))
        .order((
            practice_partners::practice_id.asc(),
            practice_partners::organization_id.asc(),
        ))
        .load(conn)?;
    for (practice_id, organization_id) in partners {
        out.entry(practice_id)
            .or_default()
            .partner_ids
            .push(organization_id);
    }
    let contacts: Vec<(i64, ContactData)> = practice_contacts::table
        .select((
            practice_contacts::practice_id,
            (
                practice_contacts::name,
                practice_contacts::role,
                practice_contacts::email,
                practice_contacts::phone,
                practice_contacts::public,
            ),
        ))
        .filter(practice_contacts::practice_id.eq_any(ids.to_vec()))
        .order((
            practice_contacts::practice_id.asc(),
            practice_contacts::id.asc(),
        ))
        .load(conn)?;
    for (practice_id, contact) in contacts {
        out.entry(practice_id).or_default().contacts.push(contact);
    }
    type AttachmentColumns = (i64, String, String, Option<String>, Option<i64>);
    let attachments: Vec<AttachmentColumns> = practice_attachments::table
        .select((
            practice_attachments::practice_id,
            practice_attachments::title,
            practice_attachments::url,
            practice_attachments::media_type,
            practice_attachments::size_bytes,
        ))
        .filter(practice_attachments::practice_id.eq_any(ids.to_vec()))
        .order((
            practice_attachments::practice_id.asc(),
            practice_attachments::id.asc(),
        ))
        .load(conn)?;
    for (practice_id, title, url, media_type, size_bytes) in attachments {
        out.entry(practice_id)
            .or_default()
            .attachments
            .push(AttachmentData {
                title,
                url,
                media_type,
                size_bytes,
            });
    }
    Ok(out)
}

/// The category summaries of these ids.
pub fn category_summaries(
    conn: &mut DbConnection,
    ids: &[i64],
) -> ApiResult<HashMap<i64, CategorySummary>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = practice_categories::table
        .select((
            practice_categories::id,
            practice_categories::slug,
            practice_categories::name,
        ))
        .filter(practice_categories::id.eq_any(ids.to_vec()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name)| (id, CategorySummary { id, slug, name }))
        .collect())
}

/// How many adoptions each of these practices has (computed, never stored).
pub fn adoption_counts(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<HashMap<i64, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = practice_adoptions::table
        .group_by(practice_adoptions::practice_id)
        .select((practice_adoptions::practice_id, diesel::dsl::count_star()))
        .filter(practice_adoptions::practice_id.eq_any(ids.to_vec()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn history(conn: &mut DbConnection, id: i64) -> ApiResult<Vec<TransitionRow>> {
    Ok(practice_transitions::table
        .filter(practice_transitions::practice_id.eq(id))
        .order(practice_transitions::id.asc())
        .load(conn)?)
}

// ------------------------------------------------------------------ writing practices

fn write_links(
    conn: &mut DbConnection,
    id: i64,
    before: &PracticeLinks,
    after: &PracticeLinks,
) -> ApiResult<()> {
    if before.category_ids != after.category_ids {
        crate::replace_rows!(conn, practice_category_links::practice_id == id, for category_id in &after.category_ids =>
            (practice_category_links::practice_id.eq(id), practice_category_links::category_id.eq(category_id)));
    }
    if before.partner_ids != after.partner_ids {
        crate::replace_rows!(conn, practice_partners::practice_id == id, for organization_id in &after.partner_ids =>
            (practice_partners::practice_id.eq(id), practice_partners::organization_id.eq(organization_id)));
    }
    if before.contacts != after.contacts {
        crate::replace_rows!(conn, practice_contacts::practice_id == id, for contact in &after.contacts =>
        NewContact {
            practice_id: id,
            name: &contact.name,
            role: contact.role.as_deref(),
            email: contact.email.as_deref(),
            phone: contact.phone.as_deref(),
            public: contact.public,
        });
    }
    if before.attachments != after.attachments {
        crate::replace_rows!(conn, practice_attachments::practice_id == id, for attachment in &after.attachments => (
            practice_attachments::practice_id.eq(id),
            practice_attachments::title.eq(&attachment.title),
            practice_attachments::url.eq(&attachment.url),
            practice_attachments::media_type.eq(attachment.media_type.as_deref()),
            practice_attachments::size_bytes.eq(attachment.size_bytes),
        ));
    }
    Ok(())
}

fn record_move(
    conn: &mut DbConnection,
    actor: &Actor,
    practice_id: i64,
    from: Option<PracticeStatus>,
    to: PracticeStatus,
    note: Option<&str>,
) -> ApiResult<()> {
    diesel::insert_into(practice_transitions::table)
        .values(NewTransition {
            practice_id,
            from_status: from,
            to_status: to,
            note,
            actor_user_id: actor.user_id,
            created_at: crate::time::now(),
        })
        .execute(conn)?;
    Ok(())
}

/// Inserts a practice with its related rows and its first history entry.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    state: &PracticeState,
) -> ApiResult<PracticeRow> {
    let row = write::create::<Practices>(conn, actor, &state.fields, state)?;
    write_links(conn, row.id, &PracticeLinks::default(), &state.links)?;
    record_move(conn, actor, row.id, None, row.status, None)?;
    Ok(row)
}

/// Writes the new state of a practice and of its related rows (412 if it moved on).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PracticeRow,
    expected: Expected,
    (before, after): (&PracticeState, &PracticeState),
) -> ApiResult<PracticeRow> {
    let row = write::update::<Practices, _>(
        conn,
        actor,
        current,
        expected,
        &after.fields,
        (before, after),
    )?;
    write_links(conn, row.id, &before.links, &after.links)?;
    Ok(row)
}

/// A lifecycle move: the new state, the history entry and the audit record.
pub fn transition(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &PracticeRow,
    expected: Expected,
    fields: &PracticeFields,
    note: Option<&str>,
) -> ApiResult<PracticeRow> {
    let (from, to) = (current.status, fields.status);
    let row = write::transition::<Practices>(
        conn,
        actor,
        current,
        expected,
        fields,
        serde_json::json!({"status": [from, to], "note": note, "reviewed_on": fields.reviewed_on}),
    )?;
    record_move(conn, actor, row.id, Some(from), to, note)?;
    Ok(row)
}

// ------------------------------------------------------------------ adoptions

pub fn adoption(
    conn: &mut DbConnection,
    practice_id: i64,
    adoption_id: i64,
) -> ApiResult<Option<AdoptionRow>> {
    Ok(practice_adoptions::table
        .filter(practice_adoptions::practice_id.eq(practice_id))
        .filter(practice_adoptions::id.eq(adoption_id))
        .first(conn)
        .optional()?)
}

pub fn adoption_by(
    conn: &mut DbConnection,
    practice_id: i64,
    organization_id: i64,
) -> ApiResult<Option<AdoptionRow>> {
    Ok(practice_adoptions::table
        .filter(practice_adoptions::practice_id.eq(practice_id))
        .filter(practice_adoptions::organization_id.eq(organization_id))
        .first(conn)
        .optional()?)
}

pub fn insert_adoption(conn: &mut DbConnection, adoption: &NewAdoption) -> ApiResult<AdoptionRow> {
    Ok(diesel::insert_into(practice_adoptions::table)
        .values(adoption)
        .returning(practice_adoptions::all_columns)
        .get_result(conn)?)
}

pub fn delete_adoption(conn: &mut DbConnection, adoption_id: i64) -> ApiResult<()> {
    diesel::delete(practice_adoptions::table.find(adoption_id)).execute(conn)?;
    Ok(())
}

/// Adoptions of one practice in id order.
pub fn list_adoptions(
    conn: &mut DbConnection,
    practice_id: i64,
    since: Option<NaiveDateTime>,
    page: &PageRequest<ById>,
) -> ApiResult<Vec<AdoptionRow>> {
    let mut query = practice_adoptions::table
        .filter(practice_adoptions::practice_id.eq(practice_id))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(practice_adoptions::created_at.ge(since));
    }
    if let Some(cursor) = &page.after {
        query = query.filter(practice_adoptions::id.gt(cursor.id));
    }
    Ok(query
        .order(practice_adoptions::id.asc())
        .limit(page.fetch())
        .load(conn)?)
}
