//! Roles: what a user is at their agency.
//!
//! Separation of duties is deliberate: the admin who creates accounts cannot read cases,
//! the analyst who sees the whole country's flows cannot see one person, the auditor
//! sees the audit trail only.

use crate::code_enum;

code_enum! {
    /// A user's role; one per user.
    pub enum Role as "role" {
        /// Staff of any agency: signals, cases, consent, referrals.
        Caseworker = "caseworker",
        /// A caseworker who also handles the agency's referral inbox.
        Coordinator = "coordinator",
        /// National Rapporteur staff: the monitor only.
        Analyst = "analyst",
        /// Privacy officer or auditor: the audit trail only.
        Auditor = "auditor",
        /// Platform operator: agencies and accounts only.
        Admin = "admin",
    }
}
