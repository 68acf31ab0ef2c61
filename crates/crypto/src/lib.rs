#![doc = include_str!("../README.md")]

mod blob;
mod error;
mod field;
mod keyed;
mod keys;

pub use error::CryptoError;
pub use field::field_aad;
pub use keys::{Compartment, KEY_BYTES, MasterKeys};
pub use secrecy::{ExposeSecret, SecretString};
