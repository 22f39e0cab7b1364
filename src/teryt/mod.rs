//! The GUS TERYT register: `razem import-teryt FILE` loads the official TERC list
//! (`WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA`) as `jst` organizations.
//!
//! What is imported, one organization per local government:
//! - every voivodeship row (`WW00000`) as `wojewodztwo`, named "Województwo śląskie";
//! - every powiat row (`WWPP000`, PP < 61) as `powiat`, named "Powiat tarnogórski";
//! - every gmina of type 1, 2 or 3: "Gmina Miejska X", "Gmina X" (rural and
//!   urban-rural); in a city with powiat rights (PP >= 61) the gmina row is the city
//!   itself (`miasto_na_prawach_powiatu`, named as in the register, e.g. "Katowice").
//!
//! Skipped: the powiat row of a city with powiat rights (the same local government
//! as its gmina row), town and rural parts of urban-rural gminy (types 4 and 5),
//! Warsaw districts (8) and delegatury (9), which are not local governments.
//!
//! The register owns `name`, `jst_kind` and `voivodeship`; the description (kind,
//! parent powiat and voivodeship, TERC code) is written when the organization has
//! none, so an editor's description survives later imports. Rows are matched by
//! TERC code, so a second run of the same file changes nothing.

mod parse;
mod repo;

pub use parse::{ImportError, TercUnit, decode, parse_terc};
pub use repo::{ImportReport, import};
