//! The input of multiple systems estimation: named lists and the number of persons seen
//! on exactly each combination of them (a capture history), read from the monitor's
//! overlap or from a CSV file of one column per list (0/1) and the count last.

use super::MseError;

/// At least this many lists: with two, every model but independence is saturated.
pub const MIN_LISTS: usize = 2;
/// At most this many lists (2^10 − 1 capture histories, 45 pairs).
pub const MAX_LISTS: usize = 10;

/// Persons per capture history over `names.len()` lists. A history is a bit set of list
/// indices (bit `i` for `names[i]`); `counts[h]` is the number of persons seen on exactly
/// the lists of `h`. `counts[0]`, the persons seen on no list, is what is estimated and
/// always 0 here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histories {
    names: Vec<String>,
    counts: Vec<u64>,
}

impl Histories {
    /// Histories from `(history, count)` pairs; repeated histories are added up, absent
    /// ones count 0. Refuses fewer than [`MIN_LISTS`] or more than [`MAX_LISTS`] lists,
    /// names repeated or empty, a history naming a list beyond `names`, a history on no
    /// list with persons in it, and a table without persons.
    pub fn new(
        names: Vec<String>,
        rows: impl IntoIterator<Item = (usize, u64)>,
    ) -> Result<Histories, MseError> {
        let k = names.len();
        if k < MIN_LISTS {
            return Err(MseError::TooFewLists(k));
        }
        if k > MAX_LISTS {
            return Err(MseError::TooManyLists(k));
        }
        for (i, n) in names.iter().enumerate() {
            if n.trim().is_empty() || names.iter().take(i).any(|m| m == n) {
                return Err(MseError::Input(format!(
                    "list names must be present and different (`{n}`)"
                )));
            }
        }
        let mut counts = vec![0u64; 1 << k];
        for (h, n) in rows {
            if n == 0 {
                continue;
            }
            if h == 0 {
                return Err(MseError::Input(
                    "a row on no list: the persons seen on no list are what is estimated".into(),
                ));
            }
            let slot = counts
                .get_mut(h)
                .ok_or_else(|| MseError::Input(format!("history {h:#b} names an unknown list")))?;
            *slot = slot
                .checked_add(n)
                .ok_or_else(|| MseError::Input("counts too large".into()))?;
        }
        if counts.iter().all(|c| *c == 0) {
            return Err(MseError::NoPersons);
        }
        Ok(Histories { names, counts })
    }

    /// The lists' names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The number of lists.
    pub fn lists(&self) -> usize {
        self.names.len()
    }

    /// The persons seen on exactly the lists of `history` (0 for `history` 0).
    pub fn count(&self, history: usize) -> u64 {
        self.counts.get(history).copied().unwrap_or(0)
    }

    /// Every history but the empty one, in increasing bit order.
    pub fn all(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.counts.iter().copied().enumerate().skip(1)
    }

    /// The persons seen on at least one list.
    pub fn observed(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The persons seen on both list `i` and list `j` (whatever else they were on).
    pub fn overlap(&self, i: usize, j: usize) -> u64 {
        let both = (1usize << i) | (1usize << j);
        self.all()
            .filter(|(h, _)| h & both == both)
            .map(|(_, n)| n)
            .sum()
    }

    /// The same lists with other counts (`counts[h]` for every history `h`), as a
    /// resample or a jackknife deletion makes them.
    pub(crate) fn with_counts(&self, counts: Vec<u64>) -> Histories {
        Histories {
            names: self.names.clone(),
            counts,
        }
    }

    /// The counts by history, index 0 the unobserved (always 0).
    pub(crate) fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Reads a CSV capture-history table: a header naming the lists and, last, the
    /// count; then one row per observed combination, 0 or 1 per list and a whole number
    /// of persons. Refuses anything else with the line it is on.
    pub fn from_csv(text: &str) -> Result<Histories, MseError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| MseError::Input(format!("header: {e}")))?
            .clone();
        if header.len() < MIN_LISTS + 1 {
            return Err(MseError::TooFewLists(header.len().saturating_sub(1)));
        }
        let k = header.len() - 1;
        let names: Vec<String> = header.iter().take(k).map(str::to_owned).collect();
        let mut rows = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let at = line + 2;
            let record = record.map_err(|e| MseError::Input(format!("line {at}: {e}")))?;
            if record.len() != k + 1 {
                return Err(MseError::Input(format!(
                    "line {at}: {} fields where the header has {}",
                    record.len(),
                    k + 1
                )));
            }
            let mut h = 0usize;
            for (i, field) in record.iter().take(k).enumerate() {
                match field {
                    "1" => h |= 1 << i,
                    "0" => {}
                    other => {
                        return Err(MseError::Input(format!(
                            "line {at}: `{other}` under {} is not 0 or 1",
                            names.get(i).map_or("?", String::as_str)
                        )));
                    }
                }
            }
            let count = record.get(k).unwrap_or("");
            let n: u64 = count.parse().map_err(|_| {
                MseError::Input(format!(
                    "line {at}: the count `{count}` is not a whole number of persons"
                ))
            })?;
            rows.push((h, n));
        }
        Histories::new(names, rows)
    }

    /// The table as CSV in the form [`Histories::from_csv`] reads: every observed
    /// history, the lists in column order and `count` last.
    pub fn to_csv(&self) -> String {
        let mut out = self.names.join(",");
        out.push_str(",count\n");
        for (h, n) in self.all().filter(|(_, n)| *n > 0) {
            for i in 0..self.lists() {
                out.push_str(if h & (1 << i) != 0 { "1," } else { "0," });
            }
            out.push_str(&format!("{n}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_table_is_read_with_repeated_rows_added_up() {
        let h = Histories::from_csv("A,B,C,count\n1,0,0,5\n0,1,1,2\n1,0,0,3\n").unwrap();
        assert_eq!(h.names(), ["A", "B", "C"]);
        assert_eq!(h.count(0b001), 8);
        assert_eq!(h.count(0b110), 2);
        assert_eq!(h.observed(), 10);
        assert_eq!(h.overlap(1, 2), 2);
        assert_eq!(Histories::from_csv(&h.to_csv()).unwrap(), h);
    }

    #[test]
    fn a_bad_table_is_refused_with_its_line() {
        let cases = [
            ("A,count\n1,4\n", "at least"),
            ("A,B,count\n1,2,4\n", "line 2"),
            ("A,B,count\n1,0,-4\n", "line 2"),
            ("A,B,count\n1,0\n", "line 2"),
            ("A,B,count\n0,0,3\n", "no list"),
            ("A,A,count\n1,0,3\n", "different"),
            ("A,B,count\n1,0,0\n", "no persons"),
        ];
        for (text, says) in cases {
            let e = Histories::from_csv(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?} gave {e}");
        }
    }
}
