//! Logging: JSON lines (or pretty, for a terminal) on standard error.
//!
//! What is logged is decided where it is logged: request spans carry only safe fields
//! (see the api crate), secrets are `SecretString` and print as redacted.

use crate::settings::{LogFormat, LogSettings};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.level`; an
/// invalid filter in either is an error, not a silent fallback.
pub fn init(settings: &LogSettings) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::try_new(&spec)
            .map_err(|e| format!("RUST_LOG: '{spec}' is not a log filter ({e})"))?,
        _ => EnvFilter::try_new(&settings.level)
            .map_err(|e| format!("log.level: '{}' is not a log filter ({e})", settings.level))?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (in tests) keeps the first subscriber.
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
    Ok(())
}
