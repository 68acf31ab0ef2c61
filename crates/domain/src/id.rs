//! Typed identifiers.
//!
//! Ids are random UUIDs (v4), stored as lower-case hyphenated text on both databases.
//! A typed wrapper per entity keeps an agency id from being passed where a case id is
//! expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
        pub struct $name(Uuid);

        impl $name {
            /// A new random id.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

typed_id!(
    /// Identifies an agency.
    AgencyId
);
typed_id!(
    /// Identifies a user account.
    UserId
);
typed_id!(
    /// Identifies a login session.
    SessionId
);
typed_id!(
    /// Identifies a signal.
    SignalId
);
typed_id!(
    /// Identifies a person record (within one agency).
    PersonId
);
typed_id!(
    /// Identifies a case.
    CaseId
);
typed_id!(
    /// Identifies a consent or legal-basis record.
    ConsentId
);
typed_id!(
    /// Identifies a referral.
    ReferralId
);
typed_id!(
    /// Identifies a note on a case.
    NoteId
);
typed_id!(
    /// Identifies a correction of a case (an entry of its rectification record).
    CorrectionId
);
typed_id!(
    /// Identifies a draft of a form.
    DraftId
);
typed_id!(
    /// Identifies a document on a case.
    DocumentId
);
typed_id!(
    /// Identifies an emergency access to a case ("breaking the glass").
    EmergencyAccessId
);
typed_id!(
    /// Identifies a request for a change of privilege, waiting for a second admin.
    PrivilegeRequestId
);

typed_id!(
    /// Identifies an investigation of the law-enforcement compartment.
    InvestigationId
);
typed_id!(
    /// Identifies a suspect in an investigation.
    SuspectId
);
typed_id!(
    /// Identifies a suspect handed to the prosecution.
    SuspectReferralId
);
typed_id!(
    /// Identifies a prosecution decision or a judgment on a suspect.
    ProsecutionStepId
);
typed_id!(
    /// Identifies a link between a suspect and a victim's case or signal.
    VictimLinkId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_as_lower_case_hyphenated_text() {
        let id: AgencyId = "6F9619FF-8B86-D011-B42D-00C04FC964FF".parse().unwrap();
        assert_eq!(id.to_string(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
    }
}
