//! A person's identity: checked, encrypted as one document, and the keyed values made
//! from it (blind indexes, the similar index and the pseudonym).
//!
//! `Debug` never prints a field: an identity must not reach a log line.

use crate::support::{open, seal};
use crate::{Refusal, UseCaseError, WorkflowConfig};
use chrono::{Datelike, NaiveDate};
use schakel_domain::age::age_on;
use schakel_domain::pseudonym::{
    UNLINKABLE_PREFIX, canonical_identifiers, fold_name, unlinkable_record_text,
};
use schakel_domain::vocabulary::{is_country_code, nationality_group};
use schakel_domain::{AgeBand, Gender, NationalityGroup, PersonId};
use serde::{Deserialize, Serialize};

pub mod similar;

/// The longest name part accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest contact details accepted, in characters.
pub const MAX_CONTACT_CHARS: usize = 500;
/// The most nationalities or languages accepted.
pub const MAX_CODES: usize = 10;

/// Who a person is. Every field may be unknown.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Given names.
    #[serde(default)]
    pub given_names: Option<String>,
    /// Family name, with particles (`van der Berg`).
    #[serde(default)]
    pub family_name: Option<String>,
    /// Date of birth.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Age in years as stated, when the date of birth is unknown.
    #[serde(default)]
    pub stated_age: Option<u32>,
    /// When the age was stated (defaults to the day the person was observed, or for a
    /// case opened without a signal, the day it was recorded).
    #[serde(default)]
    pub age_stated_on: Option<NaiveDate>,
    /// Nationalities as ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub nationalities: Vec<String>,
    /// Whether the person is stateless.
    #[serde(default)]
    pub stateless: bool,
    /// Languages spoken, as ISO 639-1 codes.
    #[serde(default)]
    pub languages: Vec<String>,
    /// How to reach the person (address, phone), as free text.
    #[serde(default)]
    pub contact: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity { .. }")
    }
}

fn name(raw: &Option<String>, field: &'static str) -> Result<Option<String>, UseCaseError> {
    let Some(text) = raw.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_NAME_CHARS || text.chars().any(char::is_control) {
        return Err(UseCaseError::Invalid(field));
    }
    Ok(Some(text.to_owned()))
}

fn codes(
    raw: &[String],
    len: std::ops::RangeInclusive<usize>,
    upper: bool,
    field: &'static str,
) -> Result<Vec<String>, UseCaseError> {
    if raw.len() > MAX_CODES {
        return Err(UseCaseError::Invalid(field));
    }
    let mut out = Vec::with_capacity(raw.len());
    for c in raw {
        let c = c.trim();
        if !len.contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(UseCaseError::Invalid(field));
        }
        let c = if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Nationalities as ISO 3166-1 alpha-2 codes: a code of the wrong shape is invalid, a
/// well-formed one that names no country is refused as unknown.
fn nationalities(raw: &[String]) -> Result<Vec<String>, UseCaseError> {
    let codes = codes(raw, 2..=2, true, "nationalities")?;
    if codes.iter().any(|c| !is_country_code(c)) {
        return Err(UseCaseError::Refused(Refusal::UnknownCountry));
    }
    Ok(codes)
}

impl Identity {
    /// The identity checked and normalised as of `today`: names trimmed, codes in
    /// canonical case, dates plausible. A stated age without the day it was stated is
    /// taken as stated on `stated_on` (the day the person was observed): an age given
    /// for an earlier observation must not be read as today's.
    pub fn checked(
        &self,
        today: NaiveDate,
        stated_on: NaiveDate,
    ) -> Result<Identity, UseCaseError> {
        if let Some(dob) = self.date_of_birth
            && (dob > today || dob.year() < 1900)
        {
            return Err(UseCaseError::Invalid("date_of_birth"));
        }
        if self.stated_age.is_some_and(|a| a > 120) {
            return Err(UseCaseError::Invalid("stated_age"));
        }
        if self
            .age_stated_on
            .is_some_and(|d| d > today || d.year() < 1900)
        {
            return Err(UseCaseError::Invalid("age_stated_on"));
        }
        let contact =
            crate::support::free_text(self.contact.as_deref(), MAX_CONTACT_CHARS, "contact")?;
        Ok(Identity {
            given_names: name(&self.given_names, "given_names")?,
            family_name: name(&self.family_name, "family_name")?,
            date_of_birth: self.date_of_birth,
            stated_age: self.stated_age.filter(|_| self.date_of_birth.is_none()),
            age_stated_on: self
                .stated_age
                .filter(|_| self.date_of_birth.is_none())
                .map(|_| self.age_stated_on.unwrap_or(stated_on)),
            nationalities: nationalities(&self.nationalities)?,
            stateless: self.stateless,
            languages: codes(&self.languages, 2..=3, false, "languages")?,
            contact,
        })
    }

    /// Age in whole years on `on`, from the date of birth or the stated age (counted on
    /// from the day it was stated, or back when `on` is earlier).
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        if let Some(dob) = self.date_of_birth {
            return age_on(dob, on);
        }
        let (age, stated_on) = (self.stated_age?, self.age_stated_on?);
        match age_on(stated_on, on) {
            Some(since) => Some(age + since),
            None => age.checked_sub(age_on(on, stated_on)?),
        }
    }

    /// The age band on `on`.
    pub fn age_band(&self, on: NaiveDate) -> AgeBand {
        AgeBand::of_age(self.age_on(on))
    }

    /// The monitor's nationality group: Dutch if any nationality is, else EU/EEA/CH if
    /// any is, else non-EU; stateless or unknown without a nationality.
    pub fn nationality_group(&self) -> NationalityGroup {
        if self.nationalities.is_empty() {
            return nationality_group(None, self.stateless);
        }
        let groups: Vec<NationalityGroup> = self
            .nationalities
            .iter()
            .map(|n| nationality_group(Some(n), false))
            .collect();
        [
            NationalityGroup::Dutch,
            NationalityGroup::EuEeaCh,
            NationalityGroup::NonEu,
        ]
        .into_iter()
        .find(|g| groups.contains(g))
        .unwrap_or(NationalityGroup::Unknown)
    }

    /// The pseudonym under the linkage key, if there is enough to link on (a name and a
    /// full date of birth).
    pub fn pseudonym(
        &self,
        cfg: &WorkflowConfig,
        gender: Gender,
    ) -> Result<Option<String>, UseCaseError> {
        let canonical = canonical_identifiers(
            self.given_names.as_deref().unwrap_or(""),
            self.family_name.as_deref().unwrap_or(""),
            self.date_of_birth,
            gender,
        );
        canonical
            .map(|c| cfg.keys.pseudonym(&cfg.linkage_key_id, &c))
            .transpose()
            .map_err(UseCaseError::from)
    }

    /// The key person `id` is counted and audited under: its pseudonym when it can be
    /// linked, otherwise the key of its own record (an unlinkable record, counted once
    /// and never linked to another agency's).
    pub fn person_key(
        &self,
        cfg: &WorkflowConfig,
        gender: Gender,
        id: PersonId,
    ) -> Result<String, UseCaseError> {
        if let Some(p) = self.pseudonym(cfg, gender)? {
            return Ok(p);
        }
        let text = unlinkable_record_text(&id.to_string());
        let digest = cfg.keys.pseudonym(&cfg.linkage_key_id, &text)?;
        Ok(format!("{UNLINKABLE_PREFIX}{digest}"))
    }

    /// The blind index of the family name, to find the person by it within the agency.
    pub fn family_name_index(&self, cfg: &WorkflowConfig) -> Result<Option<String>, UseCaseError> {
        self.family_name
            .as_deref()
            .map(family_name_canonical)
            .filter(|c| !c.is_empty())
            .map(|c| {
                cfg.keys
                    .blind_index(&cfg.index_key_id, "person.family_name", &c)
            })
            .transpose()
            .map_err(UseCaseError::from)
    }

    /// The blind index of the date of birth.
    pub fn birth_date_index(&self, cfg: &WorkflowConfig) -> Result<Option<String>, UseCaseError> {
        birth_date_index(cfg, self.date_of_birth)
    }

    /// The blind index of the sound of the family name with the year of birth, to find
    /// similar persons within the agency (see [`similar`]); `None` without a
    /// family name that has a sound or without a date of birth.
    pub fn similar_index(&self, cfg: &WorkflowConfig) -> Result<Option<String>, UseCaseError> {
        match (self.family_name.as_deref(), self.date_of_birth) {
            (Some(name), Some(born)) => similar::similar_index(cfg, name, born.year()),
            _ => Ok(None),
        }
    }

    /// Encrypts the identity of person `id`.
    pub fn seal(&self, cfg: &WorkflowConfig, id: PersonId) -> Result<String, UseCaseError> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_string(self).map_err(|e| UseCaseError::Crypto(e.to_string()))?,
        );
        seal(cfg, "persons", "identity", &id, &json)
    }

    /// Decrypts the identity of person `id`.
    pub fn open(
        cfg: &WorkflowConfig,
        id: PersonId,
        sealed: &str,
    ) -> Result<Identity, UseCaseError> {
        let json = open(cfg, "persons", "identity", &id, sealed)?;
        serde_json::from_str(&json).map_err(|_| UseCaseError::Crypto("identity document".into()))
    }
}

/// A family name folded for the blind index (the same folding as the pseudonym).
pub fn family_name_canonical(name: &str) -> String {
    fold_name(name).join(" ")
}

/// The blind index of a date of birth.
pub fn birth_date_index(
    cfg: &WorkflowConfig,
    dob: Option<NaiveDate>,
) -> Result<Option<String>, UseCaseError> {
    dob.map(|d| {
        cfg.keys.blind_index(
            &cfg.index_key_id,
            "person.date_of_birth",
            &d.format("%Y-%m-%d").to_string(),
        )
    })
    .transpose()
    .map_err(UseCaseError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn identities_are_normalised_and_implausible_values_refused() {
        let today = d("2026-03-01");
        let raw = Identity {
            given_names: Some("  Ana ".into()),
            nationalities: vec!["ro".into(), "RO".into(), "nl".into()],
            languages: vec!["RO".into()],
            stated_age: Some(17),
            ..Identity::default()
        };
        let id = raw.checked(today, today).unwrap();
        assert_eq!(id.given_names.as_deref(), Some("Ana"));
        assert_eq!(id.nationalities, ["RO", "NL"]);
        assert_eq!(id.languages, ["ro"]);
        assert_eq!(id.age_stated_on, Some(today));
        assert_eq!(id.nationality_group(), NationalityGroup::Dutch);
        assert_eq!(id.age_on(d("2027-03-02")), Some(18));
        let future = Identity {
            date_of_birth: Some(d("2030-01-01")),
            ..Identity::default()
        };
        assert!(future.checked(today, today).is_err());
        let bad_code = Identity {
            nationalities: vec!["NLD".into()],
            ..Identity::default()
        };
        assert!(bad_code.checked(today, today).is_err());
        let no_country = Identity {
            nationalities: vec!["NL".into(), "zz".into()],
            ..Identity::default()
        };
        assert!(matches!(
            no_country.checked(today, today),
            Err(UseCaseError::Refused(Refusal::UnknownCountry))
        ));
        assert_eq!(format!("{raw:?}"), "Identity { .. }");
    }

    #[test]
    fn a_stated_age_without_its_day_is_taken_as_stated_when_observed() {
        let today = d("2026-03-01");
        let observed = d("2025-03-01");
        let raw = Identity {
            stated_age: Some(17),
            ..Identity::default()
        };
        let id = raw.checked(today, observed).unwrap();
        assert_eq!(id.age_stated_on, Some(observed));
        assert_eq!(id.age_on(observed), Some(17));
        assert_eq!(id.age_band(observed), AgeBand::From12To17);
        assert_eq!(id.age_on(today), Some(18));
        let later = Identity {
            stated_age: Some(30),
            age_stated_on: Some(today),
            ..Identity::default()
        };
        let later = later.checked(today, observed).unwrap();
        assert_eq!(later.age_on(observed), Some(29));
    }

    #[test]
    fn sealed_identities_open_only_for_their_own_person() {
        let cfg = WorkflowConfig::ephemeral();
        let id = Identity {
            family_name: Some("Zwartbles".into()),
            ..Identity::default()
        };
        let person = PersonId::new_random();
        let sealed = id.seal(&cfg, person).unwrap();
        assert!(!sealed.contains("Zwartbles"));
        assert_eq!(Identity::open(&cfg, person, &sealed).unwrap(), id);
        assert!(Identity::open(&cfg, PersonId::new_random(), &sealed).is_err());
    }
}
