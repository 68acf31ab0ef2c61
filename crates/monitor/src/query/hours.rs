//! The hours to answer of one cell of the flow matrix, counted per whole hour: a
//! histogram, from which the median is read by counting up to the middle instead of
//! gathering every answer and sorting them. The median is the one of the sorted hours
//! (the lower middle one for an even count).

use std::collections::BTreeMap;

/// Hours below this are counted in a list indexed by the hour; others (a referral
/// answered after months, or a clock that went back) in a map.
const DENSE: i64 = 4096;

/// How many answers took each whole hour.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Hours {
    dense: Vec<u64>,
    sparse: BTreeMap<i64, u64>,
    count: u64,
}

impl Hours {
    /// Counts one answer of `hours`.
    pub(crate) fn add(&mut self, hours: i64) {
        self.count += 1;
        match usize::try_from(hours) {
            Ok(at) if hours < DENSE => {
                if self.dense.len() <= at {
                    self.dense.resize(at + 1, 0);
                }
                if let Some(n) = self.dense.get_mut(at) {
                    *n += 1;
                }
            }
            _ => *self.sparse.entry(hours).or_default() += 1,
        }
    }

    /// Adds every answer counted in `other` (a count of another run of events).
    pub(crate) fn absorb(&mut self, other: Hours) {
        self.count += other.count;
        if self.dense.len() < other.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (n, m) in self.dense.iter_mut().zip(other.dense) {
            *n += m;
        }
        for (h, m) in other.sparse {
            *self.sparse.entry(h).or_default() += m;
        }
    }

    /// How many answers were counted.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The median hour: the `(count - 1) / 2`-th of the hours in order; `None` for none.
    pub(crate) fn median(&self) -> Option<i64> {
        let wanted = self.count.checked_sub(1)? / 2;
        let below = self.sparse.range(..0).map(|(h, n)| (*h, *n));
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter_map(|(h, n)| Some((i64::try_from(h).ok()?, *n)));
        let above = self.sparse.range(0..).map(|(h, n)| (*h, *n));
        let mut seen = 0u64;
        for (hour, n) in below.chain(dense).chain(above) {
            seen += n;
            if seen > wanted {
                return Some(hour);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median of the sorted list, as the flow matrix defines it.
    fn exact(mut v: Vec<i64>) -> Option<i64> {
        v.sort_unstable();
        v.get(v.len().checked_sub(1)? / 2).copied()
    }

    #[test]
    fn the_median_is_the_sorted_lists_for_any_hours() {
        // A small linear congruential generator: the same hours on every run.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % m
        };
        for round in 0..500 {
            let n = next(60);
            let hours: Vec<i64> = (0..n)
                .map(|_| match next(10) {
                    0 => i64::try_from(next(20_000)).unwrap(),
                    1 => -i64::try_from(next(5)).unwrap() - 1,
                    _ => i64::try_from(next(200)).unwrap(),
                })
                .collect();
            let mut h = Hours::default();
            for x in &hours {
                h.add(*x);
            }
            assert_eq!(h.count(), n);
            assert_eq!(h.median(), exact(hours.clone()), "round {round}: {hours:?}");
        }
    }

    #[test]
    fn hours_counted_apart_and_absorbed_have_the_median_of_all() {
        let all: Vec<i64> = (0..300).map(|i| (i * 37) % 5000 - 3).collect();
        let (mut a, mut b) = (Hours::default(), Hours::default());
        for (i, x) in all.iter().enumerate() {
            if i % 3 == 0 { a.add(*x) } else { b.add(*x) }
        }
        a.absorb(b);
        assert_eq!(a.count(), 300);
        assert_eq!(a.median(), exact(all));
    }

    #[test]
    fn edges() {
        let mut h = Hours::default();
        assert_eq!(h.median(), None);
        h.add(7);
        assert_eq!(h.median(), Some(7));
        h.add(3);
        assert_eq!(h.median(), Some(3), "the lower middle of two");
        for x in [DENSE - 1, DENSE, DENSE + 1, i64::MAX, i64::MIN] {
            let mut one = Hours::default();
            one.add(x);
            assert_eq!(one.median(), Some(x));
        }
    }
}
