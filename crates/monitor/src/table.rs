//! A published table: its cells after disclosure control and the definitions that say
//! how to read them, as JSON or as CSV (the same cells and the same definitions).

use crate::disclosure::Suppression;
use serde::Serialize;

/// The version of the definitions; it changes whenever a rule of counting changes.
pub const DEFINITIONS_VERSION: &str = "2026.1";

/// How a table was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definitions {
    /// The version of these definitions.
    pub version: &'static str,
    /// The table: `counts`, `flows` or `overlap`.
    pub table: &'static str,
    /// What one unit is.
    pub unit: String,
    /// The period covered and its grain.
    pub period: String,
    /// Cells of fewer distinct persons than this are suppressed (0: none are).
    pub threshold: i64,
    /// Published counts are rounded down to a multiple of this (1: exact).
    pub rounding: i64,
    /// The rules in words.
    pub notes: Vec<String>,
    /// For a table of persons (counts of `persons`, the overlap table): the share, in
    /// whole percent, of the persons over its whole period that are unlinkable records
    /// (recorded without a name or without a full date of birth: each counted once,
    /// never linked to another agency's record, and not in the overlap table). Absent
    /// for other tables, and when there are no persons or fewer than the threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlinkable_percent: Option<i64>,
}

/// One cell. A key of `all` is the total over that dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The category per dimension, in the table's order of dimensions.
    pub keys: Vec<String>,
    /// What is counted.
    pub measure: String,
    /// The published value; none when suppressed.
    pub value: Option<i64>,
    /// Why it is not shown: `primary` (too few persons) or `secondary` (a total would
    /// reveal another suppressed cell).
    pub suppressed: Option<Suppression>,
}

/// A table ready to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// How to read it.
    pub definitions: Definitions,
    /// The dimensions, in order.
    pub dimensions: Vec<String>,
    /// The cells.
    pub cells: Vec<Cell>,
}

impl Table {
    /// The table as CSV: the definitions as leading `# key: value` lines, then a header
    /// (`dimensions…, measure, value, suppressed`) and one line per cell.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let d = &self.definitions;
        let mut out = String::new();
        for (k, v) in [
            ("version", d.version.to_owned()),
            ("table", d.table.to_owned()),
            ("unit", d.unit.clone()),
            ("period", d.period.clone()),
            ("threshold", d.threshold.to_string()),
            ("rounding", d.rounding.to_string()),
        ] {
            out.push_str(&format!("# {k}: {}\n", one_line(&v)));
        }
        if let Some(p) = d.unlinkable_percent {
            out.push_str(&format!("# unlinkable_percent: {p}\n"));
        }
        for note in &d.notes {
            out.push_str(&format!("# note: {}\n", one_line(note)));
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = self.dimensions.iter().map(String::as_str).collect();
        header.extend(["measure", "value", "suppressed"]);
        w.write_record(&header)?;
        for c in &self.cells {
            let mut record: Vec<String> = c.keys.clone();
            record.push(c.measure.clone());
            record.push(c.value.map(|v| v.to_string()).unwrap_or_default());
            record.push(match c.suppressed {
                Some(Suppression::Primary) => "primary".into(),
                Some(Suppression::Secondary) => "secondary".into(),
                None => String::new(),
            });
            w.write_record(&record)?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        out.push_str(&String::from_utf8_lossy(&bytes));
        Ok(out)
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}
