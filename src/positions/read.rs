//! The read model of positions: the public representation of every published position,
//! rendered when a write changes it (`read_model::flush`) and served as stored bytes.
//! Drafts are never stored: their readers (administrators, the association's editors)
//! get the representation rendered per request, which is the same one.

use serde_json::value::RawValue;

use super::dto::Position;
use super::repo;
use crate::db::DbConnection;
use crate::db::read_docs::{self, ReadDoc};
use crate::error::{ApiError, ApiResult};

/// The read model's name for positions.
pub const KIND: &str = "position";

/// How many positions one rendering statement covers: a rename of an organization that
/// many positions name re-renders them in batches of this size.
pub const BATCH: usize = 200;

/// The stored document of a public position (version, JSON), if any.
pub fn stored(conn: &mut DbConnection, id: i64) -> ApiResult<Option<(i64, String)>> {
    read_docs::find(conn, KIND, id)
}

/// The stored list items of these positions, by id.
pub fn stored_items(
    conn: &mut DbConnection,
    ids: &[i64],
) -> ApiResult<std::collections::HashMap<i64, String>> {
    read_docs::items(conn, KIND, ids)
}

/// The documents of the public ones of `ids`, as the current rows render them.
pub fn fresh(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<ReadDoc>> {
    let rows = repo::find_public(conn, ids)?;
    repo::with_details(conn, rows)?
        .into_iter()
        .map(document)
        .collect()
}

fn document(position: Position) -> ApiResult<ReadDoc> {
    let doc = serde_json::to_string(&position).map_err(ApiError::internal)?;
    let (id, version) = (position.id, position.version);
    let item = serde_json::to_string(&position.into_list_item()).map_err(ApiError::internal)?;
    Ok(ReadDoc {
        id,
        version,
        doc,
        item,
    })
}

/// Renders `ids` again (in batches): public ones are stored, the others removed.
pub fn render(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<()> {
    for batch in ids.chunks(BATCH) {
        let docs = fresh(conn, batch)?;
        read_docs::replace(conn, KIND, batch, &docs)?;
    }
    Ok(())
}

/// Renders again every position that embeds the organization (as its association, an
/// addressee, a co-signer or the sender of a reply).
pub fn render_embedding(conn: &mut DbConnection, organization_id: i64) -> ApiResult<()> {
    let ids = repo::embedding(conn, organization_id)?;
    render(conn, &ids)
}

/// Renders every position (`razem read-model rebuild`, and the seeds); returns how many
/// are public.
pub fn rebuild(conn: &mut DbConnection) -> ApiResult<usize> {
    let ids = repo::all_ids(conn)?;
    render(conn, &ids)?;
    Ok(read_docs::all(conn, KIND)?.len())
}

/// The list items of a page, in its order: stored ones as they are, the others (drafts
/// the caller may see, rows the read model lacks) rendered now.
pub fn page_items(
    conn: &mut DbConnection,
    rows: Vec<(
        super::model::PositionRow,
        crate::organizations::dto::OrganizationSummary,
    )>,
) -> ApiResult<Vec<Box<RawValue>>> {
    let order: Vec<i64> = rows.iter().map(|(row, _)| row.id).collect();
    let mut items = stored_items(conn, &order)?;
    let missing: Vec<_> = rows
        .into_iter()
        .filter(|(row, _)| !items.contains_key(&row.id))
        .collect();
    for position in repo::with_related(conn, missing)? {
        let item = serde_json::to_string(&position.clone().into_list_item())
            .map_err(ApiError::internal)?;
        items.insert(position.id, item);
    }
    order
        .iter()
        .map(|id| {
            let item = items
                .remove(id)
                .ok_or_else(|| ApiError::internal(format!("position {id} was not rendered")))?;
            RawValue::from_string(item).map_err(ApiError::internal)
        })
        .collect()
}
