//! One monitor event as the in-memory copy holds it: 16 bytes, every code as its
//! position in its code list (the eight small codes packed in one 32-bit word), and the
//! markers for what an event lacks (no person, no receiving agency, no time to answer).
//! Shared by the copy that loads events, the single pass that counts them and the
//! snapshots of months ([`Ev::to_bytes`], [`Ev::from_bytes`]).

use crate::event::KINDS;
use crate::period::Month;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};

/// No person (an anonymous signal, or a person recorded without a name).
pub(crate) const NO_PERSON: u32 = u32::MAX;
/// Set in the number of an unlinkable record (a person without a pseudonym, counted
/// once under the key of their own record and never in the overlap table).
pub(crate) const UNLINKABLE: u32 = 1 << 31;

/// Whether person number `p` is an unlinkable record.
pub(crate) fn is_unlinkable(p: u32) -> bool {
    p != NO_PERSON && p & UNLINKABLE != 0
}

/// No time to answer.
pub(crate) const NO_HOURS: u32 = u32::MAX;
/// No receiving agency.
pub(crate) const NO_RECEIVER: u8 = 31;

/// The bytes of one event in a snapshot.
pub(crate) const EV_BYTES: usize = 16;

/// Where each small code lives in [`Ev::codes`]: its first bit and its width.
const KIND: (u32, u32) = (0, 4);
const SENDER: (u32, u32) = (4, 5);
const RECEIVER: (u32, u32) = (9, 5);
const REGION: (u32, u32) = (14, 4);
const AGE: (u32, u32) = (18, 4);
const GENDER: (u32, u32) = (22, 3);
const NATIONALITY: (u32, u32) = (25, 3);
const BASIS: (u32, u32) = (28, 3);

/// Whether `n` values fit in a field of `width` bits.
const fn fits(n: usize, (_, width): (u32, u32)) -> bool {
    n <= 1 << width
}

// A code list that outgrows its field stops the build here instead of counting wrong.
const _: () = assert!(fits(KINDS.len(), KIND));
const _: () = assert!(AgencyKind::ALL.len() < NO_RECEIVER as usize);
const _: () = assert!(fits(AgencyKind::ALL.len(), SENDER));
const _: () = assert!(fits(NO_RECEIVER as usize + 1, RECEIVER));
const _: () = assert!(fits(Region::ALL.len(), REGION));
const _: () = assert!(fits(AgeBand::ALL.len(), AGE));
const _: () = assert!(fits(Gender::ALL.len(), GENDER));
const _: () = assert!(fits(NationalityGroup::ALL.len(), NATIONALITY));
const _: () = assert!(fits(ReportingBasis::ALL.len() + 1, BASIS));
const _: () = assert!(ExploitationForm::ALL.len() <= 16);
const _: () = assert!(std::mem::size_of::<Ev>() == EV_BYTES);

/// The small codes of an event, each as its position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Fields {
    /// Position in [`KINDS`].
    pub(crate) kind: u8,
    pub(crate) sender_kind: u8,
    pub(crate) region: u8,
    /// [`NO_RECEIVER`] for none.
    pub(crate) receiver_kind: u8,
    pub(crate) age: u8,
    pub(crate) gender: u8,
    pub(crate) nationality: u8,
    /// Position in `ReportingBasis::ALL`; its length for events without a basis.
    pub(crate) basis: u8,
}

impl Fields {
    /// Whether every code is a position in its list (or a marker it may hold).
    fn valid(&self) -> bool {
        let within = |v: u8, n: usize| usize::from(v) < n;
        within(self.kind, KINDS.len())
            && within(self.sender_kind, AgencyKind::ALL.len())
            && (self.receiver_kind == NO_RECEIVER
                || within(self.receiver_kind, AgencyKind::ALL.len()))
            && within(self.region, Region::ALL.len())
            && within(self.age, AgeBand::ALL.len())
            && within(self.gender, Gender::ALL.len())
            && within(self.nationality, NationalityGroup::ALL.len())
            && within(self.basis, ReportingBasis::ALL.len() + 1)
    }
}

/// One event, every code as its position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Ev {
    pub(crate) person: u32,
    pub(crate) hours: u32,
    /// `year * 12 + month - 1`.
    pub(crate) month: u16,
    /// Bit `i` set: `ExploitationForm::ALL[i]` (at least one bit: `unknown`).
    pub(crate) forms: u16,
    /// The [`Fields`], packed.
    codes: u32,
}

fn put(codes: &mut u32, (at, width): (u32, u32), value: u8) {
    let mask = (1u32 << width) - 1;
    *codes |= (u32::from(value) & mask) << at;
}

fn get(codes: u32, (at, width): (u32, u32)) -> u8 {
    // The field is at most 5 bits wide, so the value always fits.
    u8::try_from((codes >> at) & ((1u32 << width) - 1)).unwrap_or(u8::MAX)
}

impl Ev {
    /// An event of these codes (each checked against its field when the copy loads it).
    pub(crate) fn new(person: u32, hours: u32, month: u16, forms: u16, f: Fields) -> Ev {
        let mut codes = 0;
        put(&mut codes, KIND, f.kind);
        put(&mut codes, SENDER, f.sender_kind);
        put(&mut codes, RECEIVER, f.receiver_kind);
        put(&mut codes, REGION, f.region);
        put(&mut codes, AGE, f.age);
        put(&mut codes, GENDER, f.gender);
        put(&mut codes, NATIONALITY, f.nationality);
        put(&mut codes, BASIS, f.basis);
        Ev {
            person,
            hours,
            month,
            forms,
            codes,
        }
    }

    pub(crate) fn kind(&self) -> u8 {
        get(self.codes, KIND)
    }
    pub(crate) fn sender_kind(&self) -> u8 {
        get(self.codes, SENDER)
    }
    pub(crate) fn receiver_kind(&self) -> u8 {
        get(self.codes, RECEIVER)
    }
    pub(crate) fn region(&self) -> u8 {
        get(self.codes, REGION)
    }
    pub(crate) fn age(&self) -> u8 {
        get(self.codes, AGE)
    }
    pub(crate) fn gender(&self) -> u8 {
        get(self.codes, GENDER)
    }
    pub(crate) fn nationality(&self) -> u8 {
        get(self.codes, NATIONALITY)
    }
    pub(crate) fn basis(&self) -> u8 {
        get(self.codes, BASIS)
    }

    fn fields(&self) -> Fields {
        Fields {
            kind: self.kind(),
            sender_kind: self.sender_kind(),
            region: self.region(),
            receiver_kind: self.receiver_kind(),
            age: self.age(),
            gender: self.gender(),
            nationality: self.nationality(),
            basis: self.basis(),
        }
    }

    /// The event's 16 bytes in a snapshot (little-endian: person, hours, month, forms,
    /// the packed codes).
    pub(crate) fn to_bytes(self) -> [u8; EV_BYTES] {
        let mut out = [0u8; EV_BYTES];
        out[0..4].copy_from_slice(&self.person.to_le_bytes());
        out[4..8].copy_from_slice(&self.hours.to_le_bytes());
        out[8..10].copy_from_slice(&self.month.to_le_bytes());
        out[10..12].copy_from_slice(&self.forms.to_le_bytes());
        out[12..16].copy_from_slice(&self.codes.to_le_bytes());
        out
    }

    /// The event of 16 snapshot bytes in month `month`, if they make a valid one: every
    /// code in its list, no unused bit set, at least one form and the month expected.
    pub(crate) fn from_bytes(b: &[u8; EV_BYTES], month: u16) -> Option<Ev> {
        let word = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(b.get(at..at + 4)?);
            Some(u32::from_le_bytes(w))
        };
        let half = |at: usize| Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]));
        let codes = word(12)?;
        let forms = half(10)?;
        let all_forms = (1u32 << ExploitationForm::ALL.len()) - 1;
        let ev = Ev {
            person: word(0)?,
            hours: word(4)?,
            month: half(8)?,
            forms,
            codes,
        };
        let used = (1u32 << (BASIS.0 + BASIS.1)) - 1;
        (ev.month == month
            && forms != 0
            && u32::from(forms) & !all_forms == 0
            && codes & !used == 0
            && ev.fields().valid())
        .then_some(ev)
    }
}

/// The number of a month, as held in [`Ev::month`].
pub(crate) fn month_number(m: Month) -> u16 {
    m.year * 12 + u16::from(m.month) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_the_packed_word_and_the_bytes() {
        let f = Fields {
            kind: u8::try_from(KINDS.len() - 1).unwrap(),
            sender_kind: u8::try_from(AgencyKind::ALL.len() - 1).unwrap(),
            region: u8::try_from(Region::ALL.len() - 1).unwrap(),
            receiver_kind: NO_RECEIVER,
            age: u8::try_from(AgeBand::ALL.len() - 1).unwrap(),
            gender: u8::try_from(Gender::ALL.len() - 1).unwrap(),
            nationality: u8::try_from(NationalityGroup::ALL.len() - 1).unwrap(),
            basis: u8::try_from(ReportingBasis::ALL.len()).unwrap(),
        };
        let e = Ev::new(7 | UNLINKABLE, NO_HOURS, 24_300, 0b101, f);
        assert_eq!(e.fields(), f);
        assert_eq!(Ev::from_bytes(&e.to_bytes(), 24_300), Some(e));
        assert_eq!(Ev::from_bytes(&e.to_bytes(), 24_301), None, "another month");
    }

    #[test]
    fn bytes_naming_no_code_or_form_are_refused() {
        let e = Ev::new(1, 3, 10, 1, Fields::default());
        let mut no_form = e.to_bytes();
        no_form[10] = 0;
        assert_eq!(Ev::from_bytes(&no_form, 10), None);
        let mut past_forms = e.to_bytes();
        past_forms[11] = 0x80;
        assert_eq!(Ev::from_bytes(&past_forms, 10), None);
        let mut bad_kind = e.to_bytes();
        bad_kind[12] = 0x0f;
        assert_eq!(Ev::from_bytes(&bad_kind, 10), None);
        let mut high_bit = e.to_bytes();
        high_bit[15] = 0x80;
        assert_eq!(Ev::from_bytes(&high_bit, 10), None);
    }
}
