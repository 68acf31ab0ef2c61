#![doc = include_str!("../README.md")]

pub mod account;
pub mod admin;
pub mod clients;
mod config;
mod context;
pub mod devices;
mod enrol;
mod error;
mod events;
pub mod hash_pool;
pub mod jwt;
mod links;
pub mod login;
pub mod password;
pub mod policy;
pub mod recovery_codes;
pub mod secret_token;
pub mod session;
mod throttle;
pub mod totp;
pub mod usecase;
pub mod web_session;

pub use config::{AuthConfig, ephemeral_data_keys};
pub use context::{RequestContext, client_address};
pub use error::AuthError;
pub use links::{request_password_reset, reset_password};
pub use usecase::{Conflict, Denial, IfMatch, Refusal, UseCaseError};
