//! The link between the two sides: of the distinct victims the victims' side counted
//! in each year (and in the whole period), those linked to at least one suspect, to
//! one summoned, and to one whose latest judgment convicts of trafficking.

use super::facts::{Fact, publish};
use crate::disclosure::{ALL, RawCell, Rules};
use crate::query::QueryError;
use crate::table::Cell;
use schakel_domain::{CourtInstance, JudgmentOutcome, ProsecutionDecision};
use schakel_store::DbConn;
use schakel_store::monitor as store;
use std::collections::{BTreeMap, BTreeSet};

/// What became of each suspect: summoned, and whether its latest judgment (the highest
/// instance recorded, then the latest quarter) convicts of trafficking.
fn outcomes(facts: &[Fact]) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let mut summoned = BTreeSet::new();
    let mut latest: BTreeMap<&str, (CourtInstance, &str, JudgmentOutcome)> = BTreeMap::new();
    for f in facts {
        if f.decision.is_some_and(ProsecutionDecision::prosecutes) {
            summoned.insert(f.suspect.as_str());
        }
        if let (Some(i), Some(j)) = (f.instance, f.judgment) {
            let e = latest.entry(&f.suspect).or_insert((i, &f.quarter, j));
            if (i, f.quarter.as_str()) >= (e.0, e.1) {
                *e = (i, &f.quarter, j);
            }
        }
    }
    let convicted = latest
        .into_iter()
        .filter(|(_, (_, _, j))| *j == JudgmentOutcome::ConvictedTrafficking)
        .map(|(s, _)| s)
        .collect();
    (summoned, convicted)
}

/// The link between the sides, per year and over the period.
pub(super) fn victims(
    conn: &mut DbConn,
    facts: &[Fact],
    from: u16,
    to: u16,
    rules: Rules,
) -> Result<Vec<Cell>, QueryError> {
    let (summoned, convicted) = outcomes(facts);
    let mut by_victim: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (suspect, victim) in store::offender_victims(conn)? {
        by_victim.entry(victim).or_default().push(suspect);
    }
    let mut years: Vec<(String, Vec<String>)> = Vec::new();
    for y in from..=to {
        let keys = store::victims_in_months(conn, &format!("{y:04}-01"), &format!("{y:04}-12"))?;
        years.push((format!("{y:04}"), keys));
    }
    let period: BTreeSet<String> = years.iter().flat_map(|(_, k)| k.iter().cloned()).collect();
    let cells_of = |label: &str, keys: &mut dyn Iterator<Item = &String>| {
        let mut n = [0i64; 4];
        for v in keys {
            n[0] += 1;
            let linked = by_victim.get(v);
            let any = |set: &BTreeSet<&str>| {
                linked.is_some_and(|ss| ss.iter().any(|s| set.contains(s.as_str())))
            };
            n[1] += i64::from(linked.is_some());
            n[2] += i64::from(any(&summoned));
            n[3] += i64::from(any(&convicted));
        }
        n.map(|value| RawCell {
            keys: vec![label.to_owned()],
            value,
            persons: value,
        })
    };
    let mut per: [Vec<RawCell>; 4] = Default::default();
    for (label, keys) in &years {
        for (i, c) in cells_of(label, &mut keys.iter()).into_iter().enumerate() {
            per[i].push(c);
        }
    }
    for (i, c) in cells_of(ALL, &mut period.iter()).into_iter().enumerate() {
        per[i].push(c);
    }
    let categories = [years.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>()];
    let mut out = Vec::new();
    for (i, name) in ["identified", "linked", "prosecuted", "convicted"]
        .iter()
        .enumerate()
    {
        out.extend(publish(&categories, &per[i], rules, name));
    }
    Ok(out)
}
