//! The offender event: what a use case of the law-enforcement compartment tells the
//! monitor, through the outbox (the contract beside [`crate::MonitorEvent`]).
//!
//! Coarse attributes only: the quarter (no finer date), the agency's kind and the
//! investigation's region and forms, the suspect's age band, gender and group of the
//! country of birth, role, the decision and judgment codes and the sentence bands, the
//! whole days since the suspect was registered; the suspect's key (a pseudonym under
//! the suspects' own linkage key, or `u:` and the digest of an unlinkable record) and,
//! for a link made or taken away, the victim's key (under the victims' linkage key, as
//! the victims' events carry it). No id, no name, no free text. A link is told as a
//! change (made, taken away), which the monitor counts per suspect and victim: changes
//! commute, so the link between the two sides does not depend on the order in which
//! events arrive.

use serde::{Deserialize, Serialize};

use crate::offender::{
    BirthCountryGroup, CourtInstance, JudgmentOutcome, ProsecutionDecision, SentenceBand,
    SuspectRole, check_sentence,
};
use crate::pseudonym::UNLINKABLE_PREFIX;
use crate::{AgeBand, AgencyKind, ExploitationForm, Gender, Region};

crate::code_enum! {
    /// What happened to a suspect (the outbox row's topic).
    pub enum OffenderEventKind as "offender event kind" {
        /// A suspect was registered in an investigation.
        SuspectRegistered = "suspect_registered",
        /// The investigating agency handed the suspect to the prosecution.
        SuspectReferred = "suspect_referred",
        /// The prosecution decided on the suspect.
        ProsecutionDecided = "prosecution_decided",
        /// A court judged the suspect.
        JudgmentRecorded = "judgment_recorded",
        /// The suspect was linked to a victim's case or signal.
        VictimLinked = "victim_linked",
        /// Such a link was taken away (made in error).
        VictimUnlinked = "victim_unlinked",
    }
}

/// One offender event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffenderEvent {
    /// What happened.
    pub kind: OffenderEventKind,
    /// The quarter it happened in, `YYYY-Qn`.
    pub quarter: String,
    /// The kind of the agency that acted.
    pub agency_kind: AgencyKind,
    /// The investigation's region.
    pub region: Region,
    /// The investigation's exploitation forms (none: counted as `unknown`).
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The suspect's age band at the event.
    pub age_band: AgeBand,
    /// The suspect's gender.
    pub gender: Gender,
    /// The group of the suspect's country of birth.
    pub birth_country_group: BirthCountryGroup,
    /// The suspect's role in the network.
    pub role: SuspectRole,
    /// The decision, for `prosecution_decided`.
    pub decision: Option<ProsecutionDecision>,
    /// The judgment, for `judgment_recorded`.
    pub judgment: Option<JudgmentOutcome>,
    /// The court that judged, for `judgment_recorded`.
    pub instance: Option<CourtInstance>,
    /// The sentence's bands, for a conviction.
    #[serde(default)]
    pub sentence: Vec<SentenceBand>,
    /// Whole days from the suspect's registration to the decision or judgment.
    pub days_since_registration: Option<i64>,
    /// The suspect's key under the suspects' linkage key.
    pub suspect: String,
    /// For a link made or taken away: the victim's key (victims' linkage key).
    #[serde(default)]
    pub victim: Option<String>,
}

/// Why an offender event cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("offender event refused: {0}")]
pub struct InvalidOffenderEvent(pub String);

/// Whether `s` is a quarter as the monitor stores it: `YYYY-Qn`, year 1900 to 2999.
pub fn is_quarter(s: &str) -> bool {
    let Some((y, q)) = s.split_once("-Q") else {
        return false;
    };
    y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && y.parse::<u16>().is_ok_and(|y| (1900..=2999).contains(&y))
        && matches!(q, "1" | "2" | "3" | "4")
}

/// The quarter of a day, `YYYY-Qn`.
pub fn quarter_of(on: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-Q{}", on.year(), on.month0() / 3 + 1)
}

/// Whether `k` is a key as the monitor counts persons by: a SHA-256 hex digest, or
/// `u:` and one.
pub fn is_person_key(k: &str) -> bool {
    let digest = k.strip_prefix(UNLINKABLE_PREFIX).unwrap_or(k);
    digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())
}

impl OffenderEvent {
    /// The outbox row's payload.
    pub fn payload(&self) -> serde_json::Value {
        // Codes, numbers and strings only: serialising them cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads and checks an outbox payload: every code from its list, the quarter a real
    /// `YYYY-Qn`, the keys hex digests, the decision and judgment where (and only where)
    /// the kind has them, a sentence only with a conviction.
    pub fn from_payload(
        payload: &serde_json::Value,
    ) -> Result<OffenderEvent, InvalidOffenderEvent> {
        let e: OffenderEvent = serde_json::from_value(payload.clone())
            .map_err(|err| InvalidOffenderEvent(format!("shape: {err}")))?;
        e.check()?;
        Ok(e)
    }

    fn check(&self) -> Result<(), InvalidOffenderEvent> {
        let bad = |m: &str| Err(InvalidOffenderEvent(m.into()));
        if !is_quarter(&self.quarter) {
            return bad("quarter is not YYYY-Qn");
        }
        if !is_person_key(&self.suspect) {
            return bad("suspect is not a key");
        }
        let link = matches!(
            self.kind,
            OffenderEventKind::VictimLinked | OffenderEventKind::VictimUnlinked
        );
        match &self.victim {
            Some(v) if link && is_person_key(v) => {}
            None if !link => {}
            _ => return bad("a victim's key belongs to a link made or taken away only"),
        }
        let decided = self.kind == OffenderEventKind::ProsecutionDecided;
        let judged = self.kind == OffenderEventKind::JudgmentRecorded;
        if self.decision.is_some() != decided {
            return bad("a decision belongs to prosecution_decided only");
        }
        if self.judgment.is_some() != judged || self.instance.is_some() != judged {
            return bad("a judgment belongs to judgment_recorded only");
        }
        let checked = match self.judgment {
            Some(j) => check_sentence(j, &self.sentence)
                .map_err(|e| InvalidOffenderEvent(e.to_string()))?,
            None => Vec::new(),
        };
        if checked != self.sentence {
            return bad("a sentence without a conviction, or bands out of order or repeated");
        }
        if self.days_since_registration.is_some_and(|d| d < 0) {
            return bad("negative days since registration");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: OffenderEventKind) -> OffenderEvent {
        OffenderEvent {
            kind,
            quarter: "2026-Q2".into(),
            agency_kind: AgencyKind::Prosecution,
            region: Region::Rotterdam,
            exploitation_forms: vec![ExploitationForm::Sexual],
            age_band: AgeBand::From30To39,
            gender: Gender::Male,
            birth_country_group: BirthCountryGroup::NonEu,
            role: SuspectRole::Exploiter,
            decision: (kind == OffenderEventKind::ProsecutionDecided)
                .then_some(ProsecutionDecision::Summons),
            judgment: (kind == OffenderEventKind::JudgmentRecorded)
                .then_some(JudgmentOutcome::ConvictedTrafficking),
            instance: (kind == OffenderEventKind::JudgmentRecorded)
                .then_some(CourtInstance::FirstInstance),
            sentence: if kind == OffenderEventKind::JudgmentRecorded {
                vec![SentenceBand::Prison2To4Years]
            } else {
                vec![]
            },
            days_since_registration: Some(120),
            suspect: "c".repeat(64),
            victim: matches!(
                kind,
                OffenderEventKind::VictimLinked | OffenderEventKind::VictimUnlinked
            )
            .then(|| format!("u:{}", "b".repeat(64))),
        }
    }

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in OffenderEventKind::ALL {
            let e = event(*kind);
            assert_eq!(OffenderEvent::from_payload(&e.payload()), Ok(e));
        }
    }

    #[test]
    fn bad_events_are_refused() {
        let good = event(OffenderEventKind::JudgmentRecorded).payload();
        for (field, value) in [
            ("kind", serde_json::json!("arrest")),
            ("quarter", serde_json::json!("2026-Q5")),
            ("quarter", serde_json::json!("2026-03")),
            ("suspect", serde_json::json!("Jan Jansen")),
            ("victim", serde_json::json!("a".repeat(64))),
            ("decision", serde_json::json!("summons")),
            ("judgment", serde_json::Value::Null),
            ("sentence", serde_json::json!(["fine", "fine"])),
            ("sentence", serde_json::json!([])),
            ("days_since_registration", serde_json::json!(-1)),
            ("name", serde_json::json!("Jan")),
        ] {
            let mut bad = good.clone();
            bad[field] = value;
            assert!(OffenderEvent::from_payload(&bad).is_err(), "{field}");
        }
        let mut registered = event(OffenderEventKind::SuspectRegistered).payload();
        registered["sentence"] = serde_json::json!(["fine"]);
        assert!(OffenderEvent::from_payload(&registered).is_err());
        let mut linked = event(OffenderEventKind::VictimLinked).payload();
        linked["victim"] = serde_json::json!("Iva");
        assert!(OffenderEvent::from_payload(&linked).is_err());
        linked["victim"] = serde_json::Value::Null;
        assert!(OffenderEvent::from_payload(&linked).is_err());
    }

    #[test]
    fn quarters_are_checked_and_made_from_days() {
        assert!(is_quarter("2026-Q4") && !is_quarter("2026-Q0") && !is_quarter("26-Q1"));
        let d = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(quarter_of(d), "2026-Q3");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(quarter_of(d), "2026-Q4");
    }
}
