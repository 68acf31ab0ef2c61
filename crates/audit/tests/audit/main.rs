//! The audit trail on every backend: recording and querying, the append-only triggers,
//! the tamper suite, signed checkpoints and concurrent writers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod append_only;
mod checkpoints;
mod concurrency;
mod record_and_query;
mod sealing;
mod support;
mod tamper;
