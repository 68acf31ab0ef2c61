//! The use cases' integration tests as one binary (the shared support compiles once): one module per area, each on every selected backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod agency_figures;
mod assignment;
mod attached_signals;
mod canary;
mod clock_jumps;
mod corrections;
mod documents;
mod drafts;
mod emergency;
mod jobs;
mod key_rotation;
mod notes;
mod onward;
mod references;
mod referral_assignment;
mod referral_model;
mod reopen;
mod similar_persons;
mod transitions;
mod visibility;
