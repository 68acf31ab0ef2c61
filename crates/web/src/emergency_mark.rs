//! How a page that shows a case reads for the viewer who broke the glass: the banner
//! that says so (the ground, until when in Netherlands time, that everything is recorded,
//! the owning agency informed and an auditor reviews it, and whether the person's
//! identity is shown), and which of the case page's forms and links the viewer may use.
//! A record restricted on the person's request reads frozen: its banner (since when, on
//! which ground), none of the forms that would change it, and for the agency's
//! coordinators the way to the page of the person's rights. The use cases decided what
//! the case view holds; nothing here changes data.

use crate::i18n::Texts;
use crate::session::Viewer;
use schakel_domain::{Action, Relationship};
use schakel_referral_workflow::views::{AccessKind, CaseView, EmergencyMark};

/// The banner of a case read through an emergency access.
pub(crate) struct Banner {
    /// What the access is and what follows from it.
    pub(crate) says: String,
    /// Whether the person's identity is shown on this ground.
    pub(crate) identity: &'static str,
}

/// How the viewer reads a case page: the banner of an emergency access, whether the
/// note form is theirs to use, whether the case's referrals link to their pages, the
/// banner of a restricted record (whose forms are all withheld: `writes` is false), and
/// whether the viewer answers the person's rights.
pub(crate) struct Reading {
    pub(crate) banner: Option<Banner>,
    pub(crate) writes_notes: bool,
    pub(crate) referral_links: bool,
    pub(crate) frozen: Option<String>,
    pub(crate) writes: bool,
    pub(crate) rights: bool,
}

/// The banner of `mark` in the words of `t`.
pub(crate) fn banner(t: Texts, mark: &EmergencyMark) -> Banner {
    Banner {
        says: t
            .get("emergency.banner")
            .replace(
                "{ground}",
                &t.code("emergency_ground", mark.ground.as_str()),
            )
            .replace("{until}", &crate::time::day_time(mark.expires_at)),
        identity: if mark.identity_shown {
            "emergency.banner_identity"
        } else {
            "emergency.banner_no_identity"
        },
    }
}

/// How `v` reads case `c`.
pub(crate) fn reading(v: &Viewer, c: &CaseView) -> Reading {
    let t = v.texts();
    let writes = c.restriction.is_none();
    Reading {
        banner: c.emergency.as_ref().map(|m| banner(t, m)),
        writes_notes: writes && v.actor.may(Action::WriteNote, c.access.relationship()),
        // An emergency reader sees where the person was referred, not the referrals.
        referral_links: c.access != AccessKind::Emergency,
        frozen: c.restriction.as_ref().map(|r| {
            t.get("case.restricted_banner")
                .replace("{since}", &crate::time::day_time(r.since))
                .replace("{ground}", &t.code("restriction_ground", r.ground.as_str()))
        }),
        writes,
        rights: c.access == AccessKind::Owner
            && v.actor
                .may(Action::AnswerPersonRights, Relationship::OwnAgency),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::TimeZone;
    use schakel_domain::{EmergencyAccessId, EmergencyGround};

    #[test]
    fn the_banner_names_the_ground_and_the_end_in_netherlands_time() {
        let mark = EmergencyMark {
            id: EmergencyAccessId::new_random(),
            ground: EmergencyGround::MissingPerson,
            identity_shown: true,
            started_at: chrono::Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(),
            expires_at: chrono::Utc.with_ymd_and_hms(2026, 7, 1, 13, 0, 0).unwrap(),
        };
        let b = banner(Texts { lang: Lang::Nl }, &mark);
        assert!(
            b.says.starts_with(
                "Noodtoegang: u ziet deze casus op grond van vermissing tot 2026-07-01 15:00."
            ),
            "{}",
            b.says
        );
        assert!(b.says.contains("een auditor beoordeelt deze toegang"));
        assert_eq!(b.identity, "emergency.banner_identity");
        let hidden = EmergencyMark {
            ground: EmergencyGround::UrgentCare,
            identity_shown: false,
            ..mark
        };
        let b = banner(Texts { lang: Lang::En }, &hidden);
        assert!(b.says.contains("urgent care"), "{}", b.says);
        assert_eq!(b.identity, "emergency.banner_no_identity");
    }
}
