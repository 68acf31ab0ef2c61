//! The pages over HTTP, in one test binary: each module holds the tests of one group of
//! pages, and `support` what they share.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod admin_pages;
mod analyst_pages;
mod attach_pages;
mod audit_tool_pages;
mod case_assign_pages;
mod case_close_pages;
mod case_correct_pages;
mod case_list_pages;
mod case_reopen_pages;
mod casework_pages;
mod client_pages;
mod decision_pages;
mod document_pages;
mod draft_pages;
mod emergency_pages;
mod error_pages;
mod estimate_pages;
mod fhir_inbound_pages;
mod figures_pages;
mod form_limits;
mod four_eyes_pages;
mod help_pages;
mod investigation_pages;
mod known_pages;
mod language_pages;
mod link_pages;
mod local_time_pages;
mod login_busy_pages;
mod notes_pages;
mod offender_tables_pages;
mod onward_pages;
mod pages;
mod profile_pages;
mod recovery_code_pages;
mod recovery_pages;
mod rights_pages;
mod session_pages;
mod suggestion_pages;
mod unavailable_pages;
