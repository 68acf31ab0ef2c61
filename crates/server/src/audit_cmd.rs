//! `schakel audit ...`: verifying the trail against the series of signed checkpoints
//! (and that no entry has waited past the sealing bound), signing the next checkpoint
//! of the series, and sealing by hand.
//!
//! Keys are read (and a missing or bad one refused) before the database is opened.
//! Verifying and checkpointing only read the trail; sealing makes the one change the
//! trail allows, as the sealer in `serve` and `worker` does.

use crate::settings::{Settings, fail};
use anyhow::Context;
use clap::Subcommand;
use schakel_audit::{SignedCheckpoint, VerifyReport};
use schakel_domain::{Clock, SystemClock};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain (and with the entry key, every entry's MAC); print the
    /// entries checked and "chain intact" (exit 0) or the first broken entry and why
    /// (exit 1). Entries not yet sealed are counted; one that has waited longer than
    /// `audit.unsealed_bound_secs` fails the check too (exit 1).
    Verify {
        /// The signed checkpoints (JSON) the chain must still hold: the whole series,
        /// or its tail from any checkpoint on. Catches a truncated tail, a re-hashed
        /// chain and a checkpoint left out of the series. Needs
        /// `audit.checkpoint_public_key_file` or `audit.checkpoint_key_file`.
        #[arg(long, value_name = "FILE", num_args = 1..)]
        checkpoint: Vec<PathBuf>,
    },
    /// Verify the chain against the previous checkpoint and write the next one, signed
    /// with `audit.checkpoint_key_file`; keep it off the database's machine. Refuses to
    /// sign a chain that no longer matches the previous checkpoint.
    Checkpoint {
        /// The file to create (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The newest checkpoint of the series: the chain must still hold it, and the
        /// new checkpoint names it.
        #[arg(long, value_name = "FILE", required_unless_present = "first")]
        previous: Option<PathBuf>,
        /// Start a new series (the very first checkpoint, or after a new signing key).
        #[arg(long, conflicts_with = "previous")]
        first: bool,
    },
    /// Seal every committed entry now, as the sealer of `serve` and `worker` does (for
    /// when neither runs), waiting up to `audit.unsealed_bound_secs` for transactions
    /// still running that hold entries back (exit 1 if some still wait); needs the
    /// entry key to give the entries their MACs.
    Seal,
}

/// Runs an audit subcommand; the exit code says whether the chain is intact.
pub fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let keyed = settings
        .audit
        .install_entry_key_if_present()
        .map_err(fail)?;
    match command {
        AuditCommand::Verify { checkpoint } => {
            let trusted = if checkpoint.is_empty() {
                None
            } else {
                let series = checkpoint
                    .iter()
                    .map(|p| read_checkpoint(p))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                Some((settings.checkpoint_verifying_key()?, series))
            };
            let mut conn = audit_connection(settings)?;
            let report = match &trusted {
                Some((key, series)) => {
                    schakel_audit::verify_with_checkpoints(&mut conn, series, key)?
                }
                None => schakel_audit::verify(&mut conn)?,
            };
            print_report(&report, trusted.as_ref().map(|(_, s)| s.as_slice()));
            print_macs(&report, keyed);
            let sealing = schakel_audit::sealing_state(
                &mut conn,
                SystemClock.now(),
                settings.audit.unsealed_bound_secs,
            )?;
            print_sealing(&sealing);
            Ok(if report.is_intact() && !sealing.is_overdue() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        AuditCommand::Checkpoint { out, previous, .. } => {
            let key = settings.checkpoint_signing_key()?;
            let previous = previous.as_deref().map(read_checkpoint).transpose()?;
            let mut conn = audit_connection(settings)?;
            let cp =
                schakel_audit::checkpoint(&mut conn, &key, previous.as_ref(), SystemClock.now())?;
            write_new(&out, &cp)?;
            println!(
                "checkpoint of entry {} written to {} (public key {})",
                cp.seq,
                out.display(),
                cp.public_key
            );
            if !keyed {
                println!(
                    "entry MACs not checked: the entry key (audit.entry_key_file) is not here"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Seal => {
            if !keyed {
                anyhow::bail!(
                    "the entry key (audit.entry_key_file) is not here: sealing without it \
                     would leave the entries without their MACs"
                );
            }
            let mut conn = audit_connection(settings)?;
            let patience = std::time::Duration::from_secs(settings.audit.unsealed_bound_secs);
            let (sealed, waiting) = schakel_audit::seal_committed(&mut conn, patience)?;
            println!("{sealed} entries sealed");
            if waiting == 0 {
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "{waiting} entries still wait: a transaction still running holds them back"
                );
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// Writes a checkpoint to a new file (an existing one is never overwritten).
fn print_sealing(s: &schakel_audit::SealingState) {
    match (s.unsealed, s.is_overdue()) {
        (0, _) => println!("no entry waits to be sealed"),
        (n, false) => println!(
            "{n} entries wait to be sealed, the oldest for {} s (bound {} s)",
            s.oldest_seconds, s.bound_seconds
        ),
        (n, true) => println!(
            "sealing overdue: {n} entries wait to be sealed, the oldest for {} s, longer \
             than the bound of {} s (is a sealer running?)",
            s.oldest_seconds, s.bound_seconds
        ),
    }
}

fn write_new(out: &Path, cp: &SignedCheckpoint) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    writeln!(file, "{}", cp.to_json()?)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", out.display()))
}

/// A connection to a database whose migrations are all applied.
fn audit_connection(settings: &Settings) -> anyhow::Result<schakel_store::PooledConn> {
    let pool = crate::serve::open_command_pool(settings)?;
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

fn print_report(report: &VerifyReport, series: Option<&[SignedCheckpoint]>) {
    match &report.broken {
        None => match series {
            Some(series) => {
                let mut seqs: Vec<i64> = series.iter().map(|cp| cp.seq).collect();
                seqs.sort_unstable();
                seqs.dedup();
                let seqs: Vec<String> = seqs.iter().map(ToString::to_string).collect();
                let noun = if seqs.len() == 1 { "entry" } else { "entries" };
                println!(
                    "{} entries checked: chain intact (holds checkpoint {noun} {})",
                    report.checked,
                    seqs.join(", ")
                );
            }
            None => println!("{} entries checked: chain intact", report.checked),
        },
        Some(broken) => println!(
            "{} entries checked: chain broken at entry {}: {}",
            report.checked, broken.seq, broken.reason
        ),
    }
}

fn print_macs(report: &VerifyReport, keyed: bool) {
    match (keyed, report.keyed_from) {
        (false, _) => {
            println!("entry MACs not checked: the entry key (audit.entry_key_file) is not here");
        }
        (true, None) => println!("entry MACs checked: no entry carries one yet"),
        (true, Some(1)) => println!("entry MACs checked: every entry carries one"),
        (true, Some(from)) => println!(
            "entry MACs checked from entry {from} on (the entries before it were written \
             before the entry key was set)"
        ),
    }
}
