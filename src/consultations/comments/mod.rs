//! Comments (uwagi) on consultations — the standard comment table — with the
//! organizer's dispositions and the report: `/api/v1/consultations/{id}/comments`,
//! `/api/v1/consultations/{id}/report`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod report;
pub mod service;
pub mod view;
