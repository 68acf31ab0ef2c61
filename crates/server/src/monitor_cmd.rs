//! `schakel monitor estimate --input FILE.csv`: multiple systems estimation of a
//! capture-history table from a file, by the same estimator as the analyst's page and
//! `GET /api/v1/monitor/estimate`, so that published tables can be checked with it. It
//! reads no database and writes nothing but its report to standard output.

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use schakel_monitor::mse::{self, Histories, Method, Model, Options, Resampling};
use std::path::PathBuf;

/// How the model is chosen.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Choice {
    /// Stepwise by significance (SparseMSE's method; `--threshold`).
    Stepwise,
    /// Main effects only.
    Independence,
    /// The smallest BIC a downhill search over two-list models reaches.
    Bic,
    /// The model given by `--model`.
    Fixed,
}

/// The report's form.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Plain text.
    Text,
    /// JSON, as the API answers.
    Json,
    /// CSV, one quantity per row.
    Csv,
}

/// The monitor subcommands.
#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// Estimate the persons no list saw from a capture-history CSV file: a header naming
    /// the lists and, last, the count; one row per combination, 0 or 1 per list.
    Estimate {
        /// The capture-history table.
        #[arg(long, value_name = "FILE.csv")]
        input: PathBuf,
        /// How the model is chosen.
        #[arg(long, value_enum, default_value = "stepwise")]
        method: Choice,
        /// The stepwise method's significance threshold.
        #[arg(long, default_value_t = mse::DEFAULT_THRESHOLD)]
        threshold: f64,
        /// The fixed model's interactions by the lists' names, e.g. `PF:NCA+LA:NG`.
        #[arg(long, default_value = "")]
        model: String,
        /// The intervals' coverage.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        /// Bootstrap resamples for the BCa interval (0: none).
        #[arg(long, default_value_t = 1000)]
        bootstrap: usize,
        /// The bootstrap's seed.
        #[arg(long, default_value_t = 1234)]
        seed: u64,
        /// The report's form.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// Runs a monitor subcommand.
pub fn run(command: MonitorCommand) -> anyhow::Result<()> {
    let MonitorCommand::Estimate {
        input,
        method,
        threshold,
        model,
        level,
        bootstrap,
        seed,
        format,
    } = command;
    let text = std::fs::read_to_string(&input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let table = Histories::from_csv(&text).with_context(|| format!("{}", input.display()))?;
    let method = match method {
        Choice::Stepwise => Method::Stepwise { threshold },
        Choice::Independence => Method::Independence,
        Choice::Bic => Method::Bic,
        Choice::Fixed => Method::Fixed(
            Model::parse(&model, table.names()).map_err(|e| anyhow::anyhow!("--model: {e}"))?,
        ),
    };
    let options = Options {
        method,
        level,
        bootstrap: (bootstrap > 0).then_some(Resampling {
            replicates: bootstrap,
            seed,
        }),
    };
    let estimate = mse::estimate(&table, &options).context("no estimate")?;
    match format {
        Format::Text => print!("{}", estimate.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&estimate)?),
        Format::Csv => print!("{}", estimate.to_csv()?),
    }
    Ok(())
}
