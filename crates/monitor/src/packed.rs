//! One monitor event as the in-memory copy holds it: 20 bytes, every code as its
//! position in its code list, and the markers for what an event lacks (no person, no
//! receiving agency, no time to answer). Shared by the copy that loads events and the
//! single pass that counts them.

use crate::period::Month;

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
pub(crate) const NO_RECEIVER: u8 = u8::MAX;

/// One event, every code as its position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ev {
    pub(crate) person: u32,
    pub(crate) hours: u32,
    /// `year * 12 + month - 1`.
    pub(crate) month: u16,
    /// Bit `i` set: `ExploitationForm::ALL[i]` (at least one bit: `unknown`).
    pub(crate) forms: u16,
    /// Position in [`KINDS`](crate::event::KINDS).
    pub(crate) kind: u8,
    pub(crate) sender_kind: u8,
    pub(crate) region: u8,
    pub(crate) receiver_kind: u8,
    pub(crate) age: u8,
    pub(crate) gender: u8,
    pub(crate) nationality: u8,
    /// Position in `ReportingBasis::ALL`; its length for events without a basis.
    pub(crate) basis: u8,
}

/// The number of a month, as held in [`Ev::month`].
pub(crate) fn month_number(m: Month) -> u16 {
    m.year * 12 + u16::from(m.month) - 1
}
