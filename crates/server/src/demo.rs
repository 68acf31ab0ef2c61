//! Demo data for `serve --demo`: a handful of fictional agencies, created once.
//!
//! Running the demo twice adds nothing the second time.

use schakel_domain::{AgencyKind, Clock, Region};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::{DbConn, StoreError, write_tx};

/// The demo agencies: one of each kind a first referral needs.
const AGENCIES: &[(&str, AgencyKind, Region, &str)] = &[
    (
        "Gemeente Utrecht",
        AgencyKind::Municipality,
        Region::MiddenNederland,
        "zorg@gemeente-utrecht.demo.invalid",
    ),
    (
        "Zorgcoördinatie Midden-Nederland",
        AgencyKind::CareCoordination,
        Region::MiddenNederland,
        "coordinatie@zorg-mn.demo.invalid",
    ),
    (
        "Opvang De Haven",
        AgencyKind::ShelterCategorical,
        Region::MiddenNederland,
        "intake@dehaven.demo.invalid",
    ),
    (
        "Politie Midden-Nederland, AVIM",
        AgencyKind::Police,
        Region::MiddenNederland,
        "avim@politie-mn.demo.invalid",
    ),
    (
        "Stichting Open Deur",
        AgencyKind::Ngo,
        Region::National,
        "hulp@opendeur.demo.invalid",
    ),
    (
        "Bureau Nationaal Rapporteur",
        AgencyKind::Rapporteur,
        Region::National,
        "monitor@rapporteur.demo.invalid",
    ),
];

/// Creates the demo agencies that do not exist yet; returns how many were created.
pub fn seed(conn: &mut DbConn, clock: &dyn Clock) -> Result<usize, StoreError> {
    write_tx(conn, |conn| {
        let mut created = 0;
        for (name, kind, region, email) in AGENCIES {
            if agencies::find_by_name(conn, name)?.is_none() {
                let new = NewAgency {
                    name,
                    kind: *kind,
                    region: *region,
                    contact_email: email,
                };
                agencies::insert(conn, &new, clock.now())?;
                created += 1;
            }
        }
        Ok(created)
    })
}
