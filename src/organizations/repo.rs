//! Every query on organizations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::OrganizationSort;
use super::model::{OrganizationFields, OrganizationRow};
use crate::db::DbConnection;
use crate::db::schema::organizations;
use crate::domain::Slug;
use crate::error::{ApiError, ApiResult, Code};
use crate::pagination::{Cursor, PageRequest};
use crate::write::{self, Actor, Expected};

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// Restrict to these kinds (empty: every kind).
    pub kinds: Vec<&'static str>,
    pub voivodeship: Option<&'static str>,
    pub teryt: Option<String>,
    /// Already folded for search.
    pub q: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The cursor pointing after `row` in `sort` order.
pub fn cursor_after(row: &OrganizationRow, sort: OrganizationSort) -> Cursor {
    let key = match sort {
        OrganizationSort::Name | OrganizationSort::NameDesc => row.sort_name.clone(),
        OrganizationSort::UpdatedAt | OrganizationSort::UpdatedAtDesc => {
            crate::time::cursor_key(row.updated_at)
        }
    };
    Cursor::keyed(sort, key, row.id)
}

use crate::db::like_pattern;

pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: &PageRequest<OrganizationSort>,
) -> ApiResult<Vec<OrganizationRow>> {
    use organizations::dsl as o;
    let mut query = o::organizations.into_boxed();
    if !filter.kinds.is_empty() {
        query = query.filter(o::kind.eq_any(filter.kinds.clone()));
    }
    if let Some(voivodeship) = filter.voivodeship {
        query = query.filter(o::voivodeship.eq(voivodeship));
    }
    if let Some(teryt) = &filter.teryt {
        query = query.filter(o::teryt.eq(teryt.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(crate::db::search_docs::matching(
            conn,
            "organization",
            "organizations.id",
            &crate::domain::words::query_terms(q),
        )?);
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(o::updated_at.ge(since));
    }
    let after = page.after.as_ref();
    query = match page.sort {
        OrganizationSort::Name | OrganizationSort::NameDesc => {
            let after = after.map(Cursor::text_position).transpose()?;
            let ascending = page.sort == OrganizationSort::Name;
            crate::keyset!(query, o::sort_name, o::id, after, ascending)
        }
        OrganizationSort::UpdatedAt | OrganizationSort::UpdatedAtDesc => {
            let after = after.map(Cursor::timestamp_position).transpose()?;
            let ascending = page.sort == OrganizationSort::UpdatedAt;
            crate::keyset!(query, o::updated_at, o::id, after, ascending)
        }
    };
    Ok(query.limit(page.fetch()).load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Option<OrganizationRow>> {
    Ok(organizations::table.find(id).first(conn).optional()?)
}

/// Looks an organization up by numeric id or by slug.
pub fn find_by_id_or_slug(
    conn: &mut DbConnection,
    id_or_slug: &str,
) -> ApiResult<Option<OrganizationRow>> {
    match id_or_slug.parse::<i64>() {
        Ok(id) => find(conn, id),
        Err(_) => Ok(organizations::table
            .filter(organizations::slug.eq(id_or_slug))
            .first(conn)
            .optional()?),
    }
}

/// Summaries of several organizations at once (for embedding), in no particular order.
pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<OrganizationRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

fn slug_taken(conn: &mut DbConnection, slug: &str, except_id: Option<i64>) -> ApiResult<bool> {
    let mut query = organizations::table
        .select(organizations::id)
        .filter(organizations::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(organizations::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?.is_some())
}

fn teryt_taken(conn: &mut DbConnection, teryt: &str, except_id: Option<i64>) -> ApiResult<bool> {
    let mut query = organizations::table
        .select(organizations::id)
        .filter(organizations::teryt.eq(teryt))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(organizations::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?.is_some())
}

/// Unique values clash: answer 409 naming the field rather than a bare constraint error.
fn check_unique(
    conn: &mut DbConnection,
    fields: &OrganizationFields,
    except_id: Option<i64>,
) -> ApiResult<()> {
    if slug_taken(conn, &fields.slug, except_id)? {
        return Err(ApiError::new(
            Code::SlugTaken,
            format!(
                "the slug '{}' is already used by another organization",
                fields.slug
            ),
        ));
    }
    if let Some(teryt) = &fields.teryt
        && teryt_taken(conn, teryt, except_id)?
    {
        return Err(ApiError::new(
            Code::TerytTaken,
            format!("another organization already has the TERC code {teryt}"),
        ));
    }
    Ok(())
}

/// A free slug derived from the name: `name`, `name-2`, `name-3` …
fn free_slug(conn: &mut DbConnection, name: &str) -> ApiResult<String> {
    let base = Slug::from_name(name);
    if !slug_taken(conn, base.as_str(), None)? {
        return Ok(base.into_inner());
    }
    let taken: Vec<String> = organizations::table
        .select(organizations::slug)
        .filter(
            organizations::slug
                .like(format!(
                    "{}-%",
                    like_pattern(base.as_str()).trim_matches('%')
                ))
                .escape('\\'),
        )
        .load(conn)?;
    (2..)
        .map(|n| base.with_suffix(n))
        .find(|candidate| !taken.iter().any(|t| t == candidate.as_str()))
        .map(Slug::into_inner)
        .ok_or_else(|| ApiError::internal("no free slug"))
}

crate::versioned_table!(
    /// The organizations table on the write path.
    Organizations,
    organizations,
    OrganizationRow,
    OrganizationFields,
    "organization"
);

/// Inserts an organization (call inside a transaction).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    mut fields: OrganizationFields,
) -> ApiResult<OrganizationRow> {
    if fields.slug.is_empty() {
        fields.slug = free_slug(conn, &fields.name)?;
    }
    check_unique(conn, &fields, None)?;
    write::create::<Organizations>(conn, actor, &fields, &fields)
}

/// Writes the new state if the stored version is still the expected one (else 412).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &OrganizationRow,
    expected: Expected,
    fields: OrganizationFields,
) -> ApiResult<OrganizationRow> {
    let before = OrganizationFields::from(current.clone());
    if before == fields {
        return Ok(current.clone());
    }
    check_unique(conn, &fields, Some(current.id))?;
    write::update::<Organizations, _>(conn, actor, current, expected, &fields, (&before, &fields))
}

/// Deletes the organization if its version is still the expected one.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &OrganizationRow,
    expected: Expected,
) -> ApiResult<()> {
    let snapshot = OrganizationFields::from(current.clone());
    write::delete::<Organizations>(conn, actor, current, expected, &snapshot)
}
