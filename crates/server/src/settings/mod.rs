//! Configuration: one `Settings` struct, layered defaults → TOML file → environment.
//!
//! Defaults serve the embedded setup (SQLite under `./data/`, mail to files,
//! `127.0.0.1:8080`). Unknown keys are refused. Secrets (passwords) are accepted only
//! from the environment or from a file named in the configuration, are held as
//! [`SecretString`] and are never printed: `check-config` shows them as redacted.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use schakel_store::DatabaseTarget;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

mod audit;
mod sections;
pub use sections::*;

/// A configuration problem, reported in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// A configuration problem with the message `msg`, on one line.
pub fn fail(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into().replace('\n', " "))
}

/// Environment variables that carry secrets: read directly, never through the layers.
const SECRET_ENV: &[(&str, &str)] = &[
    ("SCHAKEL_DATABASE__PASSWORD", "database.password"),
    ("SCHAKEL_MAIL__SMTP__PASSWORD", "mail.smtp.password"),
];

/// Everything `schakel` can be configured with.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The database.
    pub database: DatabaseSettings,
    /// The HTTP server.
    pub http: HttpSettings,
    /// Outgoing email.
    pub mail: MailSettings,
    /// Authentication: token keys, sessions, second factor, throttling.
    pub auth: crate::auth_settings::AuthSettings,
    /// Encryption of personal data at rest.
    pub data: crate::data_settings::DataSettings,
    /// Logging.
    pub log: LogSettings,
    /// The audit trail's entry key and signed checkpoints.
    pub audit: audit::AuditSettings,
    /// Deadlines, retention and the platform's jobs.
    pub casework: crate::casework_settings::CaseworkSettings,
    /// The monitor's database and disclosure control.
    pub monitor: crate::monitor_settings::MonitorSettings,
    /// Documents on cases: their size limit and the malware scanner.
    pub documents: crate::documents_settings::DocumentsSettings,
    /// Emergency access: who may break the glass, and for how long.
    pub emergency: crate::emergency_settings::EmergencySettings,
    /// The person's rights: which agencies keep their records whatever the person asks.
    pub rights: crate::rights_settings::RightsSettings,
    /// The demo's fictional world.
    pub demo: DemoSettings,
}

impl Settings {
    /// Loads defaults, then the TOML file (if given), then `SCHAKEL_*` environment
    /// variables; reads secrets from the environment and secret files; validates.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                fail(format!(
                    "cannot read configuration file {}: {e}",
                    path.display()
                ))
            })?;
            refuse_secrets_in_file(&text, path)?;
            figment = figment.merge(Toml::string(&text));
        }
        let ignored: Vec<&str> = std::iter::once("CONFIG")
            .chain(SECRET_ENV.iter().map(|(name, _)| &name["SCHAKEL_".len()..]))
            .collect();
        figment = figment.merge(Env::prefixed("SCHAKEL_").ignore(&ignored).split("__"));
        let mut settings: Settings = figment.extract().map_err(|e| fail(describe(e)))?;
        let secret = |name: &str| std::env::var(name).ok().map(SecretString::from);
        settings.database.password = secret("SCHAKEL_DATABASE__PASSWORD");
        settings.mail.smtp.password = secret("SCHAKEL_MAIL__SMTP__PASSWORD");
        settings.take_password_from_url()?;
        settings.read_secret_files()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Reads the text of a configuration file alone — the defaults, then the file; no
    /// environment variables, no secret files — and validates it as [`Settings::load`]
    /// does: a file that cannot be read as settings is refused with the setting at fault.
    pub fn from_file_text(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        refuse_secrets_in_file(text, path)?;
        let figment =
            Figment::from(Serialized::defaults(Settings::default())).merge(Toml::string(text));
        let mut settings: Settings = figment.extract().map_err(|e| fail(describe(e)))?;
        settings.take_password_from_url()?;
        settings.validate()?;
        Ok(settings)
    }

    /// A password inside the database URL (allowed only from the environment) moves
    /// into the secret, so the URL itself holds no secret.
    fn take_password_from_url(&mut self) -> Result<(), ConfigError> {
        let Ok(mut url) = url::Url::parse(&self.database.url) else {
            return Ok(());
        };
        let in_query = url
            .query_pairs()
            .find(|(k, _)| k == "password")
            .map(|(_, v)| v.into_owned());
        let found = match (url.password().map(percent_decode), in_query) {
            (Some(_), Some(_)) => {
                return Err(fail("database.url: a password is given twice"));
            }
            (Some(pw), None) => {
                url.set_password(None)
                    .map_err(|()| fail("database.url: cannot remove the password"))?;
                pw
            }
            (None, Some(pw)) => {
                let rest: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != "password")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                url.set_query(None);
                if !rest.is_empty() {
                    url.query_pairs_mut().extend_pairs(rest);
                }
                pw
            }
            (None, None) => return Ok(()),
        };
        if self.database.password.is_some() {
            return Err(fail(
                "the database password is given both in SCHAKEL_DATABASE__URL and in \
                 SCHAKEL_DATABASE__PASSWORD; give it once",
            ));
        }
        self.database.password = Some(SecretString::from(found));
        self.database.url = url.to_string();
        Ok(())
    }

    fn read_secret_files(&mut self) -> Result<(), ConfigError> {
        if let Some(path) = &self.database.password_file {
            if self.database.password.is_some() {
                return Err(fail(
                    "database.password_file is set, but a database password is also given \
                     in the environment; give it once",
                ));
            }
            self.database.password = Some(read_secret_file(path, "database.password_file")?);
        }
        if let Some(path) = &self.mail.smtp.password_file {
            if self.mail.smtp.password.is_some() {
                return Err(fail(
                    "mail.smtp.password_file is set, but SCHAKEL_MAIL__SMTP__PASSWORD is \
                     also given; give it once",
                ));
            }
            self.mail.smtp.password = Some(read_secret_file(path, "mail.smtp.password_file")?);
        }
        Ok(())
    }

    /// The use cases' settings over the loaded data keys and the law-enforcement
    /// compartment's keys (loaded here, checked to share no secret with the data keys).
    pub fn workflow(
        &self,
        keys: std::sync::Arc<schakel_crypto::MasterKeys>,
    ) -> Result<schakel_referral_workflow::WorkflowConfig, String> {
        let mut cfg = self.casework.workflow(keys, &self.data);
        cfg.law_enforcement = schakel_referral_workflow::config::LawEnforcementKeys {
            keys: self.data.load_law_enforcement()?,
            linkage_key_id: self.data.suspect_linkage_key.clone(),
        };
        cfg.document_max_bytes = self.documents.max_bytes;
        // Checked by `validate` when the settings were loaded.
        cfg.emergency = self.emergency.policy().unwrap_or_default();
        cfg.rights = self.rights.policy().unwrap_or_default();
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.auth.validate().map_err(fail)?;
        self.data.validate().map_err(fail)?;
        self.audit.validate().map_err(fail)?;
        self.casework.validate().map_err(fail)?;
        self.monitor.validate().map_err(fail)?;
        self.documents.validate().map_err(fail)?;
        self.emergency.validate().map_err(fail)?;
        self.rights.validate().map_err(fail)?;
        if self.demo.world_persons > 5000 {
            return Err(fail("demo.world_persons must be at most 5000"));
        }
        let target = DatabaseTarget::parse(&self.database.url)
            .map_err(|e| fail(format!("database.url: {e}")))?;
        if target.backend() == schakel_store::Backend::Sqlite && self.database.password.is_some() {
            return Err(fail(
                "database password given, but database.url is a SQLite file",
            ));
        }
        if self.database.pool_size == 0 {
            return Err(fail("database.pool_size must be at least 1"));
        }
        self.bind_address()?;
        let public = url::Url::parse(&self.public_url())
            .map_err(|e| fail(format!("http.public_url: not a URL ({e})")))?;
        if !matches!(public.scheme(), "http" | "https") {
            return Err(fail("http.public_url: must be an http:// or https:// URL"));
        }
        if self.mail.transport == MailTransport::Smtp
            && self.mail.smtp.security == SmtpSecurity::None
            && !is_loopback_host(&self.mail.smtp.host)
        {
            return Err(fail(
                "mail.smtp.security = \"none\" is allowed only towards a loopback address",
            ));
        }
        // The filter's parser slices its text by bytes and panics inside a character
        // of more than one byte: a filter is ASCII (targets, levels, `=`, `,`, spans).
        if !self.log.level.is_ascii() {
            return Err(fail(format!(
                "log.level: '{}' is not a log filter (only ASCII: e.g. `info` or \
                 `schakel=debug,info`)",
                self.log.level
            )));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level).map_err(|e| {
            fail(format!(
                "log.level: '{}' is not a log filter ({e})",
                self.log.level
            ))
        })?;
        if self.mail.smtp.password.is_some() && self.mail.smtp.username.is_none() {
            return Err(fail(
                "an SMTP password is set but mail.smtp.username is not",
            ));
        }
        if self.mail.max_attempts < 1 || self.mail.digest_hour > 23 || self.mail.interval_ms == 0 {
            return Err(fail(
                "mail.max_attempts must be at least 1, mail.digest_hour 0 to 23, mail.interval_ms at least 1",
            ));
        }
        if !(1..=1000).contains(&self.mail.batch) || self.mail.lease_secs == 0 {
            return Err(fail(
                "mail.batch must be 1 to 1000 and mail.lease_secs at least 1",
            ));
        }
        if !self.mail.from.contains('@') || self.mail.from.contains(['\r', '\n']) {
            return Err(fail("mail.from: not an email address"));
        }
        Ok(())
    }

    /// The address people reach the platform at.
    pub fn public_url(&self) -> String {
        self.http
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.http.bind))
    }

    /// The address to listen on.
    pub fn bind_address(&self) -> Result<SocketAddr, ConfigError> {
        self.http.bind.parse().map_err(|_| {
            fail(format!(
                "http.bind: '{}' is not an address:port such as 127.0.0.1:8080",
                self.http.bind
            ))
        })
    }

    /// The database to connect to, with the password put back into a PostgreSQL URL.
    pub fn database_target(&self) -> Result<DatabaseTarget, ConfigError> {
        let target = DatabaseTarget::parse(&self.database.url)
            .map_err(|e| fail(format!("database.url: {e}")))?;
        match (target, &self.database.password) {
            (DatabaseTarget::Postgres(url), Some(pw)) => {
                let mut url =
                    url::Url::parse(&url).map_err(|e| fail(format!("database.url: {e}")))?;
                url.set_password(Some(pw.expose_secret()))
                    .map_err(|()| fail("database.url: cannot carry a password"))?;
                Ok(DatabaseTarget::Postgres(url.to_string()))
            }
            (target, _) => Ok(target),
        }
    }

    /// The effective configuration as TOML, secrets shown only as set or not.
    pub fn redacted_toml(&self) -> Result<String, ConfigError> {
        let mut effective = self.clone();
        effective.http.public_url = Some(self.public_url());
        let mut out = toml::to_string_pretty(&effective)
            .map_err(|e| fail(format!("cannot print the configuration: {e}")))?;
        out.push_str("\n# secrets (from the environment or files; never printed)\n");
        for (label, set) in [
            ("database.password", self.database.password.is_some()),
            ("mail.smtp.password", self.mail.smtp.password.is_some()),
        ] {
            let shown = if set { "[redacted]" } else { "[not set]" };
            out.push_str(&format!("# {label} = {shown}\n"));
        }
        Ok(out)
    }
}

/// Refuses a configuration file that holds a secret itself.
fn refuse_secrets_in_file(text: &str, path: &Path) -> Result<(), ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        fail(format!(
            "{}: not valid TOML: {}",
            path.display(),
            e.message()
        ))
    })?;
    let get = |section: &str, key: &str| {
        table
            .get(section)
            .and_then(|s| s.get(key))
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
    };
    if table
        .get("mail")
        .and_then(|m| m.get("smtp"))
        .and_then(|s| s.get("password"))
        .is_some()
        || get("database", "password").is_some()
    {
        return Err(fail(format!(
            "{}: passwords may not be written in the configuration file; use the \
             environment or a *_file setting",
            path.display()
        )));
    }
    if let Some(url) = get("database", "url") {
        let has_password = url::Url::parse(&url)
            .is_ok_and(|u| u.password().is_some() || u.query_pairs().any(|(k, _)| k == "password"));
        if has_password {
            return Err(fail(format!(
                "{}: database.url contains a password; use SCHAKEL_DATABASE__PASSWORD or \
                 database.password_file",
                path.display()
            )));
        }
    }
    Ok(())
}

fn read_secret_file(path: &Path, setting: &str) -> Result<SecretString, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("{setting}: cannot read {}: {e}", path.display())))?;
    let value = text.trim_end_matches(['\r', '\n']);
    if value.is_empty() {
        return Err(fail(format!("{setting}: {} is empty", path.display())));
    }
    Ok(SecretString::from(value.to_owned()))
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

/// Figment's error, reduced to what names the problem.
fn describe(e: figment::Error) -> String {
    let mut msg = e.to_string();
    msg = msg.replace("default.", "");
    format!("invalid configuration: {msg}")
}
