//! Razem: the JSON REST API for the cooperation of Polish local governments.

pub mod associations;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod health;
pub mod memberships;
pub mod milestones;
pub mod openapi;
pub mod organizations;
pub mod pagination;
pub mod positions;
pub mod presidencies;
pub mod request_id;
pub mod seed;
pub mod server;
pub mod teryt;
pub mod throttle;
pub mod time;
pub mod tokens;
pub mod users;
pub mod validation;
