//! The accounts, tokens and sessions of `schakel-auth`, in one test binary: the
//! negative-token corpus and the login and session flows on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_reset;
mod jwt_corpus;
mod sessions;
