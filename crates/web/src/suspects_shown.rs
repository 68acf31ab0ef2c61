//! A suspect as the pages show it, in the viewer's words: the identity, the victims
//! linked (links to the case and signal pages, for the investigating agency only: the
//! prosecution gets a count), the referrals to the prosecution and the decisions and
//! judgments. Pure translation of the use cases' views; what the viewer may do is
//! offered as forms here only where the policy lets the role try, and the use cases
//! decide again on every submission.

use crate::i18n::Texts;
use crate::suspect_referrals_rows::{Agencies, ReferralRow, referral_row};
use schakel_domain::{Action, Actor, Relationship, SentenceBand};
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::offenders::{StepView, SuspectReferralView, SuspectView};

/// A suspect's name as far as it is known.
pub(crate) fn name(t: Texts, i: &Identity) -> String {
    let parts: Vec<&str> = [i.given_names.as_deref(), i.family_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        t.get("investigations.no_name").to_owned()
    } else {
        parts.join(" ")
    }
}

/// A sentence's bands in words.
fn sentence_words(t: Texts, bands: &[SentenceBand]) -> String {
    bands
        .iter()
        .map(|b| t.code("sentence_band", b.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a decision or a judgment was, in words.
pub(crate) fn step_words(t: Texts, s: &StepView) -> String {
    match (s.decision, s.instance, s.outcome) {
        (Some(d), _, _) => t.code("investigations.decision", d.as_str()),
        (None, Some(i), Some(o)) => format!(
            "{}: {}",
            t.code("investigations.instance", i.as_str()),
            t.code("investigations.outcome", o.as_str())
        ),
        _ => String::new(),
    }
}

/// The last decision or judgment (by its date, then by when it was recorded), in
/// words with its date.
pub(crate) fn last_step(t: Texts, steps: &[StepView]) -> Option<String> {
    steps
        .iter()
        .max_by_key(|s| (s.dated_on, s.created_at))
        .map(|s| format!("{} ({})", step_words(t, s), s.dated_on.format("%Y-%m-%d")))
}

/// The newest referral of a suspect.
pub(crate) fn latest(referrals: &[SuspectReferralView]) -> Option<&SuspectReferralView> {
    referrals.iter().max_by_key(|r| r.created_at)
}

/// A victim linked to the suspect.
pub(crate) struct VictimRow {
    pub(crate) link: String,
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) linked: String,
}

/// A decision or a judgment.
pub(crate) struct StepRow {
    pub(crate) on: String,
    pub(crate) kind: String,
    pub(crate) what: String,
    pub(crate) sentence: String,
}

/// The suspect page's content.
pub(crate) struct Shown {
    pub(crate) id: String,
    /// The investigation's page, for the investigating agency.
    pub(crate) investigation: Option<String>,
    pub(crate) reference: String,
    pub(crate) name: String,
    pub(crate) date_of_birth: Option<String>,
    pub(crate) stated_age: Option<String>,
    pub(crate) gender: String,
    pub(crate) country_of_birth: String,
    pub(crate) nationalities: String,
    pub(crate) role: String,
    pub(crate) registered_on: String,
    pub(crate) region: String,
    pub(crate) forms: String,
    pub(crate) investigator: bool,
    pub(crate) victims: Vec<VictimRow>,
    pub(crate) linked_victims: usize,
    pub(crate) referrals: Vec<ReferralRow>,
    pub(crate) steps: Vec<StepRow>,
    /// May link and unlink victims (the investigating agency's case workers).
    pub(crate) may_link: bool,
    /// May hand the suspect to the prosecution now (none of its referrals open).
    pub(crate) may_refer: bool,
    /// May record decisions and judgments (the prosecution, accepted or in progress).
    pub(crate) may_record: bool,
}

/// The page's content of `s` for `who`.
pub(crate) fn shown(t: Texts, who: &Actor, s: &SuspectView, names: &Agencies) -> Shown {
    let investigator = s.investigating_agency_id == who.agency_id;
    let own = Relationship::OwnAgency;
    let received = Relationship::ReceivingAgency;
    let i = &s.identity;
    let lang = t.lang;
    let open = s.referrals.iter().any(|r| r.state.is_open());
    let carried = s
        .referrals
        .iter()
        .any(|r| r.to_agency_id == who.agency_id && r.state.grants_case_access());
    let mut steps: Vec<&StepView> = s.steps.iter().collect();
    steps.sort_by_key(|st| (st.dated_on, st.created_at));
    let mut referrals: Vec<&SuspectReferralView> = s.referrals.iter().collect();
    referrals.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Shown {
        id: s.id.to_string(),
        investigation: investigator.then(|| format!("/investigations/{}", s.investigation_id)),
        reference: s.investigation_reference.clone(),
        name: name(t, i),
        date_of_birth: i.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string()),
        stated_age: i.stated_age.map(|a| a.to_string()),
        gender: t.code("gender", s.gender.as_str()),
        country_of_birth: match &s.country_of_birth {
            Some(c) => crate::names::country(lang, c),
            None => t.code("investigations.birth", s.birth_country_group.as_str()),
        },
        nationalities: crate::names::countries(lang, &i.nationalities),
        role: t.code("investigations.role", s.role.as_str()),
        registered_on: s.registered_on.format("%Y-%m-%d").to_string(),
        region: t.code("region", s.region.as_str()),
        forms: crate::investigations::forms_words(t, &s.exploitation_forms),
        investigator,
        victims: s
            .victims
            .iter()
            .map(|v| {
                let (href, kind, id) = match (v.case_id, v.signal_id) {
                    (Some(c), _) => (format!("/cases/{c}"), "investigations.case", c.to_string()),
                    (None, Some(sg)) => (
                        format!("/signals/{sg}"),
                        "investigations.signal",
                        sg.to_string(),
                    ),
                    (None, None) => (String::new(), "investigations.case", String::new()),
                };
                let short: String = id.chars().take(8).collect();
                VictimRow {
                    link: v.id.to_string(),
                    href,
                    label: format!("{} {short}", t.get(kind)),
                    linked: crate::time::day(v.created_at),
                }
            })
            .collect(),
        linked_victims: s.linked_victims,
        referrals: referrals
            .into_iter()
            .map(|r| referral_row(t, who, r, names))
            .collect(),
        steps: steps
            .into_iter()
            .map(|st| StepRow {
                on: st.dated_on.format("%Y-%m-%d").to_string(),
                kind: t
                    .get(if st.decision.is_some() {
                        "investigations.step_decision"
                    } else {
                        "investigations.step_judgment"
                    })
                    .to_owned(),
                what: step_words(t, st),
                sentence: sentence_words(t, &st.sentence),
            })
            .collect(),
        may_link: investigator && who.may(Action::KeepInvestigation, own),
        may_refer: investigator && !open && who.may(Action::CreateReferral, own),
        may_record: !investigator && carried && who.may(Action::RecordProsecution, received),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_domain::{
        AgencyId, CourtInstance, JudgmentOutcome, ProsecutionDecision, ProsecutionStepId,
    };

    fn step(day: &str, decision: Option<ProsecutionDecision>) -> StepView {
        StepView {
            id: ProsecutionStepId::new_random(),
            agency_id: AgencyId::new_random(),
            decision,
            instance: decision.is_none().then_some(CourtInstance::FirstInstance),
            outcome: decision
                .is_none()
                .then_some(JudgmentOutcome::ConvictedTrafficking),
            sentence: Vec::new(),
            dated_on: crate::forms::date(day).unwrap(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn names_and_steps_read_in_words() {
        let t = Texts { lang: Lang::En };
        let mut i = Identity::default();
        assert_eq!(name(t, &i), t.get("investigations.no_name"));
        i.family_name = Some("Uitbuiter".into());
        assert_eq!(name(t, &i), "Uitbuiter");
        i.given_names = Some("Jan".into());
        assert_eq!(name(t, &i), "Jan Uitbuiter");
        let steps = [
            step("2026-04-20", Some(ProsecutionDecision::Summons)),
            step("2026-06-01", None),
        ];
        let last = last_step(t, &steps).unwrap();
        assert!(last.ends_with("(2026-06-01)"), "{last}");
        assert!(last.starts_with(&t.code("investigations.instance", "first_instance")));
        assert_eq!(
            step_words(t, &steps[0]),
            t.code("investigations.decision", "summons")
        );
        assert_eq!(last_step(t, &[]), None);
    }
}
