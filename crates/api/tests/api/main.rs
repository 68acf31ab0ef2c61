//! The API's integration tests as one binary (the shared support compiles once): one module per area, each over the real application on every selected backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod admin_agencies_http;
mod admin_delivery_http;
mod admin_users_http;
mod attach_http;
mod audit_http;
mod audit_subjects_http;
mod auth_http;
mod casework_http;
mod corrections_http;
mod data_http;
mod documents_http;
mod emergency_http;
mod four_eyes_http;
mod hashing_http;
mod hsds_http;
mod htcds_export_http;
mod http;
mod invalid_http;
mod matrix;
mod matrix_compartment;
mod monitor_estimate_http;
mod monitor_http;
mod monitor_world;
mod mse_world_http;
mod notes_http;
mod offender_world;
mod offenders_http;
mod password_reset_http;
mod profile_http;
mod rights_http;
mod second_factor_http;
mod sessions_http;
mod who_saw_http;
