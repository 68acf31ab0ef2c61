//! `schakel admin ...`: bootstrapping agencies and accounts from the command line, for
//! the first admin before anyone can log in. Each command is one transaction with its
//! audit entry (no actor: the operator at the console; `via: cli` in the details).

use crate::serve::{install_entry_key, migrate};
use crate::settings::Settings;
use anyhow::{Context, anyhow};
use clap::Subcommand;
use schakel_audit::{ActionCode, ActionKind, AuditEvent, Outcome};
use schakel_domain::{AgencyKind, Clock, Region, Role, SystemClock};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::users::{self, NewUser};
use schakel_store::{StoreError, write_tx};
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

fn audit_event(code: &str, kind: &str, id: &str) -> anyhow::Result<AuditEvent> {
    let code = ActionCode::parse(code).map_err(|e| anyhow!("{e}"))?;
    Ok(AuditEvent::new(code, ActionKind::Create, Outcome::Success)
        .with_object(kind, id)
        .with_details(serde_json::json!({ "via": "cli" })))
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
            if name.trim().is_empty() || !email.contains('@') {
                return Err(anyhow!(
                    "an agency needs a name and a contact email address"
                ));
            }
            let agency = write_tx(&mut conn, |c| {
                let new = NewAgency {
                    name: name.trim(),
                    kind,
                    region,
                    contact_email: email.trim(),
                };
                let agency = agencies::insert(c, &new, now)?;
                let e = audit_event("admin.agency_create", "agency", &agency.id.to_string())?;
                schakel_audit::record(c, &e, now)?;
                Ok::<_, anyhow::Error>(agency)
            })
            .map_err(|e| match e.downcast_ref::<StoreError>() {
                Some(StoreError::Conflict(_)) => anyhow!("an agency named '{name}' exists already"),
                _ => e,
            })?;
            println!("agency {} created: {}", agency.id, agency.name);
        }
        AdminCommand::CreateUser {
            email,
            name,
            role,
            agency,
            locale,
        } => {
            if !matches!(locale.as_str(), "nl" | "en") {
                return Err(anyhow!("--locale must be nl or en"));
            }
            let agency = agencies::find_by_name(&mut conn, &agency)?
                .ok_or_else(|| anyhow!("no agency named '{agency}'"))?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password")?;
            let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned());
            let context = [email.as_str(), name.as_str(), agency.name.as_str()];
            schakel_auth::password::check_policy(
                secrecy::ExposeSecret::expose_secret(&password),
                &context,
            )
            .map_err(|r| anyhow!("password refused: {r}"))?;
            let hash = schakel_auth::password::hash(&password)?;
            let user = write_tx(&mut conn, |c| {
                let new = NewUser {
                    agency_id: agency.id,
                    email: &email,
                    display_name: name.trim(),
                    role,
                    locale: &locale,
                    password_hash: Some(&hash),
                };
                let user = users::insert(c, &new, now)?;
                let e = audit_event("admin.user_create", "user", &user.id.to_string())?;
                schakel_audit::record(c, &e, now)?;
                Ok::<_, anyhow::Error>(user)
            })
            .map_err(|e| match e.downcast_ref::<StoreError>() {
                Some(StoreError::Conflict(_)) => anyhow!("a user with that email exists already"),
                _ => e,
            })?;
            println!(
                "user {} created: {} ({}) at {}",
                user.id, user.email, user.role, agency.name
            );
        }
        AdminCommand::Retention { dry_run } => {
            let cfg = workflow(settings)?;
            let report = schakel_referral_workflow::jobs::retention(&mut conn, &cfg, now, dry_run)
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
        }
        AdminCommand::RotateKey => {
            let cfg = workflow(settings)?;
            let ctx = schakel_auth::RequestContext::default();
            let env = schakel_referral_workflow::Env {
                cfg: &cfg,
                ctx: &ctx,
                now,
            };
            let report = schakel_referral_workflow::jobs::rotate_keys(&mut conn, &env)
                .map_err(|e| anyhow!("rotation: {e}"))?;
            println!(
                "{} value(s) re-encrypted under key {}; {} already under it",
                report.reencrypted,
                cfg.keys.current_key_id(),
                report.current
            );
        }
    }
    Ok(())
}

/// The case-work settings over the configured data keys.
fn workflow(settings: &Settings) -> anyhow::Result<schakel_referral_workflow::WorkflowConfig> {
    let keys = settings.data.load().map_err(|e| anyhow!(e))?;
    Ok(settings.casework.workflow(keys, &settings.data))
}
