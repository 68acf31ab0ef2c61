//! The access policy: one table of role × action × relationship.
//!
//! Everything is denied unless a row of [`RULES`] allows it. The relationship is that of
//! the actor's agency to the object: its own, the receiving agency of an open referral,
//! or none. Separation of duties follows from the table: admins manage agencies and
//! accounts but never see case data, analysts see the monitor only, auditors the audit
//! trail only.

use crate::{Role, code_enum};

code_enum! {
    /// Something an actor may try to do.
    pub enum Action as "action" {
        /// Read one's own account, change one's password, manage one's second factor.
        ManageOwnAccount = "manage_own_account",
        /// List active agencies to choose a referral recipient.
        ReadDirectory = "read_directory",
        /// Create, update and deactivate agencies.
        ManageAgencies = "manage_agencies",
        /// Invite users, change roles, deactivate accounts.
        ManageUsers = "manage_users",
        /// See undeliverable notifications and send them again.
        ManageDelivery = "manage_delivery",
        /// Read and filter the audit trail.
        ReadAudit = "read_audit",
        /// Recompute the audit chain.
        VerifyAudit = "verify_audit",
        /// Read the monitor's counts, flows and overlaps.
        ReadMonitor = "read_monitor",
        /// Log a signal.
        CreateSignal = "create_signal",
        /// Open a case.
        CreateCase = "create_case",
        /// Read a case with what the actor may see of the person.
        ReadCase = "read_case",
        /// Change a case, record or withdraw consent, close it.
        UpdateCase = "update_case",
        /// Refer a case to another agency.
        CreateReferral = "create_referral",
        /// Read a referral's summary (purpose, urgency, coarse attributes, message).
        ReadReferral = "read_referral",
        /// Withdraw a referral one's agency sent.
        WithdrawReferral = "withdraw_referral",
        /// Accept, decline, redirect, start or complete a referral one's agency received.
        DecideReferral = "decide_referral",
        /// Write a note on a case: one's own, or one received through a referral that
        /// is accepted or in progress; change one's own note for a short time after.
        WriteNote = "write_note",
        /// Keep drafts of one's own case-work forms: save, resume, discard.
        KeepDraft = "keep_draft",
        /// Add a document to a case (one's own, or one received through a referral that
        /// is accepted or in progress), share it or take it off again.
        AddDocument = "add_document",
        /// Make a worker of the agency responsible for one of its cases (and see the
        /// agency's caseload) or for a referral it received and accepted.
        AssignCase = "assign_case",
        /// Keep one's agency's profile in the directory: services, eligibility,
        /// languages, regions, reachability and free places.
        KeepAgencyProfile = "keep_agency_profile",
        /// See one's agency's own figures: referrals waiting, answered, and how they
        /// ended; open cases per worker.
        ReadAgencyFigures = "read_agency_figures",
        /// Export the directory (agencies, services, eligibility; public contact only)
        /// in the Open Referral format.
        ExportDirectory = "export_directory",
        /// Break the glass: read a case one has no access to, for a stated reason on an
        /// emergency ground, for a limited time (only at agencies of the kinds the
        /// configuration allows).
        OpenEmergencyAccess = "open_emergency_access",
        /// Review emergency accesses: mark one justified or escalate it, and see them
        /// per agency and user.
        ReviewEmergencyAccess = "review_emergency_access",
        /// Answer the person's own rights over their record at the agency: export
        /// everything stored about them, restrict the record or lift the restriction,
        /// erase it on their request.
        AnswerPersonRights = "answer_person_rights",
        /// Keep an investigation of the law-enforcement compartment: open it, register
        /// suspects, link them to victims' cases and signals the agency may see, hand
        /// them to the prosecution (only at agencies of a law-enforcement kind).
        KeepInvestigation = "keep_investigation",
        /// Read an investigation and its suspects: the investigating agency, and the
        /// prosecution for a suspect it accepted (only at law-enforcement agencies).
        ReadInvestigation = "read_investigation",
        /// Record the prosecution's decision on a suspect it accepted and the courts'
        /// judgments (only at the prosecution).
        RecordProsecution = "record_prosecution",
    }
}

code_enum! {
    /// How the actor's agency relates to the object of the action.
    pub enum Relationship as "relationship" {
        /// The action has no agency-owned object (platform administration, the monitor,
        /// the audit trail, one's own account, the directory).
        Platform = "platform",
        /// The object belongs to the actor's own agency (or its agency sent the referral).
        OwnAgency = "own_agency",
        /// The actor's agency is the receiving agency of an open referral of the object.
        ReceivingAgency = "receiving_agency",
        /// The actor broke the glass for the object: an emergency access of theirs that
        /// has not ended.
        Emergency = "emergency",
        /// No relationship.
        Unrelated = "unrelated",
    }
}

use Action::*;
use Relationship::*;
use Role::*;

/// Every allowed (role, action, relationship). Anything not listed is denied.
pub const RULES: &[(Role, Action, Relationship)] = &[
    // Every role manages its own account.
    (Caseworker, ManageOwnAccount, Platform),
    (Coordinator, ManageOwnAccount, Platform),
    (Analyst, ManageOwnAccount, Platform),
    (Auditor, ManageOwnAccount, Platform),
    (Admin, ManageOwnAccount, Platform),
    // Those who may refer may see where to.
    (Caseworker, ReadDirectory, Platform),
    (Coordinator, ReadDirectory, Platform),
    // Separation of duties.
    (Admin, ManageAgencies, Platform),
    (Admin, ManageUsers, Platform),
    (Admin, ManageDelivery, Platform),
    (Auditor, ReadAudit, Platform),
    (Auditor, VerifyAudit, Platform),
    (Analyst, ReadMonitor, Platform),
    // Case work within one's own agency.
    (Caseworker, CreateSignal, OwnAgency),
    (Coordinator, CreateSignal, OwnAgency),
    (Caseworker, CreateCase, OwnAgency),
    (Coordinator, CreateCase, OwnAgency),
    (Caseworker, ReadCase, OwnAgency),
    (Coordinator, ReadCase, OwnAgency),
    (Caseworker, UpdateCase, OwnAgency),
    (Coordinator, UpdateCase, OwnAgency),
    (Caseworker, CreateReferral, OwnAgency),
    (Coordinator, CreateReferral, OwnAgency),
    (Caseworker, ReadReferral, OwnAgency),
    (Coordinator, ReadReferral, OwnAgency),
    (Caseworker, WithdrawReferral, OwnAgency),
    (Coordinator, WithdrawReferral, OwnAgency),
    (Caseworker, WriteNote, OwnAgency),
    (Coordinator, WriteNote, OwnAgency),
    (Caseworker, AddDocument, OwnAgency),
    (Coordinator, AddDocument, OwnAgency),
    (Coordinator, AssignCase, OwnAgency),
    (Coordinator, KeepAgencyProfile, OwnAgency),
    (Coordinator, ReadAgencyFigures, OwnAgency),
    // The person's rights are answered by the owning agency's coordinators.
    (Coordinator, AnswerPersonRights, OwnAgency),
    // The directory in the Open Referral format: no client's data, for every role.
    (Caseworker, ExportDirectory, Platform),
    (Coordinator, ExportDirectory, Platform),
    (Analyst, ExportDirectory, Platform),
    (Auditor, ExportDirectory, Platform),
    (Admin, ExportDirectory, Platform),
    // Drafts of the case-work forms, each its author's alone.
    (Caseworker, KeepDraft, Platform),
    (Coordinator, KeepDraft, Platform),
    (Coordinator, AssignCase, ReceivingAgency),
    // The receiving agency of an open referral: the summary, and once accepted the case
    // (what of the person it sees is decided by consent, not here); only coordinators
    // decide.
    (Caseworker, ReadReferral, ReceivingAgency),
    (Coordinator, ReadReferral, ReceivingAgency),
    (Caseworker, ReadCase, ReceivingAgency),
    (Coordinator, ReadCase, ReceivingAgency),
    (Caseworker, WriteNote, ReceivingAgency),
    (Coordinator, WriteNote, ReceivingAgency),
    (Caseworker, AddDocument, ReceivingAgency),
    (Coordinator, AddDocument, ReceivingAgency),
    (Coordinator, DecideReferral, ReceivingAgency),
    // Emergency access: asked for by case workers (of the agency kinds the
    // configuration allows), read-only while it lasts, reviewed by the auditors.
    (Caseworker, OpenEmergencyAccess, Platform),
    (Coordinator, OpenEmergencyAccess, Platform),
    (Caseworker, ReadCase, Emergency),
    (Coordinator, ReadCase, Emergency),
    (Auditor, ReviewEmergencyAccess, Platform),
    // The law-enforcement compartment (the agency's kind is checked besides): the
    // investigating agency keeps its investigations; the prosecution reads the
    // suspects it accepted and records its decisions and the judgments.
    (Caseworker, KeepInvestigation, OwnAgency),
    (Coordinator, KeepInvestigation, OwnAgency),
    (Caseworker, ReadInvestigation, OwnAgency),
    (Coordinator, ReadInvestigation, OwnAgency),
    (Caseworker, ReadInvestigation, ReceivingAgency),
    (Coordinator, ReadInvestigation, ReceivingAgency),
    (Caseworker, RecordProsecution, ReceivingAgency),
    (Coordinator, RecordProsecution, ReceivingAgency),
];

/// Whether `role` may do `action` on an object with `relationship` to the actor.
pub fn allows(role: Role, action: Action, relationship: Relationship) -> bool {
    RULES
        .iter()
        .any(|&(r, a, rel)| r == role && a == action && rel == relationship)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed_for(role: Role) -> Vec<(Action, Relationship)> {
        let mut out = Vec::new();
        for &action in Action::ALL {
            for &rel in Relationship::ALL {
                if allows(role, action, rel) {
                    out.push((action, rel));
                }
            }
        }
        out
    }

    #[test]
    fn nothing_is_allowed_to_an_unrelated_agency() {
        for &role in Role::ALL {
            for &action in Action::ALL {
                assert!(!allows(role, action, Unrelated), "{role} {action}");
            }
        }
    }

    #[test]
    fn admins_analysts_and_auditors_never_touch_case_data() {
        let case_actions = [
            CreateSignal,
            CreateCase,
            ReadCase,
            UpdateCase,
            CreateReferral,
            ReadReferral,
            WithdrawReferral,
            DecideReferral,
            WriteNote,
            AddDocument,
            AssignCase,
            AnswerPersonRights,
            KeepInvestigation,
            ReadInvestigation,
            RecordProsecution,
        ];
        for role in [Admin, Analyst, Auditor] {
            for action in case_actions {
                for &rel in Relationship::ALL {
                    assert!(!allows(role, action, rel), "{role} {action} {rel}");
                }
            }
        }
    }

    #[test]
    fn each_oversight_role_has_exactly_its_own_duty() {
        // Besides its duty, each may export the directory: agencies and what they
        // offer, no client's data and no contact details but those made public.
        assert_eq!(
            allowed_for(Analyst),
            vec![
                (ManageOwnAccount, Platform),
                (ReadMonitor, Platform),
                (ExportDirectory, Platform)
            ]
        );
        assert_eq!(
            allowed_for(Auditor),
            vec![
                (ManageOwnAccount, Platform),
                (ReadAudit, Platform),
                (VerifyAudit, Platform),
                (ExportDirectory, Platform),
                (ReviewEmergencyAccess, Platform)
            ]
        );
        assert_eq!(
            allowed_for(Admin),
            vec![
                (ManageOwnAccount, Platform),
                (ManageAgencies, Platform),
                (ManageUsers, Platform),
                (ManageDelivery, Platform),
                (ExportDirectory, Platform)
            ]
        );
    }

    #[test]
    fn only_coordinators_of_the_receiving_agency_decide_referrals() {
        for &role in Role::ALL {
            for &rel in Relationship::ALL {
                let expected = role == Coordinator && rel == ReceivingAgency;
                assert_eq!(allows(role, DecideReferral, rel), expected, "{role} {rel}");
            }
        }
    }

    #[test]
    fn the_receiving_agency_cannot_change_or_withdraw_the_senders_case() {
        for role in [Caseworker, Coordinator] {
            for action in [UpdateCase, CreateReferral, WithdrawReferral, CreateCase] {
                assert!(!allows(role, action, ReceivingAgency), "{role} {action}");
            }
        }
    }

    #[test]
    fn only_the_owning_agencys_coordinators_answer_the_persons_rights() {
        for &role in Role::ALL {
            for &rel in Relationship::ALL {
                let expected = role == Coordinator && rel == OwnAgency;
                assert_eq!(
                    allows(role, AnswerPersonRights, rel),
                    expected,
                    "{role} {rel}"
                );
            }
        }
    }

    #[test]
    fn an_emergency_access_only_reads() {
        for &role in Role::ALL {
            for &action in Action::ALL {
                let expected = action == ReadCase && matches!(role, Caseworker | Coordinator);
                assert_eq!(allows(role, action, Emergency), expected, "{role} {action}");
            }
        }
    }

    #[test]
    fn the_table_has_no_duplicate_rows() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(!RULES[i + 1..].contains(a), "duplicate {a:?}");
        }
    }
}
