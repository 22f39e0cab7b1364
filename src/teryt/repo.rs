//! Writing the register: one transaction, matched by TERC code.

use std::collections::HashMap;

use diesel::prelude::*;

use super::parse::{ImportError, TercUnit, decode, parse_terc};
use crate::db::DbConnection;
use crate::db::schema::organizations;
use crate::domain::OrganizationKind;
use crate::error::ApiError;
use crate::organizations::dto::check_consistency;
use crate::organizations::model::{OrganizationFields, OrganizationRow};
use crate::organizations::repo as organization_repo;
use crate::write::Actor;
use crate::write::Expected;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The encoding the file was read in.
    pub encoding: &'static str,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows that name no local government of their own (town and rural parts,
    /// districts, delegatury, the powiat row of a city with powiat rights).
    pub skipped: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged ({} rows skipped: parts of gminy, districts, \
             delegatury and the powiat rows of cities with powiat rights)",
            self.added, self.updated, self.unchanged, self.skipped
        )
    }
}

fn database(error: ApiError) -> ImportError {
    ImportError {
        line: None,
        message: format!("the database refused the import: {error:?}"),
    }
}

/// The new state of an organization for a unit of the register: the register's name,
/// kind and voivodeship; its description only where there is none.
fn fields_for(unit: &TercUnit, current: Option<&OrganizationRow>) -> OrganizationFields {
    let mut fields = match current {
        Some(row) => OrganizationFields::from(row.clone()),
        None => OrganizationFields {
            teryt: Some(unit.teryt.to_string()),
            ..OrganizationFields::named(String::new(), String::new(), OrganizationKind::Jst)
        },
    };
    fields.name = unit.name.clone();
    fields.jst_kind = Some(unit.jst_kind);
    fields.voivodeship = Some(unit.teryt.voivodeship());
    if fields.description.is_none() {
        fields.description = Some(unit.description.clone());
    }
    fields.refresh_derived();
    fields
}

/// Imports a TERC file's bytes in one transaction: nothing is written when any row
/// is malformed or any write fails. `progress(done, total)` is called every `every`
/// local governments.
pub fn import(
    conn: &mut DbConnection,
    bytes: &[u8],
    every: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let (text, encoding) = decode(bytes);
    let (units, skipped) = parse_terc(&text)?;
    let actor = Actor::default();
    let total = units.len();
    conn.transaction::<_, ImportError, _>(|conn| {
        let existing: Vec<OrganizationRow> = organizations::table
            .filter(organizations::teryt.is_not_null())
            .load(conn)
            .map_err(|e| database(e.into()))?;
        let mut by_teryt: HashMap<String, OrganizationRow> = existing
            .into_iter()
            .filter_map(|row| row.teryt.clone().map(|t| (t, row)))
            .collect();
        let mut report = ImportReport {
            encoding,
            skipped,
            ..ImportReport::default()
        };
        for (done, unit) in units.iter().enumerate() {
            let current = by_teryt.remove(unit.teryt.as_str());
            if let Some(row) = &current
                && row.kind != OrganizationKind::Jst
            {
                return Err(ImportError {
                    line: Some(unit.line),
                    message: format!(
                        "organization '{}' holds the TERC code {} but is not of kind jst",
                        row.slug, unit.teryt
                    ),
                });
            }
            let mut fields = fields_for(unit, current.as_ref());
            check_consistency(&mut fields).map_err(|e| ImportError {
                line: Some(unit.line),
                message: format!("{e}"),
            })?;
            match current {
                None => {
                    organization_repo::insert(conn, &actor, fields).map_err(database)?;
                    report.added += 1;
                }
                Some(row) if OrganizationFields::from(row.clone()) == fields => {
                    report.unchanged += 1;
                }
                Some(row) => {
                    organization_repo::update(
                        conn,
                        &actor,
                        &row,
                        Expected::current(row.version),
                        fields,
                    )
                    .map_err(database)?;
                    report.updated += 1;
                }
            }
            if every > 0 && (done + 1) % every == 0 {
                progress(done + 1, total);
            }
        }
        // Renamed local governments are embedded in positions: the read model follows.
        crate::db::before_commit(conn).map_err(database)?;
        Ok(report)
    })
}

impl From<diesel::result::Error> for ImportError {
    fn from(error: diesel::result::Error) -> Self {
        database(error.into())
    }
}
