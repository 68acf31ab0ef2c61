//! Logging: JSON lines (or pretty, for a terminal) on standard error.
//!
//! What is logged is decided where it is logged: request spans carry only safe fields
//! (see the api crate), secrets are `SecretString` and print as redacted. Library
//! targets that would write a concrete request path are silenced here at every level,
//! whatever `log.level` or `RUST_LOG` asks for.

use crate::settings::{LogFormat, LogSettings};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log targets never written, at any level: actix-web's extractors log the concrete
/// request path when a path, query or JSON body does not deserialise (at debug, before
/// the configured error handler runs), and a failed optional extractor logs the error,
/// which can quote a path segment. A path can hold anything a client typed, a name
/// included. The answers themselves come from the api crate's error handlers.
pub const SILENCED_TARGETS: &[&str] = &[
    "actix_web::types",
    "actix_web::extract",
    "actix_web::request_data",
    "actix_web::data",
    "actix_web::thin_data",
];

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.level`; an
/// invalid filter in either is an error, not a silent fallback.
pub fn init(settings: &LogSettings) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        // The filter's parser panics inside a character of more than one byte.
        Ok(spec) if !spec.is_ascii() => {
            return Err(format!(
                "RUST_LOG: '{spec}' is not a log filter (only ASCII)"
            ));
        }
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
            .finish()
            .with(never_logged())
            .try_init(),
        LogFormat::Pretty => builder.compact().finish().with(never_logged()).try_init(),
    };
    Ok(())
}

/// Everything, except the [`SILENCED_TARGETS`].
fn never_logged() -> Targets {
    SILENCED_TARGETS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |targets, target| targets.with_target(*target, LevelFilter::OFF),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extractor_targets_are_off_and_everything_else_passes() {
        let targets = never_logged();
        for target in [
            "actix_web::types::path",
            "actix_web::types::query",
            "actix_web::extract",
        ] {
            assert!(
                !targets.would_enable(target, &tracing::Level::ERROR),
                "{target}"
            );
        }
        for target in ["actix_web::server", "schakel_api::middleware", "schakel"] {
            assert!(
                targets.would_enable(target, &tracing::Level::TRACE),
                "{target}"
            );
        }
    }
}
