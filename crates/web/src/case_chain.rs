//! The chain section of the case page: where the person came from and where they went
//! on, one line per referral, as far as the viewer's agency may see it (agencies it did
//! not deal with by kind only, its own cases linked by their reference). Also where the
//! case itself came from, when the agency opened it from a referral it received. The
//! chain is read through the use case; nothing here changes data.

use crate::i18n::Texts;
use schakel_referral_workflow::views::{CaseChain, ChainParty, OriginView};

/// One side of a hop as the page shows it.
pub(crate) struct Side {
    /// The agency's name and kind, or its kind only.
    pub(crate) words: String,
    /// The viewer's own case there: its address and reference.
    pub(crate) case: Option<(String, String)>,
}

/// One hop as the page shows it.
pub(crate) struct ChainRow {
    pub(crate) from: Side,
    pub(crate) to: Side,
    pub(crate) sent_on: String,
    /// The referral's state and address, when the viewer's agency sent or received it.
    pub(crate) referral: Option<(String, String)>,
    /// Whether the hop leaves from the case on the page.
    pub(crate) here: bool,
}

/// Where the case came from, as the page shows it.
pub(crate) struct Origin {
    /// The referring agency's name, or its kind with "name not shown".
    pub(crate) agency: String,
    pub(crate) reference: Option<String>,
    /// The referral's address, for the agencies that sent or received it.
    pub(crate) referral: Option<String>,
}

fn side(t: Texts, p: &ChainParty) -> Side {
    let kind = t.code("kind", p.kind.as_str());
    let words = match &p.agency {
        Some(a) => format!("{} ({kind})", a.name),
        None => format!("{kind} ({})", t.get("chain.unnamed")),
    };
    let case = p
        .case_id
        .zip(p.case_reference.as_ref())
        .map(|(id, r)| (format!("/cases/{id}"), r.clone()));
    Side { words, case }
}

/// The hops of the chain, oldest first.
pub(crate) fn rows(t: Texts, chain: &CaseChain) -> Vec<ChainRow> {
    chain
        .hops
        .iter()
        .map(|h| ChainRow {
            from: side(t, &h.from),
            to: side(t, &h.to),
            sent_on: h.sent_on.format("%Y-%m-%d").to_string(),
            referral: h
                .referral_id
                .zip(h.state)
                .map(|(id, s)| (t.code("state", s.as_str()), format!("/referrals/{id}"))),
            here: h.from_this_case,
        })
        .collect()
}

/// Where the case came from.
pub(crate) fn origin(t: Texts, o: &OriginView) -> Origin {
    let agency = match &o.agency {
        Some(a) => a.name.clone(),
        None => format!(
            "{} ({})",
            t.code("kind", o.kind.as_str()),
            t.get("chain.unnamed")
        ),
    };
    Origin {
        agency,
        reference: o.case_reference.clone(),
        referral: o.referral_id.map(|r| format!("/referrals/{r}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_domain::{AgencyId, AgencyKind, CaseId, ReferralId, ReferralState, Region};
    use schakel_referral_workflow::views::{AgencyRef, ChainHop};

    #[test]
    fn named_agencies_show_their_name_others_their_kind_and_only_own_cases_link() {
        let t = Texts { lang: Lang::En };
        let own = CaseId::new_random();
        let referral = ReferralId::new_random();
        let chain = CaseChain {
            case_id: own,
            hops: vec![ChainHop {
                referral_id: Some(referral),
                state: Some(ReferralState::Accepted),
                from: ChainParty {
                    kind: AgencyKind::Municipality,
                    agency: Some(AgencyRef {
                        id: AgencyId::new_random(),
                        name: "Gemeente Utrecht".into(),
                        kind: AgencyKind::Municipality,
                        region: Region::MiddenNederland,
                    }),
                    case_id: Some(own),
                    case_reference: Some("2026-000001".into()),
                },
                to: ChainParty {
                    kind: AgencyKind::ShelterOther,
                    agency: None,
                    case_id: None,
                    case_reference: None,
                },
                sent_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
                from_this_case: true,
            }],
        };
        let rows = rows(t, &chain);
        assert_eq!(rows[0].from.words, "Gemeente Utrecht (municipality)");
        assert_eq!(
            rows[0].from.case,
            Some((format!("/cases/{own}"), "2026-000001".into()))
        );
        assert_eq!(rows[0].to.words, "other shelter (name not shown)");
        assert_eq!(rows[0].to.case, None);
        assert_eq!(
            rows[0].referral,
            Some(("accepted".into(), format!("/referrals/{referral}")))
        );
        assert!(rows[0].here);
    }
}
