//! The `[rights]` section: the agency kinds whose records an erasure request does not
//! override, because a retention duty of their own law applies (the police and
//! judicial data acts for the law-enforcement kinds, by default).

use schakel_domain::{AgencyKind, RightsPolicy};
use serde::{Deserialize, Serialize};

/// The person's rights settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RightsSettings {
    /// Agency kind codes whose records are kept until retention erases them, whatever
    /// the person asks (empty: every agency may erase on request).
    pub retention_duty_kinds: Vec<String>,
}

impl Default for RightsSettings {
    fn default() -> Self {
        Self {
            retention_duty_kinds: RightsPolicy::default()
                .retention_duty_kinds
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        }
    }
}

impl RightsSettings {
    /// The policy the use cases apply, or what is wrong with the settings.
    pub fn policy(&self) -> Result<RightsPolicy, String> {
        let retention_duty_kinds = self
            .retention_duty_kinds
            .iter()
            .map(|k| {
                k.parse::<AgencyKind>().map_err(|_| {
                    format!("rights.retention_duty_kinds: `{k}` is not an agency kind")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RightsPolicy {
            retention_duty_kinds,
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
    fn defaults_are_the_law_enforcement_kinds_and_typos_are_refused() {
        assert_eq!(
            RightsSettings::default().policy().unwrap(),
            RightsPolicy::default()
        );
        let typo = RightsSettings {
            retention_duty_kinds: vec!["polis".into()],
        };
        assert!(typo.validate().unwrap_err().contains("polis"));
    }
}
