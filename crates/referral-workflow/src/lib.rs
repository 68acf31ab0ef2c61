#![doc = include_str!("../README.md")]

pub mod access;
pub mod cases;
pub mod config;
pub mod consents;
pub mod cursor;
mod error;
pub mod idempotency;
pub mod identity;
pub mod jobs;
pub mod referrals;
mod rows;
pub mod signals;
mod subjects;
mod support;
pub mod views;

pub use config::WorkflowConfig;
pub use error::{Conflict, Denial, Refusal, WorkflowError};
pub use schakel_auth::admin::IfMatch;
pub use support::Env;
