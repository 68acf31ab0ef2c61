//! The actor: who is asking, as the access policy sees them.

use crate::{Action, AgencyId, Relationship, Role, SessionId, UserId, allows};

/// An authenticated user in a live session, with a verified second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// The user's agency.
    pub agency_id: AgencyId,
    /// The user's role (as it is now, read with the session on every request).
    pub role: Role,
    /// The session the request belongs to.
    pub session_id: SessionId,
}

impl Actor {
    /// Whether the actor may do `action` on an object with `relationship`.
    pub fn may(&self, action: Action, relationship: Relationship) -> bool {
        allows(self.role, action, relationship)
    }

    /// The relationship of the actor's agency to an object owned by `owner`.
    pub fn relationship_to(&self, owner: AgencyId) -> Relationship {
        if owner == self.agency_id {
            Relationship::OwnAgency
        } else {
            Relationship::Unrelated
        }
    }
}
