//! The rows a use case has read, kept for the rest of its transaction: a handoff names
//! the same agencies, case and person in its checks, its monitor event, its audit entry
//! and its answer, and reads each of them once.
//!
//! Must not: outlive the transaction (it holds no row a use case changes: agencies,
//! cases and persons are only read on the paths that use it).

use crate::UseCaseError;
use crate::views::WorkerRef;
use schakel_domain::{AgencyId, CaseId, PersonId, UserId};
use schakel_store::DbConn;
use schakel_store::agencies::{self, Agency};
use schakel_store::casework::cases::{self, Case};
use schakel_store::casework::persons::{self, Person};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Rows read in this transaction, by id.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    agencies: HashMap<AgencyId, Agency>,
    cases: HashMap<CaseId, Case>,
    persons: HashMap<PersonId, Person>,
    workers: HashMap<UserId, WorkerRef>,
}

impl Rows {
    /// A worker by name, read once.
    pub(crate) fn worker(
        &mut self,
        conn: &mut DbConn,
        id: UserId,
    ) -> Result<WorkerRef, UseCaseError> {
        if let Some(w) = self.workers.get(&id) {
            return Ok(w.clone());
        }
        let u = schakel_store::users::find(conn, id)?;
        let w = WorkerRef {
            id: u.id,
            name: u.display_name,
        };
        self.workers.insert(id, w.clone());
        Ok(w)
    }

    /// Reads those of `ids` not yet held, in one query (the agencies that do not exist
    /// stay unread: [`Rows::agency`] reports them).
    pub(crate) fn load_agencies(
        &mut self,
        conn: &mut DbConn,
        ids: &[AgencyId],
    ) -> Result<(), UseCaseError> {
        let missing: Vec<AgencyId> = ids
            .iter()
            .copied()
            .filter(|id| !self.agencies.contains_key(id))
            .collect();
        if !missing.is_empty() {
            for a in agencies::find_many(conn, &missing)? {
                self.agencies.insert(a.id, a);
            }
        }
        Ok(())
    }

    /// One agency (not found: the store's error).
    pub(crate) fn agency(
        &mut self,
        conn: &mut DbConn,
        id: AgencyId,
    ) -> Result<&Agency, schakel_store::StoreError> {
        Ok(match self.agencies.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(agencies::find(conn, id)?),
        })
    }

    /// One case; read with its person, whom a use case mostly needs too.
    pub(crate) fn case(&mut self, conn: &mut DbConn, id: CaseId) -> Result<&Case, UseCaseError> {
        Ok(match self.cases.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                let (c, p) = cases::find_with_person(conn, id)?;
                self.persons.entry(p.id).or_insert(p);
                v.insert(c)
            }
        })
    }

    /// Keeps a case read elsewhere.
    pub(crate) fn keep_case(&mut self, case: &Case) {
        self.cases.insert(case.id, case.clone());
    }

    /// One person.
    pub(crate) fn person(
        &mut self,
        conn: &mut DbConn,
        id: PersonId,
    ) -> Result<&Person, UseCaseError> {
        Ok(match self.persons.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(persons::find(conn, id)?),
        })
    }

    /// The pseudonym of a case's person.
    pub(crate) fn pseudonym_of(
        &mut self,
        conn: &mut DbConn,
        case: CaseId,
    ) -> Result<Option<String>, UseCaseError> {
        let person = self.case(conn, case)?.person_id;
        Ok(self.person(conn, person)?.pseudonym.clone())
    }
}
