//! The overlap of agency kinds per person in a year: the input of multiple systems
//! estimation.

use super::*;

/// The overlap table of `year`: for every combination of agency kinds, the exact number
/// of distinct persons recorded by exactly those kinds. An agency kind records a person
/// by logging a signal about them, opening a case for them, or accepting a referral of
/// them. Not disclosure-controlled: for analysts only, and every request is audited.
pub fn overlap(conn: &mut DbConn, year: u16) -> Result<Table, QueryError> {
    let captures = store::captures(conn, year)?;
    let mut per_person: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unlinkable = BTreeSet::new();
    for c in captures {
        if is_unlinkable(&c.pseudonym) {
            unlinkable.insert(c.pseudonym);
        } else {
            per_person
                .entry(c.pseudonym)
                .or_default()
                .insert(c.agency_kind);
        }
    }
    let mut histories: BTreeMap<String, i64> = BTreeMap::new();
    for kinds in per_person.values() {
        let key = kinds.iter().cloned().collect::<Vec<_>>().join("+");
        *histories.entry(key).or_default() += 1;
    }
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let share = PersonShare {
        persons: count(per_person.len() + unlinkable.len()),
        unlinkable: count(unlinkable.len()),
    };
    Ok(overlap_table(&format!("{year:04}"), histories, share))
}

/// The overlap table of `year` from the number of persons per capture history (the
/// agency kinds joined by `+`, in alphabetical order).
pub(crate) fn overlap_table(
    year: &str,
    histories: BTreeMap<String, i64>,
    share: PersonShare,
) -> Table {
    Table {
        definitions: Definitions {
            version: DEFINITIONS_VERSION,
            table: "overlap",
            unit: "distinct persons (by pseudonym) recorded by exactly this combination of agency kinds (joined by +) in the year; recording is logging a signal, opening a case or accepting a referral".into(),
            period: format!("the calendar year {year}, by the month of each event (UTC)"),
            threshold: 0,
            rounding: 1,
            notes: vec![
                "Exact counts without suppression or rounding: the input of multiple systems estimation. Shown only to analysts; every request is recorded in the audit trail with its purpose.".into(),
                "Anonymous signals and unlinkable records (persons recorded without a name or without a full date of birth) have no pseudonym and are not in this table; `unlinkable_percent` is the share of unlinkable records among the persons recorded in the year.".into(),
            ],
            unlinkable_percent: share.percent(0),
        },
        dimensions: vec!["agency_kinds".into()],
        cells: histories
            .into_iter()
            .map(|(k, n)| Cell {
                keys: vec![k],
                measure: "persons".into(),
                value: Some(n),
                suppressed: None,
            })
            .collect(),
    }
}
