//! `schakel`: the one binary of the platform.
//!
//! Errors end the process with a one-line message on standard error and a non-zero
//! exit code: 2 for invalid configuration, 1 for anything else. `schakel audit verify`
//! also exits 1 when the audit chain is broken.

mod admin_cmd;
mod auth_settings;
mod casework_settings;
mod data_settings;
mod demo;
mod dispatch;
mod jobs;
mod keys;
mod monitor_settings;
mod serve;
mod settings;
mod telemetry;

use anyhow::Context;
use clap::{Parser, Subcommand};
use schakel_audit::{SignedCheckpoint, VerifyReport};
use schakel_domain::{Clock, SystemClock};
use settings::{ConfigError, Settings};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Schakel: cross-agency case referral against human trafficking.
#[derive(Debug, Parser)]
#[command(name = "schakel", version, about)]
struct Cli {
    /// A TOML configuration file (settings from `SCHAKEL_*` variables override it).
    #[arg(long, global = true, env = "SCHAKEL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the API (applies pending migrations first).
    Serve {
        /// Seed fictional demo agencies and users and print how to log in.
        #[arg(long)]
        demo: bool,
    },
    /// Deliver the outbox and run the scheduled jobs, without serving HTTP, until
    /// SIGTERM (for production, next to instances with `mail.dispatch = false`).
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration, secrets redacted, and exit.
    CheckConfig,
    /// Create agencies and users from the command line (the first admin).
    Admin {
        #[command(subcommand)]
        command: admin_cmd::AdminCommand,
    },
    /// Check the audit trail or sign a checkpoint of it.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; print the entries checked and "chain intact" (exit 0)
    /// or the first broken entry and why (exit 1).
    Verify {
        /// A signed checkpoint (JSON) the chain must still contain; catches a truncated
        /// tail and a re-hashed chain. Needs `audit.checkpoint_public_key_file` or
        /// `audit.checkpoint_key_file`.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Verify the chain and write a checkpoint of its head, signed with
    /// `audit.checkpoint_key_file`; keep it off the database's machine.
    Checkpoint {
        /// The file to create (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("schakel: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = telemetry::init(&settings.log) {
        eprintln!("schakel: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::CheckConfig => settings
            .redacted_toml()
            .map(|t| print!("{t}"))
            .map_err(Into::into),
        Command::Migrate => serve::open_pool(&settings)
            .and_then(|pool| serve::migrate(&pool))
            .map(|applied| println!("{} migrations applied", applied.len())),
        Command::Serve { demo } => run_server(settings, demo),
        Command::Worker => actix_web::rt::System::new().block_on(serve::worker(settings)),
        Command::Admin { command } => admin_cmd::run(&settings, command),
        Command::Audit { command } => match run_audit(&settings, command) {
            Ok(code) => return code,
            Err(e) if e.is::<ConfigError>() => {
                eprintln!("schakel: {e}");
                return ExitCode::from(2);
            }
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("schakel: {}", chain.join(": ").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// `schakel audit ...`: keys are read (and a missing or bad one refused) before the
/// database is opened. Only reads the trail; never changes it.
fn run_audit(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { checkpoint } => {
            let trusted = match checkpoint {
                Some(path) => Some((
                    settings.checkpoint_verifying_key()?,
                    read_checkpoint(&path)?,
                )),
                None => None,
            };
            let mut conn = audit_connection(settings)?;
            let report = match &trusted {
                Some((key, cp)) => schakel_audit::verify_with_checkpoint(&mut conn, cp, key)?,
                None => schakel_audit::verify(&mut conn)?,
            };
            print_report(&report, trusted.as_ref().map(|(_, cp)| cp));
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        AuditCommand::Checkpoint { out } => {
            let key = settings.checkpoint_signing_key()?;
            let mut conn = audit_connection(settings)?;
            let cp = schakel_audit::checkpoint(&mut conn, &key, SystemClock.now())?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            writeln!(file, "{}", cp.to_json()?)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "checkpoint of entry {} written to {} (public key {})",
                cp.seq,
                out.display(),
                cp.public_key
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A connection to a database whose migrations are all applied.
fn audit_connection(settings: &Settings) -> anyhow::Result<schakel_store::PooledConn> {
    let pool = serve::open_pool(settings)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    if schakel_store::migrations::pending_count(&mut conn)? > 0 {
        anyhow::bail!("the database is not migrated: run `schakel migrate` first");
    }
    Ok(conn)
}

fn read_checkpoint(path: &Path) -> anyhow::Result<SignedCheckpoint> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read checkpoint {}", path.display()))?;
    SignedCheckpoint::from_json(&text).with_context(|| format!("{}", path.display()))
}

fn print_report(report: &VerifyReport, checkpoint: Option<&SignedCheckpoint>) {
    match &report.broken {
        None => match checkpoint {
            Some(cp) => println!(
                "{} entries checked: chain intact (holds checkpoint entry {})",
                report.checked, cp.seq
            ),
            None => println!("{} entries checked: chain intact", report.checked),
        },
        Some(broken) => println!(
            "{} entries checked: chain broken at entry {}: {}",
            report.checked, broken.seq, broken.reason
        ),
    }
}

fn run_server(settings: Settings, demo: bool) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(serve::serve(settings, demo))
}
