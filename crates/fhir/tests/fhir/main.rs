//! The FHIR facade's integration tests as one binary, over the real application (the
//! API with the facade mounted) on every selected backend. The fixtures are the API
//! tests' own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../api/tests/api/support/mod.rs"]
mod support;

mod clients_http;
mod inbound_http;
mod matrix;
mod referrals_http;
mod samples;
mod world;
