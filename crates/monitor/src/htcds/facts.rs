//! What the monitor's in-memory copy holds of each person over the years of an export,
//! gathered in one pass over its events (which come ordered by person): the year of the
//! first event, the age band at the first event that knows it, the gender and the
//! nationality group at the latest event that knows them, and every form of
//! exploitation. Where two events of one month disagree, the value first in its code
//! list is taken, so the result never depends on the order events arrived in. Anonymous
//! events (no person) are left out; the person's number stays here, in no fact.

use super::records::PersonFacts;
use crate::packed::{Ev, NO_PERSON};
use schakel_domain::{AgeBand, ExploitationForm, Gender, NationalityGroup};
use std::cmp::Reverse;

/// The month and code position of the value chosen so far, and whether one was.
#[derive(Debug, Clone, Copy, Default)]
struct Chosen<K: Ord + Copy> {
    best: Option<(K, u8)>,
}

impl<K: Ord + Copy> Chosen<K> {
    /// Offers the value at position `pos`, ranked by `key` (the smallest wins).
    fn offer(&mut self, key: K, pos: u8) {
        if self.best.is_none_or(|b| (key, pos) < b) {
            self.best = Some((key, pos));
        }
    }

    fn position(&self) -> Option<usize> {
        self.best.map(|(_, p)| usize::from(p))
    }
}

/// One person's events gathered so far.
#[derive(Debug, Default)]
struct Gathered {
    first_month: Option<u16>,
    /// Earliest month first.
    age: Chosen<u16>,
    /// Latest month first.
    gender: Chosen<Reverse<u16>>,
    nationality: Chosen<Reverse<u16>>,
    forms: u16,
}

/// The value at position `chosen` of `all`, or `unknown`.
fn pick<T: Copy>(all: &[T], chosen: Option<usize>, unknown: T) -> T {
    chosen.and_then(|p| all.get(p).copied()).unwrap_or(unknown)
}

fn position_of<T: PartialEq>(all: &[T], value: &T) -> Option<u8> {
    all.iter()
        .position(|v| v == value)
        .and_then(|p| u8::try_from(p).ok())
}

impl Gathered {
    fn add(&mut self, e: &Ev) {
        self.first_month = Some(self.first_month.map_or(e.month, |m| m.min(e.month)));
        if Some(e.age()) != position_of(AgeBand::ALL, &AgeBand::Unknown) {
            self.age.offer(e.month, e.age());
        }
        if Some(e.gender()) != position_of(Gender::ALL, &Gender::Unknown) {
            self.gender.offer(Reverse(e.month), e.gender());
        }
        let unknown = position_of(NationalityGroup::ALL, &NationalityGroup::Unknown);
        if Some(e.nationality()) != unknown {
            self.nationality.offer(Reverse(e.month), e.nationality());
        }
        self.forms |= e.forms;
    }

    fn facts(&self) -> Option<PersonFacts> {
        let mut forms: std::collections::BTreeSet<ExploitationForm> = ExploitationForm::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| self.forms & (1 << i) != 0)
            .map(|(_, f)| *f)
            .collect();
        if forms.iter().any(|f| *f != ExploitationForm::Unknown) {
            forms.remove(&ExploitationForm::Unknown);
        } else {
            forms.insert(ExploitationForm::Unknown);
        }
        Some(PersonFacts {
            year: self.first_month? / 12,
            age_band: pick(AgeBand::ALL, self.age.position(), AgeBand::Unknown),
            gender: pick(Gender::ALL, self.gender.position(), Gender::Unknown),
            nationality: pick(
                NationalityGroup::ALL,
                self.nationality.position(),
                NationalityGroup::Unknown,
            ),
            forms,
        })
    }
}

/// The facts of every person with an event `keep` accepts, one each, in the order of
/// the persons' numbers (the caller must not let that order leave the monitor).
pub(crate) fn persons(events: &[Ev], keep: impl Fn(&Ev) -> bool) -> Vec<PersonFacts> {
    let mut out = Vec::new();
    let mut current = NO_PERSON;
    let mut gathered = Gathered::default();
    for e in events.iter().filter(|e| e.person != NO_PERSON && keep(e)) {
        if e.person != current {
            out.extend(gathered.facts());
            gathered = Gathered::default();
            current = e.person;
        }
        gathered.add(e);
    }
    out.extend(gathered.facts());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packed::{Fields, NO_HOURS, UNLINKABLE, month_number};
    use crate::period::Month;

    fn at(y: u16, m: u8) -> u16 {
        month_number(Month { year: y, month: m })
    }

    fn pos<T: PartialEq>(all: &[T], v: T) -> u8 {
        position_of(all, &v).unwrap()
    }

    fn ev(person: u32, month: u16, age: AgeBand, gender: Gender, forms: u16) -> Ev {
        Ev::new(
            person,
            NO_HOURS,
            month,
            forms,
            Fields {
                age: pos(AgeBand::ALL, age),
                gender: pos(Gender::ALL, gender),
                nationality: pos(NationalityGroup::ALL, NationalityGroup::Dutch),
                ..Fields::default()
            },
        )
    }

    const SEXUAL: u16 = 1 << 0;
    const LABOUR: u16 = 1 << 1;
    const UNKNOWN: u16 = 1 << 8;

    #[test]
    fn one_person_one_record_from_all_their_events() {
        use AgeBand as A;
        let events = [
            ev(1, at(2026, 5), A::From18To22, Gender::Unknown, UNKNOWN),
            ev(1, at(2025, 12), A::Unknown, Gender::Female, SEXUAL),
            ev(1, at(2026, 1), A::From23To29, Gender::Male, LABOUR),
            ev(
                7 | UNLINKABLE,
                at(2026, 2),
                A::From50,
                Gender::Male,
                UNKNOWN,
            ),
            ev(NO_PERSON, at(2026, 2), A::From50, Gender::Male, SEXUAL),
        ];
        let all = persons(&events, |_| true);
        assert_eq!(all.len(), 2, "anonymous events are no person");
        let first = &all[0];
        assert_eq!(first.year, 2025, "the year of the first event");
        assert_eq!(first.age_band, A::From23To29, "the first band known");
        assert_eq!(first.gender, Gender::Male, "the latest gender known");
        assert_eq!(
            first.forms,
            [ExploitationForm::Sexual, ExploitationForm::Labour].into(),
            "unknown gives way to the forms known"
        );
        assert_eq!(all[1].forms, [ExploitationForm::Unknown].into());
        assert_eq!(all[1].nationality, NationalityGroup::Dutch);

        let in_2026 = persons(&events, |e| e.month >= at(2026, 1));
        assert_eq!(in_2026[0].year, 2026);
        assert_eq!(in_2026[0].gender, Gender::Male);
        assert_eq!(in_2026[0].forms, [ExploitationForm::Labour].into());
    }

    #[test]
    fn events_of_one_month_that_disagree_give_the_first_value_of_the_list() {
        let a = ev(3, at(2026, 4), AgeBand::From30To39, Gender::Male, LABOUR);
        let b = ev(3, at(2026, 4), AgeBand::From23To29, Gender::Female, LABOUR);
        for events in [[a, b], [b, a]] {
            let p = &persons(&events, |_| true)[0];
            assert_eq!(
                (p.age_band, p.gender),
                (AgeBand::From23To29, Gender::Female)
            );
        }
    }
}
