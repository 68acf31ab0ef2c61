//! The `[emergency]` section: which agency kinds' case workers may break the glass
//! (read a case they have no access to, for a stated reason, reviewed afterwards) and
//! how long such an access lasts.

use schakel_domain::emergency::{DEFAULT_HOURS, MAX_HOURS};
use schakel_domain::{AgencyKind, EmergencyPolicy};
use serde::{Deserialize, Serialize};

/// Emergency access settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmergencySettings {
    /// The agency kinds whose caseworkers and coordinators may open an emergency access
    /// (agency kind codes; empty: nobody may).
    pub allowed_agency_kinds: Vec<String>,
    /// Hours an emergency access lasts (1 to 24).
    pub hours: i64,
}

impl Default for EmergencySettings {
    fn default() -> Self {
        let policy = EmergencyPolicy::default();
        Self {
            allowed_agency_kinds: policy
                .allowed_kinds
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            hours: DEFAULT_HOURS,
        }
    }
}

impl EmergencySettings {
    /// The policy the use cases apply, or what is wrong with the settings.
    pub fn policy(&self) -> Result<EmergencyPolicy, String> {
        if !(1..=MAX_HOURS).contains(&self.hours) {
            return Err(format!("emergency.hours must be 1 to {MAX_HOURS}"));
        }
        let allowed_kinds = self
            .allowed_agency_kinds
            .iter()
            .map(|k| {
                k.parse::<AgencyKind>().map_err(|_| {
                    format!("emergency.allowed_agency_kinds: `{k}` is not an agency kind")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EmergencyPolicy {
            allowed_kinds,
            duration: chrono::Duration::hours(self.hours),
        })
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<(), String> {
        self.policy().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_police_and_coordination_for_four_hours_and_typos_are_refused() {
        let d = EmergencySettings::default().policy().unwrap();
        assert_eq!(d, EmergencyPolicy::default());
        let typo = EmergencySettings {
            allowed_agency_kinds: vec!["polce".into()],
            ..EmergencySettings::default()
        };
        assert!(typo.validate().unwrap_err().contains("polce"));
        let long = EmergencySettings {
            hours: 48,
            ..EmergencySettings::default()
        };
        assert!(long.validate().is_err());
    }
}
