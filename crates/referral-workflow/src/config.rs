//! What the use cases need from configuration: the data keys, which of them make the
//! blind index and the pseudonym, the response deadlines, the retention period, how
//! long drafts are kept, how large a document may be, who may break the glass and
//! which agencies keep their records whatever the person asks.

use chrono::Duration;
use schakel_crypto::MasterKeys;
use schakel_domain::{DeadlinePolicy, EmergencyPolicy, RightsPolicy};
use std::sync::Arc;

/// The default retention of a closed case's identity and free text: five years.
pub const DEFAULT_RETENTION_DAYS: i64 = 5 * 365;

/// How long a draft is kept after it last changed, by default.
pub const DEFAULT_DRAFT_DAYS: i64 = 30;

/// The largest document accepted, by default: 20 MiB.
pub const DEFAULT_DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;

/// How long an idempotency key's first response is kept.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// Settings of case work.
#[derive(Clone)]
pub struct WorkflowConfig {
    /// The master keys: the current one encrypts identity and free text.
    pub keys: Arc<MasterKeys>,
    /// The master key id the blind index is derived from; fixed across rotations.
    pub index_key_id: String,
    /// The master key id the pseudonym (linkage) key is derived from; fixed forever, or
    /// the monitor counts the same person twice.
    pub linkage_key_id: String,
    /// Response deadlines per urgency.
    pub deadlines: DeadlinePolicy,
    /// How long after closing a case its identity and free text are kept.
    pub retention: Duration,
    /// How long a draft is kept after it last changed.
    pub draft_lifetime: Duration,
    /// The largest document accepted, in bytes.
    pub document_max_bytes: usize,
    /// The age after which an agency's reported free places are stale.
    pub places_stale_after: Duration,
    /// Who may break the glass, and for how long.
    pub emergency: EmergencyPolicy,
    /// Which agencies keep their records whatever the person asks.
    pub rights: RightsPolicy,
    /// The law-enforcement compartment's keys: suspects' identity and the
    /// investigations' free text, and the suspects' own linkage key.
    pub law_enforcement: LawEnforcementKeys,
}

/// The keys of the law-enforcement compartment, apart from the victims' side's: a leak
/// of one side's keys neither opens nor links the other side's records.
#[derive(Clone)]
pub struct LawEnforcementKeys {
    /// The master keys (of the law-enforcement compartment): the current one encrypts.
    pub keys: Arc<MasterKeys>,
    /// The master key id the suspects' pseudonym is derived from; fixed forever.
    pub linkage_key_id: String,
}

impl std::fmt::Debug for LawEnforcementKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LawEnforcementKeys")
            .field("keys", &self.keys)
            .field("linkage_key_id", &self.linkage_key_id)
            .finish()
    }
}

impl LawEnforcementKeys {
    /// The compartment's keys over `keys` (derived under the compartment's labels),
    /// the linkage key the current one.
    pub fn new(keys: MasterKeys) -> Self {
        let keys = keys.for_compartment(schakel_crypto::Compartment::LawEnforcement);
        Self {
            linkage_key_id: keys.current_key_id().to_owned(),
            keys: Arc::new(keys),
        }
    }

    /// Fresh random keys, for tests and throwaway instances.
    pub fn ephemeral() -> Self {
        Self::new(MasterKeys::single(
            "ephemeral-le",
            schakel_auth::secret_token::generate_key(),
        ))
    }
}

impl std::fmt::Debug for WorkflowConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkflowConfig")
            .field("keys", &self.keys)
            .field("index_key_id", &self.index_key_id)
            .field("linkage_key_id", &self.linkage_key_id)
            .field("deadlines", &self.deadlines)
            .field("retention", &self.retention)
            .field("draft_lifetime", &self.draft_lifetime)
            .field("document_max_bytes", &self.document_max_bytes)
            .field("places_stale_after", &self.places_stale_after)
            .field("emergency", &self.emergency)
            .field("rights", &self.rights)
            .field("law_enforcement", &self.law_enforcement)
            .finish()
    }
}

impl WorkflowConfig {
    /// Settings with `keys`, the index and linkage keys both the current key, the
    /// default deadlines and retention, and fresh random keys for the law-enforcement
    /// compartment (the server sets its configured ones).
    pub fn with_keys(keys: Arc<MasterKeys>) -> Self {
        let current = keys.current_key_id().to_owned();
        Self {
            keys,
            index_key_id: current.clone(),
            linkage_key_id: current,
            deadlines: DeadlinePolicy::default(),
            retention: Duration::days(DEFAULT_RETENTION_DAYS),
            draft_lifetime: Duration::days(DEFAULT_DRAFT_DAYS),
            document_max_bytes: DEFAULT_DOCUMENT_MAX_BYTES,
            places_stale_after: Duration::days(schakel_domain::directory::DEFAULT_STALE_AFTER_DAYS),
            emergency: EmergencyPolicy::default(),
            rights: RightsPolicy::default(),
            law_enforcement: LawEnforcementKeys::ephemeral(),
        }
    }

    /// Settings with fresh random keys, for tests and throwaway instances.
    pub fn ephemeral() -> Self {
        Self::with_keys(schakel_auth::ephemeral_data_keys())
    }
}
