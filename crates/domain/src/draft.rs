//! Drafts: a case-work form saved while it is typed, so that nothing typed is lost when
//! a page is left or a session ends. A draft is its author's alone; it holds the form's
//! fields as typed (encrypted at rest like identity) and which form, and for the forms
//! that belong to a case, which case. It never enters an email, the monitor or the
//! details of an audit entry.

use crate::code_enum;

code_enum! {
    /// Which form a draft is of.
    pub enum DraftForm as "draft form" {
        /// Logging a signal (and opening its case).
        Signal = "signal",
        /// Correcting a case.
        Correction = "correction",
        /// A consent or legal-basis record on a case.
        Consent = "consent",
        /// A referral of a case.
        Referral = "referral",
        /// A note on a case.
        Note = "note",
    }
}

impl DraftForm {
    /// Whether the form belongs to a case (and a draft of it names the case).
    pub fn of_case(self) -> bool {
        self != DraftForm::Signal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_signal_form_stands_alone() {
        let alone: Vec<_> = DraftForm::ALL.iter().filter(|f| !f.of_case()).collect();
        assert_eq!(alone, [&DraftForm::Signal]);
        assert_eq!(
            "referral".parse::<DraftForm>().unwrap(),
            DraftForm::Referral
        );
    }
}
