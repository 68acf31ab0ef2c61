//! k-anonymity by a fixed generalisation ladder, then suppression.
//!
//! Step by step up the ladder, the records not yet published are generalised to the
//! step; a record is published at the first step at which its class — the records
//! published before under the same values and those of this step with them — holds at
//! least k records. So a record already in a class of k is never coarsened further,
//! and every class published at a step holds k records when it is published (a class
//! published before only grows). The records no step places are suppressed: left out
//! of the export, and counted. Every class of the result holds at least k records.
//!
//! Pure and generic: the records and the ladder are the caller's, no database, no
//! clock, no randomness; the same input gives the same steps.

use std::collections::BTreeMap;

/// The step of the ladder each of `items` is published at (`None`: suppressed), for
/// classes of at least `k`; `generalise(item, step)` is the item's published values at
/// `step` of `steps`.
pub fn anonymise<T, R: Ord>(
    items: &[T],
    k: usize,
    steps: usize,
    generalise: impl Fn(&T, usize) -> R,
) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; items.len()];
    let mut published: BTreeMap<R, usize> = BTreeMap::new();
    let mut waiting: Vec<usize> = (0..items.len()).collect();
    for step in 0..steps {
        if waiting.is_empty() {
            break;
        }
        let mut classes: BTreeMap<R, Vec<usize>> = BTreeMap::new();
        for i in waiting.drain(..) {
            if let Some(item) = items.get(i) {
                classes.entry(generalise(item, step)).or_default().push(i);
            }
        }
        for (values, members) in classes {
            let before = published.get(&values).copied().unwrap_or(0);
            if before + members.len() >= k {
                for i in &members {
                    if let Some(slot) = out.get_mut(*i) {
                        *slot = Some(step);
                    }
                }
                published.insert(values, before + members.len());
            } else {
                waiting.extend(members);
            }
        }
        // Keep the input's order among the waiting records (it is not needed for the
        // result, which depends on classes only, but it keeps each step's work alike).
        waiting.sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::htcds::records::{LADDER, PersonFacts, Record, generalise};
    use proptest::prelude::*;
    use schakel_domain::{AgeBand, ExploitationForm, Gender, NationalityGroup};
    use std::collections::{BTreeMap, BTreeSet};

    fn facts() -> impl Strategy<Value = PersonFacts> {
        (
            2025u16..=2026,
            0..AgeBand::ALL.len(),
            0..Gender::ALL.len(),
            0..NationalityGroup::ALL.len(),
            proptest::collection::btree_set(0..ExploitationForm::ALL.len(), 1..=3),
        )
            .prop_map(|(year, a, g, n, forms)| PersonFacts {
                year,
                age_band: AgeBand::ALL[a],
                gender: Gender::ALL[g],
                nationality: NationalityGroup::ALL[n],
                forms: forms
                    .into_iter()
                    .map(|f| ExploitationForm::ALL[f])
                    .collect(),
            })
    }

    /// The published records and their class sizes.
    fn classes(persons: &[PersonFacts], steps: &[Option<usize>]) -> BTreeMap<Record, usize> {
        let mut out = BTreeMap::new();
        for (p, s) in persons.iter().zip(steps) {
            if let Some(s) = s {
                *out.entry(generalise(p, *s)).or_default() += 1;
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn every_published_class_holds_k_records_or_nothing_is_published(
            persons in proptest::collection::vec(facts(), 0..400),
            k in 2usize..16,
        ) {
            let steps = anonymise(&persons, k, LADDER.len(), generalise);
            prop_assert_eq!(steps.len(), persons.len());
            let sizes = classes(&persons, &steps);
            let smallest = sizes.values().min().copied();
            prop_assert!(smallest.is_none_or(|n| n >= k), "smallest class {smallest:?} < {k}");
        }

        #[test]
        fn a_record_is_coarsened_or_suppressed_only_when_its_class_was_too_small(
            persons in proptest::collection::vec(facts(), 0..300),
            k in 2usize..16,
        ) {
            let steps = anonymise(&persons, k, LADDER.len(), generalise);
            // A record in a class of k as held is published as held.
            let mut as_held: BTreeMap<Record, usize> = BTreeMap::new();
            for p in &persons {
                *as_held.entry(generalise(p, 0)).or_default() += 1;
            }
            for (p, s) in persons.iter().zip(&steps) {
                if as_held[&generalise(p, 0)] >= k {
                    prop_assert_eq!(*s, Some(0));
                }
            }
            // A record published at step s > 0, or suppressed (checked at the last
            // step), was in a class of fewer than k at the step before: among those
            // still waiting then, with those published before under the same values.
            let last = LADDER.len() - 1;
            for (i, (p, s)) in persons.iter().zip(&steps).enumerate() {
                let at = match s {
                    Some(0) => continue,
                    Some(s) => s - 1,
                    None => last,
                };
                let values = generalise(p, at);
                let class = persons.iter().zip(&steps).filter(|(q, t)| {
                    let waiting = t.is_none_or(|t| t >= at);
                    let before = t.is_some_and(|t| t < at);
                    (waiting && generalise(q, at) == values)
                        || (before && t.is_some_and(|t| generalise(q, t) == values))
                }).count();
                prop_assert!(class < k, "record {i} at step {at}: class {class} >= {k}");
            }
        }
    }

    fn person(age: AgeBand, gender: Gender) -> PersonFacts {
        PersonFacts {
            year: 2026,
            age_band: age,
            gender,
            nationality: NationalityGroup::NonEu,
            forms: [ExploitationForm::Labour].into(),
        }
    }

    #[test]
    fn generalisation_comes_before_suppression() {
        // Six 18-22 and five 30-39 year olds: no class of 11 as held, one of adults.
        let mut persons = vec![person(AgeBand::From18To22, Gender::Male); 6];
        persons.extend(vec![person(AgeBand::From30To39, Gender::Male); 5]);
        let steps = anonymise(&persons, 11, LADDER.len(), generalise);
        assert!(steps.iter().all(|s| *s == Some(1)), "{steps:?}");
        // Ten persons are ten, however coarse: all suppressed.
        let steps = anonymise(&persons[1..], 11, LADDER.len(), generalise);
        assert!(steps.iter().all(Option::is_none), "{steps:?}");
    }

    #[test]
    fn a_class_of_k_is_left_as_held_while_the_rest_climbs() {
        let mut persons = vec![person(AgeBand::From18To22, Gender::Female); 11];
        persons.extend(vec![
            person(AgeBand::From23To29, Gender::NonBinaryOrOther);
            6
        ]);
        persons.extend(vec![
            person(AgeBand::From40To49, Gender::NonBinaryOrOther);
            5
        ]);
        let steps = anonymise(&persons, 11, LADDER.len(), generalise);
        let as_held: BTreeSet<usize> = (0..11).collect();
        for (i, s) in steps.iter().enumerate() {
            if as_held.contains(&i) {
                assert_eq!(*s, Some(0), "{i}");
            } else {
                // Adult non-binary persons: 11 once the age band is left out.
                assert_eq!(*s, Some(1), "{i}");
            }
        }
    }

    #[test]
    fn a_record_joins_a_class_published_before_when_its_values_come_to_equal_it() {
        // Eleven persons of whom nothing is known are published as held: their year
        // only. A lone 30-39 year old climbs the whole ladder and joins them.
        let nothing_known = PersonFacts {
            year: 2026,
            age_band: AgeBand::Unknown,
            gender: Gender::Unknown,
            nationality: NationalityGroup::Unknown,
            forms: [ExploitationForm::Unknown].into(),
        };
        let mut persons = vec![nothing_known.clone(); 11];
        persons.push(person(AgeBand::From30To39, Gender::Male));
        let steps = anonymise(&persons, 11, LADDER.len(), generalise);
        assert!(steps[..11].iter().all(|s| *s == Some(0)), "{steps:?}");
        assert_eq!(steps[11], Some(LADDER.len() - 1), "{steps:?}");
        assert_eq!(
            generalise(&persons[11], LADDER.len() - 1),
            generalise(&nothing_known, 0)
        );
    }

    #[test]
    fn nothing_in_nothing_out() {
        let none: Vec<PersonFacts> = Vec::new();
        assert!(anonymise(&none, 11, LADDER.len(), generalise).is_empty());
    }
}
