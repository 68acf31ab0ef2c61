//! `schakel`: the one binary of the platform.
//!
//! Errors end the process with a one-line message on standard error and a non-zero
//! exit code: 2 for invalid configuration, 1 for anything else.

mod demo;
mod serve;
mod settings;
mod telemetry;

use clap::{Parser, Subcommand};
use settings::Settings;
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
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration, secrets redacted, and exit.
    CheckConfig,
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
