//! The configuration of the `schakel` binary as a library: the settings it reads (defaults,
//! a TOML file, `SCHAKEL_*` variables, secret files) and the key files they name. The
//! binary (`main.rs`) is everything else; the library exists so that the configuration
//! file's reading can be exercised from outside the binary (the fuzz targets).

pub mod auth_settings;
pub mod casework_settings;
pub mod data_settings;
pub mod documents_settings;
pub mod emergency_settings;
pub mod keys;
pub mod monitor_settings;
pub mod rights_settings;
pub mod settings;
