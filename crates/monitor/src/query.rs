//! The analyst's tables from the monitor's facts: counts grouped by up to three
//! dimensions, the flow matrix between agency kinds, and the overlap of agency kinds
//! per person and year.
//!
//! The SQL is assembled only from fixed column expressions ([`Dimension::sql`]) and
//! values checked before (months, event kinds), never from request text.

use crate::dims::{Dimension, Measure, PeriodRange};
use crate::disclosure::{self, ALL, RawCell, Rules};
use crate::period::Month;
use crate::table::{Cell, DEFINITIONS_VERSION, Definitions, Table};
use crate::unlinkable::{PersonShare, UNLINKABLE_NOTE, person_share};
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable, Text};
use schakel_domain::AgencyKind;
use schakel_domain::pseudonym::is_unlinkable;
use schakel_store::{DbConn, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many dimensions per table.
pub const MAX_DIMENSIONS: usize = 3;

/// Why a table cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// More than [`MAX_DIMENSIONS`] dimensions, or one twice.
    #[error("at most three different dimensions")]
    TooManyDimensions,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for QueryError {
    fn from(e: diesel::result::Error) -> Self {
        QueryError::Store(e.into())
    }
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    k1: String,
    #[diesel(sql_type = Text)]
    k2: String,
    #[diesel(sql_type = Text)]
    k3: String,
    #[diesel(sql_type = BigInt)]
    persons: i64,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

pub(crate) fn load<T>(conn: &mut DbConn, sql: &str) -> Result<Vec<T>, QueryError>
where
    T: diesel::QueryableByName<diesel::sqlite::Sqlite>
        + diesel::QueryableByName<diesel::pg::Pg>
        + 'static,
{
    // Why backend-specific: raw SQL needs the concrete connection.
    Ok(match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c)?,
    })
}

/// The cells of one grouping: `keys` are the SQL expressions grouped by (the others
/// are `all`), `where_` the filter. Values count events once (weight 1) unless the
/// exploitation form is grouped by.
fn grouped(
    conn: &mut DbConn,
    keys: &[&str],
    where_: &str,
    value: &str,
) -> Result<Vec<Row>, QueryError> {
    let mut select = Vec::with_capacity(3);
    for i in 0..3 {
        let k = keys.get(i).copied().unwrap_or("'all'");
        select.push(format!("CAST({k} AS TEXT) AS k{}", i + 1));
    }
    let group = if keys.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", keys.join(", "))
    };
    let sql = format!(
        "SELECT {}, CAST(COUNT(DISTINCT pseudonym) AS BIGINT) AS persons, \
         CAST({value} AS BIGINT) AS value FROM monitor_facts WHERE {where_}{group}",
        select.join(", ")
    );
    load(conn, &sql)
}

/// The filter of a month range (months are checked values).
fn months(from: Month, to: Month) -> String {
    format!("month >= '{from}' AND month <= '{to}'")
}

/// Runs the groupings of every subset of `dims` (the cells and all their totals) and
/// returns the raw cells with their keys in the order of `dims`.
fn all_groupings(
    conn: &mut DbConn,
    sql_of: &[&str],
    where_: &str,
    value_of: impl Fn(&[usize]) -> String,
) -> Result<Vec<RawCell>, QueryError> {
    let n = sql_of.len();
    let mut out = Vec::new();
    for mask in 0..(1u32 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let keys: Vec<&str> = chosen
            .iter()
            .filter_map(|i| sql_of.get(*i).copied())
            .collect();
        for row in grouped(conn, &keys, where_, &value_of(&chosen))? {
            let got = [row.k1, row.k2, row.k3];
            let mut cell_keys = vec![ALL.to_owned(); n];
            for (slot, i) in chosen.iter().enumerate() {
                if let (Some(k), Some(dst)) = (got.get(slot), cell_keys.get_mut(*i)) {
                    dst.clone_from(k);
                }
            }
            out.push(RawCell {
                keys: cell_keys,
                value: row.value,
                persons: row.persons,
            });
        }
    }
    Ok(out)
}

fn rules_notes(rules: Rules) -> Vec<String> {
    vec![
        format!(
            "A cell with fewer than {} distinct persons is suppressed (primary); so is a cell with only anonymous events below that number.",
            rules.threshold
        ),
        "Wherever a row, column or total would reveal a suppressed cell, another cell of that line is suppressed too (secondary).".into(),
        format!("Published counts are rounded down to a multiple of {}.", rules.rounding),
        "The category `all` is the total over that dimension; totals are counted directly (a person counts once in a total even when counted in several of its cells), so they need not equal the sum of the cells.".into(),
    ]
}

/// A counts table: `measure` grouped by `dims` (at most three) over `range`.
pub fn counts(
    conn: &mut DbConn,
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
    rules: Rules,
) -> Result<Table, QueryError> {
    check_dimensions(dims)?;
    let mut where_ = months(range.from, range.to);
    if let Some(kind) = measure.event_kind() {
        where_.push_str(&format!(" AND kind = '{kind}'"));
    }
    let sql_of: Vec<&str> = dims.iter().map(|d| d.sql(range.grain)).collect();
    let form_at = dims.iter().position(|d| *d == Dimension::ExploitationForm);
    let raw = all_groupings(conn, &sql_of, &where_, |chosen| {
        if measure == Measure::Persons {
            "COUNT(DISTINCT pseudonym)".into()
        } else if form_at.is_some_and(|f| chosen.contains(&f)) {
            "COUNT(*)".into()
        } else {
            "COALESCE(SUM(weight), 0)".into()
        }
    })?;
    let share = if measure == Measure::Persons {
        Some(person_share(conn, &where_)?)
    } else {
        None
    };
    Ok(counts_table(measure, dims, range, rules, &raw, share))
}

/// Checks the dimensions of a counts table: at most three, none twice.
pub(crate) fn check_dimensions(dims: &[Dimension]) -> Result<(), QueryError> {
    let distinct: BTreeSet<&str> = dims.iter().map(|d| d.as_str()).collect();
    if dims.len() > MAX_DIMENSIONS || distinct.len() != dims.len() {
        return Err(QueryError::TooManyDimensions);
    }
    Ok(())
}

/// The published counts table from the raw cells of every grouping.
pub(crate) fn counts_table(
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
    rules: Rules,
    raw: &[RawCell],
    share: Option<PersonShare>,
) -> Table {
    let categories: Vec<Vec<String>> = dims.iter().map(|d| d.categories(range)).collect();
    let cells = publish(&categories, raw, rules, measure.as_str());
    let mut notes = rules_notes(rules);
    if dims.contains(&Dimension::ExploitationForm) {
        notes.push("An event with several exploitation forms counts under each of them.".into());
    }
    if share.is_some() {
        notes.push(UNLINKABLE_NOTE.into());
    }
    Table {
        definitions: Definitions {
            version: DEFINITIONS_VERSION,
            table: "counts",
            unit: measure.unit().into(),
            period: period_text(range),
            threshold: rules.threshold,
            rounding: rules.rounding,
            notes,
            unlinkable_percent: share.and_then(|s| s.percent(rules.threshold)),
        },
        dimensions: dims.iter().map(|d| d.as_str().to_owned()).collect(),
        cells,
    }
}

fn period_text(range: &PeriodRange) -> String {
    let grain = match range.grain {
        crate::period::Grain::Month => "month",
        crate::period::Grain::Quarter => "quarter",
        crate::period::Grain::Year => "year",
    };
    format!(
        "{} to {} inclusive, by {grain}, of the month in which each event happened (UTC)",
        range.from, range.to
    )
}

fn publish(categories: &[Vec<String>], raw: &[RawCell], rules: Rules, measure: &str) -> Vec<Cell> {
    disclosure::protect(categories, raw, rules)
        .into_iter()
        .map(|p| Cell {
            keys: p.keys,
            measure: measure.to_owned(),
            value: p.value,
            suppressed: p.suppressed,
        })
        .collect()
}

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

/// The answers of one cell of the flow matrix (or of its totals): the hours of each and
/// how many distinct persons they concern.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    pub(crate) hours: Vec<i64>,
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

#[derive(diesel::QueryableByName)]
struct Answer {
    #[diesel(sql_type = Text)]
    sender_kind: String,
    #[diesel(sql_type = Text)]
    receiver_kind: String,
    #[diesel(sql_type = BigInt)]
    hours: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pseudonym: Option<String>,
}

/// The answers per cell and total, from the facts.
fn answers(
    conn: &mut DbConn,
    from: Month,
    to: Month,
) -> Result<BTreeMap<(String, String), Answers>, QueryError> {
    let sql = format!(
        "SELECT sender_kind, receiver_kind, CAST(hours_to_answer AS BIGINT) AS hours, pseudonym \
         FROM monitor_facts WHERE {} AND weight = 1 AND hours_to_answer IS NOT NULL \
         AND receiver_kind IS NOT NULL AND kind IN ({})",
        months(from, to),
        ANSWER_KINDS
            .iter()
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows: Vec<Answer> = load(conn, &sql)?;
    let mut groups: BTreeMap<(String, String), (Vec<i64>, BTreeSet<String>)> = BTreeMap::new();
    for a in rows {
        for key in [
            (a.sender_kind.clone(), a.receiver_kind.clone()),
            (a.sender_kind.clone(), ALL.to_owned()),
            (ALL.to_owned(), a.receiver_kind.clone()),
            (ALL.to_owned(), ALL.to_owned()),
        ] {
            let g = groups.entry(key).or_default();
            g.0.push(a.hours);
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
    mut groups: BTreeMap<(String, String), Answers>,
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
            let (value, suppressed) = match groups.get_mut(&(s.clone(), r.clone())) {
                None => (None, None),
                Some(a) => {
                    if a.persons < rules.threshold {
                        (None, Some(disclosure::Suppression::Primary))
                    } else {
                        a.hours.sort_unstable();
                        (median(&a.hours), None)
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

/// The median of sorted values (the lower middle one for an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    sorted.get(sorted.len().checked_sub(1)? / 2).copied()
}

#[derive(diesel::QueryableByName)]
struct Capture {
    #[diesel(sql_type = Text)]
    p: String,
    #[diesel(sql_type = Text)]
    k: String,
}

/// The overlap table of `year`: for every combination of agency kinds, the exact number
/// of distinct persons recorded by exactly those kinds. An agency kind records a person
/// by logging a signal about them, opening a case for them, or accepting a referral of
/// them. Not disclosure-controlled: for analysts only, and every request is audited.
pub fn overlap(conn: &mut DbConn, year: u16) -> Result<Table, QueryError> {
    let year = format!("{year:04}");
    let sql = format!(
        "SELECT DISTINCT pseudonym AS p, sender_kind AS k FROM monitor_facts \
         WHERE year = '{year}' AND pseudonym IS NOT NULL AND kind IN ('signal_logged', 'case_opened') \
         UNION SELECT DISTINCT pseudonym AS p, receiver_kind AS k FROM monitor_facts \
         WHERE year = '{year}' AND pseudonym IS NOT NULL AND kind = 'referral_accepted' \
         AND receiver_kind IS NOT NULL"
    );
    let captures: Vec<Capture> = load(conn, &sql)?;
    let mut per_person: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unlinkable = BTreeSet::new();
    for c in captures {
        if is_unlinkable(&c.p) {
            unlinkable.insert(c.p);
        } else {
            per_person.entry(c.p).or_default().insert(c.k);
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
    Ok(overlap_table(&year, histories, share))
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
