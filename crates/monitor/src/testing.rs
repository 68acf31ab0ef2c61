//! Fixtures for the tests of the monitor's users (feature `testing`): capture histories
//! recorded as the signals of agency kinds, one kind per list, as the API's and the
//! pages' estimate tests need them; and the United Kingdom's 2013 table
//! (`tests/data/mse/UKdat.csv`) with the kinds that stand for its six lists.
#![allow(clippy::expect_used, clippy::panic)]

use crate::mse::Histories;
use schakel_domain::{
    AgeBand, AgencyKind, Gender, MonitorEvent, MonitorEventKind, NationalityGroup, Region,
};
use schakel_store::DbConn;

/// The UK table's lists, in its column order, and the agency kind standing for each.
pub const UK_KINDS: [AgencyKind; 6] = [
    AgencyKind::Municipality,
    AgencyKind::Ngo,
    AgencyKind::Police,
    AgencyKind::Immigration,
    AgencyKind::Other,
    AgencyKind::Prosecution,
];

/// The same lists as the API's `lists` spec: `la=municipality;ng=ngo;…`.
pub const UK_LISTS: &str =
    "la=municipality;ng=ngo;pf=police;go=immigration;gp=other;nca=prosecution";

/// The UK table's rows: a capture history (a bit per list of [`UK_KINDS`]) and its
/// persons.
pub fn uk_table() -> Vec<(usize, u64)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/mse/UKdat.csv"
    );
    let text = std::fs::read_to_string(path).expect("tests/data/mse/UKdat.csv");
    Histories::from_csv(&text)
        .expect("the UK table")
        .all()
        .collect()
}

/// Records, in the month `month` (`YYYY-MM`), one signal per list and person of `rows`
/// (a capture history as a bit per list of `kinds`, and its persons): persons numbered
/// from 1, each under a pseudonym of its own, women and men in turn. The persons.
pub fn record_histories(
    conn: &mut DbConn,
    kinds: &[AgencyKind],
    rows: &[(usize, u64)],
    month: &str,
) -> u64 {
    let mut person = 0u64;
    for (history, n) in rows {
        for _ in 0..*n {
            person += 1;
            for (list, kind) in kinds.iter().enumerate() {
                if history & (1 << list) == 0 {
                    continue;
                }
                let event = MonitorEvent {
                    kind: MonitorEventKind::SignalLogged,
                    month: month.to_owned(),
                    sender_kind: *kind,
                    sender_region: Region::Amsterdam,
                    receiver_kind: None,
                    receiver_region: None,
                    exploitation_forms: vec![],
                    age_band: AgeBand::From30To39,
                    gender: if person.is_multiple_of(2) {
                        Gender::Female
                    } else {
                        Gender::Male
                    },
                    nationality_group: NationalityGroup::Unknown,
                    reporting_basis: None,
                    hours_to_answer: None,
                    pseudonym: Some(format!("{person:064x}")),
                };
                let id = format!("mse-{person}-{list}");
                let counted = crate::record(conn, &id, &event).expect("the event is recorded");
                assert!(counted, "event {id} is new");
            }
        }
    }
    person
}
