//! `schakel directory export --format hsds`: the directory as Open Referral's HSDS 3.0
//! JSON, for another system to import; the same export as `GET /api/v1/directory/hsds`
//! (what leaves and what never does: `schakel_domain::hsds`), audited with `via: cli`.
//! Written to standard output, or to a new file (never overwriting one).

use crate::serve::{install_entry_key, migrate};
use crate::settings::Settings;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use schakel_domain::{Clock, SystemClock};
use std::io::Write;
use std::path::PathBuf;

/// The formats the directory is exported in.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Open Referral's Human Services Data Specification 3.0 (JSON).
    Hsds,
}

/// The directory subcommands.
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Export every active agency with its services, eligibility and regions (contact
    /// details only where the agency made them public; never addresses or free places).
    Export {
        /// The format.
        #[arg(long, value_enum)]
        format: Format,
        /// A file to create instead of writing to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Runs a directory subcommand.
pub fn run(settings: &Settings, command: DirectoryCommand) -> anyhow::Result<()> {
    let DirectoryCommand::Export { format, out } = command;
    let pool = crate::serve::open_command_pool(settings)?;
    install_entry_key(settings)?;
    migrate(&pool)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let Format::Hsds = format;
    let directory = schakel_auth::admin::hsds::export_operator(&mut conn, SystemClock.now())
        .context("cannot export the directory")?;
    let mut json = serde_json::to_vec_pretty(&directory)?;
    json.push(b'\n');
    match out {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(&json)?;
            eprintln!(
                "{} organizations and {} services written to {}",
                directory.organizations.len(),
                directory.services.len(),
                path.display()
            );
        }
        None => std::io::stdout().lock().write_all(&json)?,
    }
    Ok(())
}
