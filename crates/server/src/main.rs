//! `schakel`: the one binary of the platform.
//!
//! Errors end the process with a one-line message on standard error and a non-zero
//! exit code: 2 for invalid configuration, 1 for anything else. `schakel audit verify`
//! also exits 1 when the audit chain is broken.

mod admin_cmd;
mod audit_cmd;
mod clamd;
mod demo;
mod demo_offenders;
mod demo_profiles;
mod demo_world;
mod directory_cmd;
mod dispatch;
mod heaps;
mod jobs;
mod monitor_cmd;
mod sealer;
mod serve;
mod telemetry;

use clap::{Parser, Subcommand};
use schakel_server::{auth_settings, casework_settings, documents_settings, keys, settings};
use settings::{ConfigError, Settings};
use std::path::PathBuf;
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
    /// Export the directory of agencies (Open Referral HSDS 3.0).
    Directory {
        #[command(subcommand)]
        command: directory_cmd::DirectoryCommand,
    },
    /// Check the audit trail or sign a checkpoint of it.
    Audit {
        #[command(subcommand)]
        command: audit_cmd::AuditCommand,
    },
    /// Multiple systems estimation on a capture-history file.
    Monitor {
        #[command(subcommand)]
        command: monitor_cmd::MonitorCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The long-running commands set how the allocator keeps memory (see `heaps`).
    if matches!(cli.command, Command::Serve { .. } | Command::Worker)
        && let Some(e) = heaps::limit()
    {
        eprintln!(
            "schakel: could not start again with the allocator's settings ({e}); going on with the C library's defaults"
        );
    }
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
        Command::Migrate => serve::open_command_pool(&settings)
            .and_then(|pool| serve::migrate(&pool))
            .map(|applied| println!("{} migrations applied", applied.len())),
        Command::Serve { demo } => run_server(settings, demo),
        Command::Worker => actix_web::rt::System::new().block_on(serve::worker(settings)),
        Command::Admin { command } => admin_cmd::run(&settings, command),
        Command::Directory { command } => directory_cmd::run(&settings, command),
        Command::Monitor { command } => monitor_cmd::run(command),
        Command::Audit { command } => match audit_cmd::run(&settings, command) {
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

fn run_server(settings: Settings, demo: bool) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(serve::serve(settings, demo))
}
