//! The chain a case is part of: the referrals that brought the person to it (through
//! the cases receiving agencies opened from them) and those that carried the person on,
//! each party seeing it as far as it may. Its own agency and the agencies it dealt with
//! directly are named; the rest of the chain shows agency kinds only, and only the hops
//! that carried the person. Case references are shown for the actor's own cases only.

use super::*;
use crate::views::{AgencyRef, CaseChain, ChainHop, ChainParty};
use schakel_domain::{AgencyId, ReferralId, ReferralState};
use schakel_store::casework::referrals::Referral;
use std::collections::{HashMap, HashSet};

/// A chain longer than this is cut off (no real hand-on path comes near).
const MAX_HOPS: usize = 64;

/// The states in which a referral carried the person to the receiving agency.
const CARRIED: [ReferralState; 3] = [
    ReferralState::Accepted,
    ReferralState::InProgress,
    ReferralState::Completed,
];

/// The chain of a case the actor may read.
pub fn case_chain(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<CaseChain, UseCaseError> {
    const CODE: &str = "case.chain";
    run(conn, env, who, |conn| {
        let (case, access) =
            visible_case(conn, env, who, id, Action::ReadCase, CODE, ActionKind::Read)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        let links = links(conn, who, &case)?;
        present(conn, who, id, links)
    })
}

/// A referral of the chain with the case its receiver opened from it, if any.
struct Link {
    referral: Referral,
    from_case: Case,
    to_case: Option<Case>,
}

/// The referrals of the chain through `case`, oldest first: up through each case's
/// origin, down through each referral's onward case.
fn links(conn: &mut DbConn, who: &Actor, case: &Case) -> Result<Vec<Link>, UseCaseError> {
    let mut seen: HashSet<ReferralId> = HashSet::new();
    let mut out = Vec::new();
    // Upwards: the referral each case was opened from, and the case it came from.
    let mut current = case.clone();
    while let Some(origin) = current.origin_referral_id {
        if out.len() >= MAX_HOPS || !seen.insert(origin) {
            break;
        }
        let referral = referrals::find(conn, origin)?;
        let Some(from_case) = cases::find(conn, referral.case_id)
            .map(Some)
            .or_else(gone)?
        else {
            break;
        };
        out.push(Link {
            referral,
            from_case: from_case.clone(),
            to_case: Some(current),
        });
        current = from_case;
    }
    out.reverse();
    // Downwards: the referrals of each case, and the cases opened from them.
    let mut queue = vec![case.clone()];
    while let Some(from_case) = queue.pop() {
        for referral in referrals::of_case(conn, from_case.id)? {
            if out.len() >= MAX_HOPS || !seen.insert(referral.id) {
                continue;
            }
            if !party_to(who.agency_id, &referral) && !CARRIED.contains(&referral.state) {
                continue;
            }
            let to_case = cases::of_origin(conn, referral.id)?;
            if let Some(next) = &to_case {
                queue.push(next.clone());
            }
            out.push(Link {
                referral,
                from_case: from_case.clone(),
                to_case,
            });
        }
    }
    // Hops the actor's agency had no part in show only when they carried the person.
    out.retain(|l| party_to(who.agency_id, &l.referral) || CARRIED.contains(&l.referral.state));
    out.sort_by_key(|l| l.referral.created_at);
    Ok(out)
}

/// A case erased by retention ends the chain there.
fn gone(e: schakel_store::StoreError) -> Result<Option<Case>, UseCaseError> {
    match e {
        schakel_store::StoreError::NotFound => Ok(None),
        other => Err(other.into()),
    }
}

/// Whether `agency` sent or received `referral`.
fn party_to(agency: AgencyId, referral: &Referral) -> bool {
    referral.from_agency_id == agency || referral.to_agency_id == agency
}

/// The links as the actor may see them.
fn present(
    conn: &mut DbConn,
    who: &Actor,
    id: CaseId,
    links: Vec<Link>,
) -> Result<CaseChain, UseCaseError> {
    // The agencies the actor's agency dealt with directly are named.
    let mut known: HashSet<AgencyId> = HashSet::from([who.agency_id]);
    for l in links
        .iter()
        .filter(|l| party_to(who.agency_id, &l.referral))
    {
        known.insert(l.referral.from_agency_id);
        known.insert(l.referral.to_agency_id);
    }
    let ids: Vec<AgencyId> = links
        .iter()
        .flat_map(|l| [l.referral.from_agency_id, l.referral.to_agency_id])
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let agencies: HashMap<AgencyId, _> = agencies::find_many(conn, &ids)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let side = |agency: AgencyId, case: Option<&Case>| -> Result<ChainParty, UseCaseError> {
        let a = agencies
            .get(&agency)
            .ok_or(schakel_store::StoreError::NotFound)?;
        let own = agency == who.agency_id;
        let own_case = case.filter(|_| own);
        Ok(ChainParty {
            kind: a.kind,
            agency: known.contains(&agency).then(|| AgencyRef {
                id: a.id,
                name: a.name.clone(),
                kind: a.kind,
                region: a.region,
            }),
            case_id: own_case.map(|c| c.id),
            case_reference: own_case.map(|c| c.reference.clone()),
        })
    };
    let mut hops = Vec::with_capacity(links.len());
    for l in &links {
        let party = party_to(who.agency_id, &l.referral);
        hops.push(ChainHop {
            referral_id: party.then_some(l.referral.id),
            state: party.then_some(l.referral.state),
            from: side(l.referral.from_agency_id, Some(&l.from_case))?,
            to: side(l.referral.to_agency_id, l.to_case.as_ref())?,
            sent_on: l.referral.created_at.date_naive(),
            from_this_case: l.from_case.id == id,
        });
    }
    Ok(CaseChain { case_id: id, hops })
}
