//! `schakel admin ...`: bootstrapping agencies and accounts from the command line, for
//! the first admin before anyone can log in. Each command is one transaction with its
//! audit entry (no actor: the operator at the console; `via: cli` in the details).

use crate::serve::{install_entry_key, migrate};
use crate::settings::Settings;
use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use schakel_auth::admin::agencies::AgencyInput;
use schakel_auth::admin::operator::{self, ConsoleAccount, ConsoleError};
use schakel_auth::admin::users::LOCALES;
use schakel_auth::admin::{Conflict, UseCaseError};
use schakel_domain::{AgencyKind, Clock, Region, Role, SystemClock};
use schakel_store::DbConn;
use secrecy::SecretString;
use std::io::BufRead;

/// The admin subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an agency.
    CreateAgency {
        /// The agency's name (unique).
        #[arg(long)]
        name: String,
        /// Its kind, e.g. municipality, police, shelter_categorical.
        #[arg(long)]
        kind: AgencyKind,
        /// Its region, e.g. amsterdam, or national.
        #[arg(long)]
        region: Region,
        /// Its contact address.
        #[arg(long)]
        email: String,
    },
    /// Create a user with a password read from standard input (one line).
    CreateUser {
        /// Email address (the login name).
        #[arg(long)]
        email: String,
        /// The name shown to colleagues.
        #[arg(long)]
        name: String,
        /// caseworker, coordinator, analyst, auditor or admin.
        #[arg(long)]
        role: Role,
        /// The name of the user's agency.
        #[arg(long)]
        agency: String,
        /// Preferred language: nl or en.
        #[arg(long, default_value = "nl")]
        locale: String,
    },
    /// Erase identity and free text of cases closed longer than the retention period
    /// (`casework.retention_days`); with `--dry-run` only list them.
    Retention {
        /// List what would be erased, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Re-encrypt every stored value under the current data key (`data.current_key`,
    /// or the first key in `data.keys_file`). Run after adding a new key; keep the old
    /// key in the file until this reports nothing left.
    RotateKey,
}

/// The operator's words for a refusal of the admin's use cases.
fn refusal(e: ConsoleError, name_taken: &str) -> anyhow::Error {
    match e {
        ConsoleError::Admin(UseCaseError::Conflict(Conflict::NameTaken)) => {
            anyhow!("an agency named '{name_taken}' exists already")
        }
        ConsoleError::Admin(UseCaseError::Conflict(Conflict::EmailTaken)) => {
            anyhow!("a user with that email exists already")
        }
        ConsoleError::Admin(UseCaseError::Invalid("locale")) => {
            anyhow!("--locale must be nl or en")
        }
        ConsoleError::Admin(UseCaseError::Invalid(field)) => anyhow!("invalid {field}"),
        other => anyhow!("{other}"),
    }
}

/// Creates an agency at the console.
fn create_agency(conn: &mut DbConn, input: &AgencyInput, now: DateTime<Utc>) -> anyhow::Result<()> {
    let agency = operator::create_agency(conn, input, now).map_err(|e| match e {
        UseCaseError::Invalid(_) => anyhow!("an agency needs a name and a contact email address"),
        other => refusal(other.into(), input.name.trim()),
    })?;
    println!("agency {} created: {}", agency.id, agency.name);
    Ok(())
}

/// Creates an account at the console, with the password read from standard input.
fn create_user(
    conn: &mut DbConn,
    input: &ConsoleAccount,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if !LOCALES.contains(&input.locale.as_str()) {
        return Err(anyhow!("--locale must be nl or en"));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password")?;
    let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned());
    let (user, agency) =
        operator::create_user(conn, input, &password, now).map_err(|e| refusal(e, ""))?;
    println!(
        "user {} created: {} ({}) at {}",
        user.id, user.email, user.role, agency.name
    );
    Ok(())
}

/// Erases (or lists, with `dry_run`) what the retention period has run out for.
fn retention(
    settings: &Settings,
    conn: &mut DbConn,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let cfg = workflow(settings)?;
    let report = schakel_referral_workflow::jobs::retention(conn, &cfg, now, dry_run)
        .map_err(|e| anyhow!("retention: {e}"))?;
    let verb = if dry_run { "would erase" } else { "erased" };
    for item in &report.cases {
        println!(
            "{verb} case {} (closed {})",
            item.case_id,
            item.closed_at.format("%Y-%m-%d")
        );
    }
    for item in &report.signals {
        println!(
            "{verb} signal {} (logged {}, never opened as a case)",
            item.signal_id,
            item.logged_at.format("%Y-%m-%d")
        );
    }
    println!(
        "{} case(s) and {} signal(s) {verb}; retention {} days",
        report.cases.len(),
        report.signals.len(),
        settings.casework.retention_days
    );
    Ok(())
}

/// Re-encrypts every stored value under the current data key.
fn rotate_key(settings: &Settings, conn: &mut DbConn, now: DateTime<Utc>) -> anyhow::Result<()> {
    let cfg = workflow(settings)?;
    let ctx = schakel_auth::RequestContext::default();
    let env = schakel_referral_workflow::Env {
        cfg: &cfg,
        ctx: &ctx,
        now,
    };
    let report = schakel_referral_workflow::jobs::rotate_keys(conn, &env)
        .map_err(|e| anyhow!("rotation: {e}"))?;
    println!(
        "{} value(s) re-encrypted under key {}; {} already under it",
        report.reencrypted,
        cfg.keys.current_key_id(),
        report.current
    );
    Ok(())
}

/// Runs an admin subcommand.
pub fn run(settings: &Settings, command: AdminCommand) -> anyhow::Result<()> {
    let pool = crate::serve::open_command_pool(settings)?;
    install_entry_key(settings)?;
    migrate(&pool)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let now = SystemClock.now();
    match command {
        AdminCommand::CreateAgency {
            name,
            kind,
            region,
            email,
        } => {
            let input = AgencyInput {
                name,
                kind,
                region,
                contact_email: email,
            };
            create_agency(&mut conn, &input, now)?;
        }
        AdminCommand::CreateUser {
            email,
            name,
            role,
            agency,
            locale,
        } => {
            let input = ConsoleAccount {
                email,
                display_name: name,
                role,
                agency_name: agency,
                locale,
            };
            create_user(&mut conn, &input, now)?;
        }
        AdminCommand::Retention { dry_run } => retention(settings, &mut conn, now, dry_run)?,
        AdminCommand::RotateKey => rotate_key(settings, &mut conn, now)?,
    }
    Ok(())
}

/// The case-work settings over the configured data keys.
fn workflow(settings: &Settings) -> anyhow::Result<schakel_referral_workflow::WorkflowConfig> {
    let keys = settings.data.load().map_err(|e| anyhow!(e))?;
    settings.workflow(keys).map_err(|e| anyhow!(e))
}
