//! Seeding a fixed directory at the console (the demo's agencies and accounts): what a
//! database holds beside that directory, creating whatever of it is missing in one
//! transaction with one audit entry, and the actor one of its accounts acts as when the
//! console does that account's work (the demo's case). No signed-in actor: as for every
//! use case of [`super::operator`], whoever runs the command holds the database.
//!
//! Must not: be reachable over HTTP, or check the password against the policy (the
//! caller's fixed directory publishes its password on purpose, for trying only).

use super::agencies::AgencyInput;
use super::operator::ConsoleAccount;
use super::{AgencyView, UseCaseError};
use crate::RequestContext;
use crate::events::{event, record};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, SessionId};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::users::{self, NewUser};
use schakel_store::{DbConn, StoreError, write_tx};
use secrecy::SecretString;

/// What a database holds, as far as a fixed directory is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// No account and no agency.
    Nothing,
    /// Only agencies and accounts of the directory.
    OnlyThese,
    /// Accounts or agencies the directory does not name.
    Other {
        /// Accounts that are not the directory's.
        users: usize,
        /// Agencies that are not the directory's.
        agencies: usize,
    },
}

/// What a seed created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    /// Agencies created now.
    pub agencies: usize,
    /// Accounts created now.
    pub users: usize,
}

/// Compares the database's agencies and accounts with a directory's (by name and by
/// email address).
pub fn holds(
    conn: &mut DbConn,
    agency_names: &[&str],
    emails: &[&str],
) -> Result<Holds, UseCaseError> {
    let all_users = users::list(conn, None)?;
    let all_agencies = agencies::list_all(conn)?;
    if all_users.is_empty() && all_agencies.is_empty() {
        return Ok(Holds::Nothing);
    }
    let users = all_users
        .iter()
        .filter(|u| !emails.contains(&u.email.as_str()))
        .count();
    let agencies = all_agencies
        .iter()
        .filter(|a| !agency_names.contains(&a.name.as_str()))
        .count();
    Ok(if users == 0 && agencies == 0 {
        Holds::OnlyThese
    } else {
        Holds::Other { users, agencies }
    })
}

/// Creates the agencies and accounts of a directory that do not exist yet, every
/// account with `password`, in one transaction with one audit entry `code` that counts
/// what was created (none when nothing was).
pub fn seed(
    conn: &mut DbConn,
    directory: (&[AgencyInput], &[ConsoleAccount]),
    password: &SecretString,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Seeded, UseCaseError> {
    let (agency_inputs, accounts) = directory;
    let hash = crate::password::hash(password)?;
    write_tx(conn, |conn| {
        let mut seeded = Seeded::default();
        for a in agency_inputs {
            if agencies::find_by_name(conn, &a.name)?.is_none() {
                let new = NewAgency {
                    name: &a.name,
                    kind: a.kind,
                    region: a.region,
                    contact_email: &a.contact_email,
                };
                agencies::insert(conn, &new, now)?;
                seeded.agencies += 1;
            }
        }
        for u in accounts {
            if users::find_by_email(conn, &u.email)?.is_some() {
                continue;
            }
            let agency = named_agency(conn, &u.agency_name)?;
            let new = NewUser {
                agency_id: agency.id,
                email: &u.email,
                display_name: &u.display_name,
                role: u.role,
                locale: &u.locale,
                password_hash: Some(&hash),
            };
            users::insert(conn, &new, now)?;
            seeded.users += 1;
        }
        if seeded != Seeded::default() {
            let e = event(
                code,
                ActionKind::Create,
                Outcome::Success,
                &RequestContext::default(),
            )?
            .with_details(serde_json::json!({
                "agencies": seeded.agencies,
                "users": seeded.users,
            }));
            record(conn, &e, now)?;
        }
        Ok(seeded)
    })
}

/// The agency of that name (one the directory created).
pub fn named_agency(conn: &mut DbConn, name: &str) -> Result<AgencyView, UseCaseError> {
    Ok(agencies::find_by_name(conn, name)?
        .ok_or(StoreError::NotFound)?
        .into())
}

/// The actor an account of the directory is when the console does its work: its
/// identity and role, with a session of its own that no token names.
pub fn actor_of(conn: &mut DbConn, email: &str) -> Result<Actor, UseCaseError> {
    let u = users::find_by_email(conn, email)?.ok_or(StoreError::NotFound)?;
    Ok(Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: SessionId::new_random(),
    })
}
