//! Notes on a case: what kind of contact or observation a note records, and who may
//! read it.
//!
//! A note's text is the agency's own record of working with the person; it never enters
//! an email or the monitor. Who may read it is the author's choice between the own
//! agency and, besides, the agencies that share the case through a referral that is
//! accepted or in progress at the time of reading.

use crate::code_enum;

code_enum! {
    /// What a note records.
    pub enum NoteKind as "note kind" {
        /// A contact with the person.
        Contact = "contact",
        /// A phone call.
        PhoneCall = "phone_call",
        /// A meeting.
        Meeting = "meeting",
        /// A visit.
        Visit = "visit",
        /// An observation.
        Observation = "observation",
        /// Something else.
        Other = "other",
    }
}

code_enum! {
    /// Who may read a note.
    pub enum NoteVisibility as "note visibility" {
        /// The author's agency only.
        OwnAgency = "own_agency",
        /// Also the agencies that currently share the case through an accepted or
        /// in-progress referral (and the owning agency, for a receiver's note).
        Shared = "shared",
    }
}
