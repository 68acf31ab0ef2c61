//! The `schakel` binary end to end, in one test binary: each module runs it as an
//! operator or a client would, and `audit_support` holds what the audit tests share.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit_support;

mod admin_cli;
mod audit_attacks;
mod audit_cli;
mod audit_sealing;
mod canary_standards;
mod casework;
mod config;
mod demo_world;
mod directory_cli;
mod documents;
mod estimate_cli;
mod faults_database;
mod faults_disk;
mod faults_disk_pages;
mod faults_disk_postgres;
mod faults_mail;
mod faults_soak;
mod instances;
mod jobs;
mod login_storm;
mod recovery;
mod serve;
mod test_command;
mod web;
mod worker;
