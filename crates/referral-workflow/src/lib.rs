#![doc = include_str!("../README.md")]

pub mod access;
pub mod agency_figures;
pub mod cases;
pub mod config;
pub mod consents;
pub mod cursor;
pub mod documents;
pub mod drafts;
pub mod emergency;
mod error;
pub mod idempotency;
pub mod identity;
pub mod jobs;
pub mod notes;
pub mod offenders;
mod present;
pub mod referrals;
pub mod rights;
mod rows;
pub mod signals;
mod subjects;
mod support;
pub mod views;
pub mod who_saw;

pub use config::WorkflowConfig;
pub use error::{Conflict, Denial, Refusal, UseCaseError};
pub use schakel_auth::IfMatch;
pub use support::Env;
