//! A consent or legal basis as the owning agency sees it.

use crate::support::open_opt;
use crate::views::ConsentView;
use crate::{UseCaseError, WorkflowConfig};
use chrono::{DateTime, Utc};
use schakel_store::casework::consents::Consent;

/// A record as the owning agency sees it.
pub(crate) fn consent_view(
    cfg: &WorkflowConfig,
    c: &Consent,
    now: DateTime<Utc>,
) -> Result<ConsentView, UseCaseError> {
    Ok(ConsentView {
        id: c.id,
        kind: c.scope.kind,
        recipient_kinds: c.scope.recipient_kinds.clone(),
        purposes: c.scope.purposes.clone(),
        given_by: c.given_by,
        legal_basis: c.legal_basis,
        reason: open_opt(cfg, "consents", "reason", &c.id, c.reason.as_deref())?,
        given_on: c.given_on,
        expires_at: c.scope.expires_at,
        withdrawn_at: c.scope.withdrawn_at,
        active: c.scope.holds_at(now),
        created_at: c.created_at,
    })
}
