#![doc = include_str!("../README.md")]

pub mod config;
pub mod dispatch;
pub mod mailer;
mod recipients;
pub mod templates;

pub use config::NotifyConfig;
pub use dispatch::{DispatchReport, Dispatcher, NotifyError};
pub use mailer::{Mailer, MailerError};
