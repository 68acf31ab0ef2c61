//! The emails the platform sends, as they travel through the outbox.
//!
//! A use case queues a [`Notice`] in the same transaction as the change it tells of;
//! the notification sink reads it back into the same type. On the wire a notice is the
//! outbox row's topic and a JSON payload of ids and codes only: never a name, never
//! free text. An account link's token is the one secret a payload carries; the sink
//! scrubs it once the email is sent or given up on.

use serde::{Deserialize, Serialize};

use crate::{
    AgencyId, CaseId, DeclineReason, DocumentId, EmergencyGround, ReferralId, ReferralState, Role,
    SuspectReferralId, Urgency, UserId,
};

/// The outbox topic of a [`Notice::DocumentQuarantined`].
pub const DOCUMENT_QUARANTINED_TOPIC: &str = "document_quarantined";

/// The outbox topic of a [`Notice::EmergencyAccess`].
pub const EMERGENCY_ACCESS_TOPIC: &str = "emergency_access";

/// The outbox topic of a [`Notice::SecondFactorReset`].
pub const SECOND_FACTOR_RESET_TOPIC: &str = "second_factor_reset";

crate::code_enum! {
    /// What a referral email is about (the outbox row's topic).
    pub enum ReferralTopic as "referral notice" {
        /// A referral arrived at the receiving agency.
        Received = "referral_received",
        /// The receiving agency accepted, declined, redirected or completed it.
        Decided = "referral_decided",
        /// The sender withdrew it.
        Withdrawn = "referral_withdrawn",
        /// Nobody answered in time and it expired.
        Expired = "referral_expired",
        /// The deadline passed without an answer.
        Reminder = "referral_reminder",
        /// Long past its deadline: to both agencies.
        Escalation = "referral_escalation",
        /// The person withdrew the consent the referral stood on.
        ConsentWithdrawn = "consent_withdrawn",
    }
}

crate::code_enum! {
    /// What an email about a suspect handed to the prosecution is about (the outbox
    /// row's topic). It names the agencies and links to the inbox, never the suspect.
    pub enum SuspectTopic as "suspect referral notice" {
        /// A suspect arrived at the prosecution office.
        Received = "suspect_referral_received",
        /// The prosecution office accepted or declined it.
        Decided = "suspect_referral_decided",
    }
}

crate::code_enum! {
    /// Which one-time link an account email carries (the outbox row's topic).
    pub enum LinkTopic as "account link notice" {
        /// An invitation to set a password on a new account.
        Invitation = "invitation",
        /// A link to choose a new password.
        PasswordReset = "password_reset",
    }
}

impl LinkTopic {
    /// The page the link opens.
    pub const fn page(self) -> &'static str {
        match self {
            LinkTopic::Invitation => "invitation",
            LinkTopic::PasswordReset => "password-reset",
        }
    }
}

/// The facts of a referral an email may state (the template names the agencies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralFacts {
    /// The referral; the email links to it.
    pub referral_id: ReferralId,
    /// The sending agency.
    pub from_agency_id: AgencyId,
    /// The receiving agency.
    pub to_agency_id: AgencyId,
    /// The state it was moved to, for a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ReferralState>,
    /// Why it was declined, for a decline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeclineReason>,
    /// How fast it must be answered, for a new referral.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
}

impl ReferralFacts {
    /// The facts every referral email has.
    pub fn of(referral_id: ReferralId, from_agency_id: AgencyId, to_agency_id: AgencyId) -> Self {
        ReferralFacts {
            referral_id,
            from_agency_id,
            to_agency_id,
            state: None,
            reason: None,
            urgency: None,
        }
    }
}

/// An email notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// To one responsible worker at an agency, or (with none, or when that account is no
    /// longer active there) the active users of `roles` at the agency, about a referral
    /// (each user gets it at once or in the daily digest, as they chose).
    Referral {
        /// What it is about.
        topic: ReferralTopic,
        /// The agency whose users receive it.
        agency_id: AgencyId,
        /// The worker responsible for the case it concerns, if any.
        user_id: Option<UserId>,
        /// Which of its users otherwise.
        roles: Vec<Role>,
        /// The referral.
        about: ReferralFacts,
    },
    /// A one-time link to one user, sent at once and never in a digest.
    AccountLink {
        /// Which link.
        topic: LinkTopic,
        /// The user it is for.
        user_id: UserId,
        /// The link's secret; `None` once scrubbed.
        token: Option<String>,
    },
    /// To the worker who uploaded a document: the malware scanner found something in it,
    /// so it is quarantined and never served. Sent at once and never in a digest.
    DocumentQuarantined {
        /// The uploader.
        user_id: UserId,
        /// The case the document was added to; the email links to it.
        case_id: CaseId,
        /// The document.
        document_id: DocumentId,
    },
    /// To the coordinators of the agency that owns a case: a worker of another agency
    /// broke the glass to read it. Sent at once and never in a digest.
    EmergencyAccess {
        /// The owning agency, whose coordinators receive it.
        agency_id: AgencyId,
        /// The case; the email links to it.
        case_id: CaseId,
        /// The agency of the worker who broke the glass.
        from_agency_id: AgencyId,
        /// The ground stated.
        ground: EmergencyGround,
    },
    /// To a user: two admins removed their second factor, so they set up a new one at
    /// their next login. Sent at once and never in a digest.
    SecondFactorReset {
        /// The user.
        user_id: UserId,
    },
    /// To the users of `roles` at an agency, about a suspect handed to the prosecution
    /// (each user gets it at once or in the daily digest, as they chose).
    SuspectReferral {
        /// What it is about.
        topic: SuspectTopic,
        /// The agency whose users receive it.
        agency_id: AgencyId,
        /// Which of its users.
        roles: Vec<Role>,
        /// The referral.
        referral_id: SuspectReferralId,
        /// The investigating agency.
        from_agency_id: AgencyId,
        /// The prosecution office.
        to_agency_id: AgencyId,
        /// The state it was moved to, for a decision.
        state: Option<ReferralState>,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuspectPayload {
    agency_id: AgencyId,
    roles: Vec<Role>,
    referral_id: SuspectReferralId,
    from_agency_id: AgencyId,
    to_agency_id: AgencyId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<ReferralState>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPayload {
    user_id: UserId,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencyPayload {
    agency_id: AgencyId,
    case_id: CaseId,
    from_agency_id: AgencyId,
    ground: EmergencyGround,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuarantinePayload {
    user_id: UserId,
    case_id: CaseId,
    document_id: DocumentId,
}

/// A payload that is not a notice of its topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a notice: {0}")]
pub struct InvalidNotice(pub String);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralPayload {
    agency_id: AgencyId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<UserId>,
    roles: Vec<Role>,
    about: ReferralFacts,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkPayload {
    user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    token_scrubbed: bool,
}

impl Notice {
    /// The outbox row's topic.
    pub fn topic(&self) -> &'static str {
        match self {
            Notice::Referral { topic, .. } => topic.as_str(),
            Notice::AccountLink { topic, .. } => topic.as_str(),
            Notice::DocumentQuarantined { .. } => DOCUMENT_QUARANTINED_TOPIC,
            Notice::EmergencyAccess { .. } => EMERGENCY_ACCESS_TOPIC,
            Notice::SecondFactorReset { .. } => SECOND_FACTOR_RESET_TOPIC,
            Notice::SuspectReferral { topic, .. } => topic.as_str(),
        }
    }

    /// The outbox row's payload.
    pub fn payload(&self) -> serde_json::Value {
        let value = match self {
            Notice::Referral {
                agency_id,
                user_id,
                roles,
                about,
                ..
            } => serde_json::to_value(ReferralPayload {
                agency_id: *agency_id,
                user_id: *user_id,
                roles: roles.clone(),
                about: about.clone(),
            }),
            Notice::AccountLink { user_id, token, .. } => serde_json::to_value(LinkPayload {
                user_id: *user_id,
                token: token.clone(),
                token_scrubbed: token.is_none(),
            }),
            Notice::DocumentQuarantined {
                user_id,
                case_id,
                document_id,
            } => serde_json::to_value(QuarantinePayload {
                user_id: *user_id,
                case_id: *case_id,
                document_id: *document_id,
            }),
            Notice::EmergencyAccess {
                agency_id,
                case_id,
                from_agency_id,
                ground,
            } => serde_json::to_value(EmergencyPayload {
                agency_id: *agency_id,
                case_id: *case_id,
                from_agency_id: *from_agency_id,
                ground: *ground,
            }),
            Notice::SecondFactorReset { user_id } => {
                serde_json::to_value(UserPayload { user_id: *user_id })
            }
            Notice::SuspectReferral {
                agency_id,
                roles,
                referral_id,
                from_agency_id,
                to_agency_id,
                state,
                ..
            } => serde_json::to_value(SuspectPayload {
                agency_id: *agency_id,
                roles: roles.clone(),
                referral_id: *referral_id,
                from_agency_id: *from_agency_id,
                to_agency_id: *to_agency_id,
                state: *state,
            }),
        };
        // Ids, codes and strings only: serialising them cannot fail.
        value.unwrap_or(serde_json::Value::Null)
    }

    /// Reads an outbox row back.
    pub fn from_row(topic: &str, payload: &serde_json::Value) -> Result<Notice, InvalidNotice> {
        let shape = |e: serde_json::Error| InvalidNotice(format!("{topic}: {e}"));
        if let Ok(topic) = topic.parse::<ReferralTopic>() {
            let p: ReferralPayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::Referral {
                topic,
                agency_id: p.agency_id,
                user_id: p.user_id,
                roles: p.roles,
                about: p.about,
            });
        }
        if let Ok(topic) = topic.parse::<LinkTopic>() {
            let p: LinkPayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::AccountLink {
                topic,
                user_id: p.user_id,
                token: p.token,
            });
        }
        if topic == DOCUMENT_QUARANTINED_TOPIC {
            let p: QuarantinePayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::DocumentQuarantined {
                user_id: p.user_id,
                case_id: p.case_id,
                document_id: p.document_id,
            });
        }
        if topic == EMERGENCY_ACCESS_TOPIC {
            let p: EmergencyPayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::EmergencyAccess {
                agency_id: p.agency_id,
                case_id: p.case_id,
                from_agency_id: p.from_agency_id,
                ground: p.ground,
            });
        }
        if topic == SECOND_FACTOR_RESET_TOPIC {
            let p: UserPayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::SecondFactorReset { user_id: p.user_id });
        }
        if let Ok(topic) = topic.parse::<SuspectTopic>() {
            let p: SuspectPayload = serde_json::from_value(payload.clone()).map_err(shape)?;
            return Ok(Notice::SuspectReferral {
                topic,
                agency_id: p.agency_id,
                roles: p.roles,
                referral_id: p.referral_id,
                from_agency_id: p.from_agency_id,
                to_agency_id: p.to_agency_id,
                state: p.state,
            });
        }
        Err(InvalidNotice(format!("unknown topic {topic}")))
    }

    /// The same notice without its secret, if it has one (`None` when there was none).
    pub fn scrubbed(&self) -> Option<Notice> {
        match self {
            Notice::AccountLink {
                topic,
                user_id,
                token: Some(_),
            } => Some(Notice::AccountLink {
                topic: *topic,
                user_id: *user_id,
                token: None,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_notice() -> Vec<Notice> {
        let about = ReferralFacts {
            state: Some(ReferralState::Declined),
            reason: Some(DeclineReason::NoCapacity),
            urgency: Some(Urgency::Urgent),
            ..ReferralFacts::of(
                ReferralId::new_random(),
                AgencyId::new_random(),
                AgencyId::new_random(),
            )
        };
        let mut all: Vec<Notice> = ReferralTopic::ALL
            .iter()
            .flat_map(|topic| {
                [None, Some(UserId::new_random())].map(|user_id| Notice::Referral {
                    topic: *topic,
                    agency_id: AgencyId::new_random(),
                    user_id,
                    roles: vec![Role::Coordinator, Role::Caseworker],
                    about: about.clone(),
                })
            })
            .collect();
        for topic in LinkTopic::ALL {
            for token in [Some("geheim".to_owned()), None] {
                all.push(Notice::AccountLink {
                    topic: *topic,
                    user_id: UserId::new_random(),
                    token,
                });
            }
        }
        all.push(Notice::DocumentQuarantined {
            user_id: UserId::new_random(),
            case_id: CaseId::new_random(),
            document_id: DocumentId::new_random(),
        });
        all.push(Notice::SecondFactorReset {
            user_id: UserId::new_random(),
        });
        for ground in EmergencyGround::ALL {
            all.push(Notice::EmergencyAccess {
                agency_id: AgencyId::new_random(),
                case_id: CaseId::new_random(),
                from_agency_id: AgencyId::new_random(),
                ground: *ground,
            });
        }
        for (topic, state) in [
            (SuspectTopic::Received, None),
            (SuspectTopic::Decided, Some(ReferralState::Accepted)),
        ] {
            all.push(Notice::SuspectReferral {
                topic,
                agency_id: AgencyId::new_random(),
                roles: vec![Role::Coordinator],
                referral_id: SuspectReferralId::new_random(),
                from_agency_id: AgencyId::new_random(),
                to_agency_id: AgencyId::new_random(),
                state,
            });
        }
        all
    }

    #[test]
    fn every_notice_reads_back_as_itself() {
        for notice in every_notice() {
            let back = Notice::from_row(notice.topic(), &notice.payload()).unwrap();
            assert_eq!(back, notice);
        }
    }

    #[test]
    fn payloads_queued_before_the_types_still_read() {
        let referral = ReferralId::new_random();
        let (from, to) = (AgencyId::new_random(), AgencyId::new_random());
        let old = serde_json::json!({
            "agency_id": to, "roles": ["coordinator"],
            "about": { "referral_id": referral, "from_agency_id": from, "to_agency_id": to,
                       "state": "declined", "reason": null },
        });
        let Notice::Referral { about, .. } = Notice::from_row("referral_decided", &old).unwrap()
        else {
            panic!("a referral notice")
        };
        assert_eq!(about.state, Some(ReferralState::Declined));
        assert_eq!(about.reason, None);
        let scrubbed =
            serde_json::json!({ "user_id": UserId::new_random(), "token_scrubbed": true });
        assert!(matches!(
            Notice::from_row("invitation", &scrubbed),
            Ok(Notice::AccountLink { token: None, .. })
        ));
    }

    #[test]
    fn unknown_topics_fields_and_codes_are_refused() {
        let ok = every_notice().remove(0);
        assert!(Notice::from_row("party", &ok.payload()).is_err());
        let mut extra = ok.payload();
        extra["name"] = serde_json::json!("Iva");
        assert!(Notice::from_row(ok.topic(), &extra).is_err());
        let mut bad = ok.payload();
        bad["roles"] = serde_json::json!(["king"]);
        assert!(Notice::from_row(ok.topic(), &bad).is_err());
    }

    #[test]
    fn scrubbing_drops_the_token_and_nothing_else() {
        let with = Notice::AccountLink {
            topic: LinkTopic::PasswordReset,
            user_id: UserId::new_random(),
            token: Some("geheim".into()),
        };
        let without = with.scrubbed().unwrap();
        assert!(!without.payload().to_string().contains("geheim"));
        assert_eq!(without.payload()["token_scrubbed"], true);
        assert!(without.scrubbed().is_none());
        assert!(every_notice()[0].scrubbed().is_none());
    }
}
