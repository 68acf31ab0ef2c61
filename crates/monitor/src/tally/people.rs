//! Tallies that follow persons: the share of unlinkable persons, and which agency kinds
//! (or lists of them) captured each person.

use super::*;
use crate::estimate::StratumField;

/// The distinct persons of the events `keep` accepts, and how many of them are
/// unlinkable records (the events are ordered by person).
pub(crate) fn share(events: &[Ev], keep: impl Fn(&Ev) -> bool) -> PersonShare {
    let mut out = PersonShare::default();
    let mut last = NO_PERSON;
    for e in events.iter().filter(|e| e.person != NO_PERSON && keep(e)) {
        if e.person != last {
            last = e.person;
            out.persons += 1;
            out.unlinkable += i64::from(is_unlinkable(e.person));
        }
    }
    out
}

/// The number of persons per capture history over the events `keep` accepts: the agency
/// kinds that logged a signal about a person, opened a case for them or accepted a
/// referral of them, joined by `+` in alphabetical order. Unlinkable records are left
/// out (they cannot be recognised across agencies); the share says how many persons
/// with a capture they are.
pub(crate) fn captures(
    events: &[Ev],
    keep: impl Fn(&Ev) -> bool,
) -> (BTreeMap<String, i64>, PersonShare) {
    let at = |name: &str| KINDS.iter().position(|k| *k == name);
    let (signal, case, accepted) = (
        at("signal_logged"),
        at("case_opened"),
        at("referral_accepted"),
    );
    let mut per_mask: BTreeMap<u32, i64> = BTreeMap::new();
    let mut share = PersonShare::default();
    let mut current = NO_PERSON;
    let mut mask = 0u32;
    let mut close = |person: u32, mask: u32, share: &mut PersonShare| {
        if mask == 0 {
            return;
        }
        share.persons += 1;
        if is_unlinkable(person) {
            share.unlinkable += 1;
        } else {
            *per_mask.entry(mask).or_default() += 1;
        }
    };
    for e in events.iter().filter(|e| e.person != NO_PERSON && keep(e)) {
        if e.person != current {
            close(current, mask, &mut share);
            current = e.person;
            mask = 0;
        }
        let kind = Some(usize::from(e.kind()));
        if kind == signal || kind == case {
            mask |= 1u32.checked_shl(u32::from(e.sender_kind())).unwrap_or(0);
        } else if kind == accepted && e.receiver_kind() != NO_RECEIVER {
            mask |= 1u32.checked_shl(u32::from(e.receiver_kind())).unwrap_or(0);
        }
    }
    close(current, mask, &mut share);
    let names = labels(AgencyKind::ALL, AgencyKind::as_str);
    let mut out = BTreeMap::new();
    for (mask, n) in per_mask {
        let kinds: BTreeSet<&str> = names
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, k)| k.as_str())
            .collect();
        let key = kinds.into_iter().collect::<Vec<_>>().join("+");
        *out.entry(key).or_default() += n;
    }
    (out, share)
}

/// The persons per set of lists over the events `keep` accepts: for each linkable
/// person with a capture, the lists (`bit_of_kind`, by agency kind) of the kinds that
/// captured them; persons captured only by kinds in no list, and persons outside
/// `stratum` (the field and the code's position), are left out.
pub(crate) fn list_masks(
    events: &[Ev],
    keep: impl Fn(&Ev) -> bool,
    bit_of_kind: &[u32],
    stratum: Option<(StratumField, usize)>,
) -> BTreeMap<u32, i64> {
    let at = |name: &str| KINDS.iter().position(|k| *k == name);
    let (signal, case, accepted) = (
        at("signal_logged"),
        at("case_opened"),
        at("referral_accepted"),
    );
    let bit = |kind: u8| bit_of_kind.get(usize::from(kind)).copied().unwrap_or(0);
    // Per person: the lists, the first capture's month, age and gender, and the forms.
    struct Person {
        mask: u32,
        first: u16,
        age: u8,
        gender: u8,
        forms: u16,
    }
    let mut out: BTreeMap<u32, i64> = BTreeMap::new();
    let mut close = |p: Option<Person>| {
        let Some(p) = p else { return };
        let inside = match stratum {
            None => true,
            Some((StratumField::Age, code)) => usize::from(p.age) == code,
            Some((StratumField::Gender, code)) => usize::from(p.gender) == code,
            Some((StratumField::Form, code)) => {
                u32::try_from(code).is_ok_and(|c| c < 16 && p.forms & (1 << c) != 0)
            }
        };
        if p.mask != 0 && inside {
            *out.entry(p.mask).or_default() += 1;
        }
    };
    let mut current = NO_PERSON;
    let mut person: Option<Person> = None;
    for e in events
        .iter()
        .filter(|e| e.person != NO_PERSON && !is_unlinkable(e.person) && keep(e))
    {
        let kind = Some(usize::from(e.kind()));
        let lists = if kind == signal || kind == case {
            bit(e.sender_kind())
        } else if kind == accepted && e.receiver_kind() != NO_RECEIVER {
            bit(e.receiver_kind())
        } else {
            continue;
        };
        if e.person != current {
            close(person.take());
            current = e.person;
        }
        let p = person.get_or_insert(Person {
            mask: 0,
            first: u16::MAX,
            age: 0,
            gender: 0,
            forms: 0,
        });
        p.mask |= lists;
        p.forms |= e.forms;
        if e.month < p.first {
            p.first = e.month;
            p.age = e.age();
            p.gender = e.gender();
        }
    }
    close(person);
    out
}
