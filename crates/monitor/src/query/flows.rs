//! The flow matrix: referrals from agencies of one kind to agencies of another, by
//! what became of them, with the median time to an answer.

use super::*;

/// The referral states of the flow matrix.
pub const FLOW_MEASURES: &[(&str, &str)] = &[
    ("sent", "referral_sent"),
    ("accepted", "referral_accepted"),
    ("declined", "referral_declined"),
    ("withdrawn", "referral_withdrawn"),
    ("expired", "referral_expired"),
];

/// The agency kinds: the categories of both dimensions of the flow matrix.
pub(crate) fn flow_categories() -> Vec<Vec<String>> {
    let kinds: Vec<String> = AgencyKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    vec![kinds.clone(), kinds]
}

/// The event kinds whose time to answer makes the median.
pub(crate) const ANSWER_KINDS: &[&str] = &[
    "referral_accepted",
    "referral_declined",
    "referral_redirected",
];

/// The answers of one cell of the flow matrix (or of its totals): how many took each
/// whole hour, and how many distinct persons they concern.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    pub(crate) hours: Hours,
    pub(crate) persons: i64,
}

/// The flow matrix over `from`..=`to`: per sending and receiving agency kind the
/// referrals sent, accepted, declined, withdrawn and expired, and the median hours to
/// answer (over accepted, declined and redirected referrals).
pub fn flows(conn: &mut DbConn, from: Month, to: Month, rules: Rules) -> Result<Table, QueryError> {
    let sql_of = ["sender_kind", "receiver_kind"];
    let mut raw = Vec::new();
    for (name, kind) in FLOW_MEASURES {
        let where_ = format!(
            "{} AND kind = '{kind}' AND weight = 1 AND receiver_kind IS NOT NULL",
            months(from, to)
        );
        raw.push((
            *name,
            all_groupings(conn, &sql_of, &where_, |_| "COUNT(*)".into())?,
        ));
    }
    let answers = answers(conn, from, to)?;
    Ok(flows_table(from, to, rules, &raw, answers))
}

/// The published flow matrix from the raw cells of each measure and the answers per
/// cell (keyed by sender and receiver kind, [`ALL`] for the totals).
pub(crate) fn flows_table(
    from: Month,
    to: Month,
    rules: Rules,
    raw: &[(&str, Vec<RawCell>)],
    answers: BTreeMap<(String, String), Answers>,
) -> Table {
    let categories = flow_categories();
    let mut cells = Vec::new();
    for (name, cells_of) in raw {
        cells.extend(publish(&categories, cells_of, rules, name));
    }
    cells.extend(medians(answers, rules, &categories));
    Table {
        definitions: Definitions {
            version: DEFINITIONS_VERSION,
            table: "flows",
            unit: "referrals from agencies of one kind to agencies of another, by what became of them; median_hours_to_answer is the median of whole hours from sending to acceptance, decline or redirection".into(),
            period: format!("{from} to {to} inclusive, by the month of each event (UTC)"),
            threshold: rules.threshold,
            rounding: rules.rounding,
            notes: {
                let mut n = rules_notes(rules);
                n.push("A median is shown only where the answers behind it concern at least the threshold of distinct persons; it is not rounded.".into());
                n
            },
            unlinkable_percent: None,
        },
        dimensions: vec!["sender_kind".into(), "receiver_kind".into()],
        cells,
    }
}

/// The answers per cell and total, from the facts.
fn answers(
    conn: &mut DbConn,
    from: Month,
    to: Month,
) -> Result<BTreeMap<(String, String), Answers>, QueryError> {
    let where_ = format!(
        "{} AND kind IN ({})",
        months(from, to),
        ANSWER_KINDS
            .iter()
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = store::answers(conn, &where_)?;
    let mut groups: BTreeMap<(String, String), (Hours, BTreeSet<String>)> = BTreeMap::new();
    for a in rows {
        for key in [
            (a.sender_kind.clone(), a.receiver_kind.clone()),
            (a.sender_kind.clone(), ALL.to_owned()),
            (ALL.to_owned(), a.receiver_kind.clone()),
            (ALL.to_owned(), ALL.to_owned()),
        ] {
            let g = groups.entry(key).or_default();
            g.0.add(a.hours);
            if let Some(p) = &a.pseudonym {
                g.1.insert(p.clone());
            }
        }
    }
    Ok(groups
        .into_iter()
        .map(|(k, (hours, persons))| {
            let persons = i64::try_from(persons.len()).unwrap_or(i64::MAX);
            (k, Answers { hours, persons })
        })
        .collect())
}

/// The median time to answer per cell and total.
fn medians(
    groups: BTreeMap<(String, String), Answers>,
    rules: Rules,
    categories: &[Vec<String>],
) -> Vec<Cell> {
    let mut out = Vec::new();
    let with_all = |c: &Vec<String>| {
        let mut v = c.clone();
        v.push(ALL.to_owned());
        v
    };
    let (senders, receivers) = match categories {
        [s, r] => (with_all(s), with_all(r)),
        _ => return out,
    };
    for s in &senders {
        for r in &receivers {
            let (value, suppressed) = match groups.get(&(s.clone(), r.clone())) {
                None => (None, None),
                Some(a) => {
                    if a.persons < rules.threshold {
                        (None, Some(disclosure::Suppression::Primary))
                    } else {
                        (a.hours.median(), None)
                    }
                }
            };
            out.push(Cell {
                keys: vec![s.clone(), r.clone()],
                measure: "median_hours_to_answer".into(),
                value,
                suppressed,
            });
        }
    }
    out
}
