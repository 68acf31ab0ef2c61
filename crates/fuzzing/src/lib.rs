//! Fuzz targets for every place that parses outside input.
//!
//! Each target takes any bytes and drives one parser the way outside input reaches
//! it. A target panics only on a finding: the parser itself panicked, a request was
//! answered with a server error, or a property the parser promises failed (a kept
//! document no longer of its kind, an edited audit trail that still verifies).
//!
//! Two engines run the same targets: the coverage-guided AFL++ of `scripts/fuzz` (the
//! workspace in `fuzz/` wraps each target in `afl::fuzz!`), and the short run of this
//! crate's test (`tests/short.rs`), which replays the kept corpus and the regression
//! inputs and then mutates them at random for a bounded time.
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "a target reports a finding, or a harness that cannot be set up, by panicking"
)]

mod app;
mod audit_rows;
mod http;
pub use http::statuses;
pub mod mutate;
mod parsers;
mod world;

/// One fuzz target: its name (the folder of its corpus, `fuzz/corpus/<name>/`) and the
/// function that reads one input.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target's name.
    pub name: &'static str,
    /// What it reads: one input, any bytes.
    pub run: fn(&[u8]),
    /// Sets up what its inputs run in (the application, a chain of entries), so that a
    /// timed run does not count the setting up.
    pub prepare: fn(),
}

fn nothing() {}

/// Every target, by name.
pub const TARGETS: &[Target] = &[
    Target {
        name: "access_token",
        run: parsers::access_token,
        prepare: nothing,
    },
    Target {
        name: "api_requests",
        run: http::api_requests,
        prepare: http::prepare,
    },
    Target {
        name: "audit_rows",
        run: audit_rows::audit_rows,
        prepare: audit_rows::prepare,
    },
    Target {
        name: "capture_histories",
        run: parsers::capture_histories,
        prepare: nothing,
    },
    Target {
        name: "config_file",
        run: parsers::config_file,
        prepare: nothing,
    },
    Target {
        name: "document",
        run: parsers::document,
        prepare: nothing,
    },
    Target {
        name: "fhir_bundle",
        run: parsers::fhir_bundle,
        prepare: nothing,
    },
    Target {
        name: "fhir_requests",
        run: http::fhir_requests,
        prepare: http::prepare,
    },
    Target {
        name: "session_cookie",
        run: http::session_cookie,
        prepare: http::prepare,
    },
    Target {
        name: "web_forms",
        run: http::web_forms,
        prepare: http::prepare,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}
