#![doc = include_str!("../README.md")]

mod admin;
mod app;
mod audit_api;
mod audit_export_api;
pub mod auth;
mod blocking;
mod body;
mod casework;
mod directory;
mod directory_hsds;
mod directory_profile;
mod emergency_api;
mod health;
mod invalid;
mod law_enforcement;
mod metrics;
mod middleware;
mod monitor_api;
mod monitor_estimate_api;
mod monitor_htcds_api;
mod monitor_offenders_api;
mod openapi;
mod openapi_ids;
mod openapi_links;
mod problem;
mod problem_kinds;
mod state;

pub use app::{JSON_LIMIT, app, app_with, configure_extractors};
pub use blocking::blocking;
pub use casework::{idempotency_key, with_env};
pub use invalid::FieldError;
pub use openapi::{ApiDoc, document as openapi_document};
pub use problem::{ApiError, FieldErrors, ProblemKind};
pub use schakel_monitor::MonitorView;
pub use state::{AppState, Metrics};
