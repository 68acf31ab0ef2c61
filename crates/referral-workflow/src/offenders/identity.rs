//! A suspect's identity: the identity of the victims' side (names, date of birth or
//! stated age, nationalities, languages, contact) with the country of birth, checked,
//! encrypted as one document under the compartment's own keys, and the suspect's key
//! under the compartment's own linkage key. `Debug` never prints a field.

use crate::identity::Identity;
use crate::{Refusal, UseCaseError, WorkflowConfig};
use chrono::NaiveDate;
use schakel_crypto::{ExposeSecret, field_aad};
use schakel_domain::pseudonym::{UNLINKABLE_PREFIX, canonical_identifiers, unlinkable_record_text};
use schakel_domain::vocabulary::is_country_code;
use schakel_domain::{BirthCountryGroup, Gender, SuspectId};
use serde::{Deserialize, Serialize};

/// Who a suspect is. Every field may be unknown.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuspectIdentity {
    /// Names, date of birth or stated age, nationalities, languages, contact.
    #[serde(default)]
    pub person: Identity,
    /// The country of birth, as an ISO 3166-1 alpha-2 code.
    #[serde(default)]
    pub country_of_birth: Option<String>,
}

impl std::fmt::Debug for SuspectIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SuspectIdentity { .. }")
    }
}

impl SuspectIdentity {
    /// The identity checked and normalised as of `today` (a stated age taken as
    /// stated on `stated_on`, the day of registration).
    pub fn checked(
        &self,
        today: NaiveDate,
        stated_on: NaiveDate,
    ) -> Result<SuspectIdentity, UseCaseError> {
        let country = match self.country_of_birth.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) => {
                return Err(UseCaseError::Invalid("country_of_birth"));
            }
            Some(c) if !is_country_code(c) => {
                return Err(UseCaseError::Refused(Refusal::UnknownCountry));
            }
            Some(c) => Some(c.to_ascii_uppercase()),
        };
        Ok(SuspectIdentity {
            person: self.person.checked(today, stated_on)?,
            country_of_birth: country,
        })
    }

    /// The monitor's group of the country of birth.
    pub fn birth_country_group(&self) -> BirthCountryGroup {
        BirthCountryGroup::of_country(self.country_of_birth.as_deref())
    }

    /// The key the suspect is counted under: its pseudonym under the compartment's
    /// linkage key when there is a name and a full date of birth to link on, the key of
    /// its own record otherwise. Never the victims' key of the same identifiers.
    pub fn suspect_key(
        &self,
        cfg: &WorkflowConfig,
        gender: Gender,
        id: SuspectId,
    ) -> Result<String, UseCaseError> {
        let le = &cfg.law_enforcement;
        let canonical = canonical_identifiers(
            self.person.given_names.as_deref().unwrap_or(""),
            self.person.family_name.as_deref().unwrap_or(""),
            self.person.date_of_birth,
            gender,
        );
        if let Some(c) = canonical {
            return Ok(le.keys.pseudonym(&le.linkage_key_id, &c)?);
        }
        let text = unlinkable_record_text(&format!("suspect:{id}"));
        let digest = le.keys.pseudonym(&le.linkage_key_id, &text)?;
        Ok(format!("{UNLINKABLE_PREFIX}{digest}"))
    }

    /// Encrypts the identity of suspect `id` under the compartment's current key.
    pub fn seal(&self, cfg: &WorkflowConfig, id: SuspectId) -> Result<String, UseCaseError> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_string(self).map_err(|e| UseCaseError::Crypto(e.to_string()))?,
        );
        seal(cfg, "suspects", "identity", &id, &json)
    }

    /// Decrypts the identity of suspect `id`.
    pub fn open(
        cfg: &WorkflowConfig,
        id: SuspectId,
        sealed: &str,
    ) -> Result<SuspectIdentity, UseCaseError> {
        let json = open(cfg, "suspects", "identity", &id, sealed)?;
        serde_json::from_str(&json)
            .map_err(|_| UseCaseError::Crypto("suspect identity document".into()))
    }
}

/// Encrypts a value of the compartment, bound to `table`.`column` of row `id`.
pub(super) fn seal(
    cfg: &WorkflowConfig,
    table: &str,
    column: &str,
    id: &impl ToString,
    plain: &str,
) -> Result<String, UseCaseError> {
    let aad = field_aad(table, column, &id.to_string());
    Ok(cfg.law_enforcement.keys.encrypt(plain, &aad)?)
}

/// Decrypts what [`seal`] made.
pub(super) fn open(
    cfg: &WorkflowConfig,
    table: &str,
    column: &str,
    id: &impl ToString,
    sealed: &str,
) -> Result<zeroize::Zeroizing<String>, UseCaseError> {
    let aad = field_aad(table, column, &id.to_string());
    let secret = cfg.law_enforcement.keys.decrypt(sealed, &aad)?;
    Ok(zeroize::Zeroizing::new(secret.expose_secret().to_owned()))
}

/// The decrypted reference of an investigation.
pub(super) fn reference(
    env: &crate::support::Env<'_>,
    i: &schakel_store::offenders::investigations::Investigation,
) -> Result<String, UseCaseError> {
    Ok(
        open(env.cfg, "investigations", "reference", &i.id, &i.reference)?
            .as_str()
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn jan() -> SuspectIdentity {
        SuspectIdentity {
            person: Identity {
                given_names: Some("Jan".into()),
                family_name: Some("Jansen".into()),
                date_of_birth: Some(d("1980-05-05")),
                ..Identity::default()
            },
            country_of_birth: Some("ng".into()),
        }
    }

    #[test]
    fn one_identity_has_different_keys_on_the_two_sides() {
        let cfg = WorkflowConfig::ephemeral();
        let id = SuspectId::new_random();
        let suspect = jan().suspect_key(&cfg, Gender::Male, id).unwrap();
        let victim = jan().person.pseudonym(&cfg, Gender::Male).unwrap().unwrap();
        assert_ne!(suspect, victim);
        assert_eq!(
            suspect,
            jan()
                .suspect_key(&cfg, Gender::Male, SuspectId::new_random())
                .unwrap(),
            "the same suspect in two investigations is one person"
        );
        let nameless = SuspectIdentity::default()
            .suspect_key(&cfg, Gender::Male, id)
            .unwrap();
        assert!(nameless.starts_with(UNLINKABLE_PREFIX));
    }

    #[test]
    fn identities_open_only_under_the_compartments_keys_and_for_their_suspect() {
        let cfg = WorkflowConfig::ephemeral();
        let id = SuspectId::new_random();
        let sealed = jan().seal(&cfg, id).unwrap();
        assert!(!sealed.contains("Jansen"));
        assert_eq!(SuspectIdentity::open(&cfg, id, &sealed).unwrap(), jan());
        assert!(SuspectIdentity::open(&cfg, SuspectId::new_random(), &sealed).is_err());
        let victims_key = cfg
            .keys
            .decrypt(&sealed, &field_aad("suspects", "identity", &id.to_string()));
        assert!(victims_key.is_err(), "the victims' keys do not open it");
        assert_eq!(format!("{:?}", jan()), "SuspectIdentity { .. }");
    }

    #[test]
    fn the_country_of_birth_is_checked() {
        let today = d("2026-03-01");
        let ok = jan().checked(today, today).unwrap();
        assert_eq!(ok.country_of_birth.as_deref(), Some("NG"));
        assert_eq!(ok.birth_country_group(), BirthCountryGroup::NonEu);
        let mut bad = jan();
        bad.country_of_birth = Some("NGA".into());
        assert!(matches!(
            bad.checked(today, today),
            Err(UseCaseError::Invalid("country_of_birth"))
        ));
        bad.country_of_birth = Some("ZZ".into());
        assert!(matches!(
            bad.checked(today, today),
            Err(UseCaseError::Refused(Refusal::UnknownCountry))
        ));
    }
}
