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

/// A configuration problem, reported in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

fn fail(msg: impl Into<String>) -> ConfigError {
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
    /// The audit trail's signed checkpoints.
    pub audit: AuditSettings,
    /// Deadlines, retention and the platform's jobs.
    pub casework: crate::casework_settings::CaseworkSettings,
    /// The monitor's database and disclosure control.
    pub monitor: crate::monitor_settings::MonitorSettings,
}

/// Where the data lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// A SQLite file path (or `sqlite://path`), or a `postgres://` URL without password.
    pub url: String,
    /// A file holding the PostgreSQL password (alternative: `SCHAKEL_DATABASE__PASSWORD`,
    /// or a password inside `SCHAKEL_DATABASE__URL`).
    pub password_file: Option<PathBuf>,
    /// Most open connections per process.
    pub pool_size: u32,
    /// Seconds a request waits for a free connection.
    pub connect_timeout_secs: u64,
    /// The password, from the environment or `password_file` only.
    #[serde(skip)]
    pub password: Option<SecretString>,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "./data/schakel.db".into(),
            password_file: None,
            pool_size: 8,
            connect_timeout_secs: 10,
            password: None,
        }
    }
}

/// The HTTP listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// Address and port to listen on.
    pub bind: String,
    /// The address people reach the platform at (used in links in emails); by default
    /// `http://` followed by `bind`.
    pub public_url: Option<String>,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            workers: 0,
            shutdown_timeout_secs: 30,
            trusted_proxies: Vec::new(),
        }
    }
}

/// How email leaves the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTransport {
    /// One `.eml` file per message in `mail.dir` (the embedded default).
    File,
    /// An SMTP server.
    Smtp,
}

/// Outgoing email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// `file` or `smtp`.
    pub transport: MailTransport,
    /// Folder for `.eml` files when the transport is `file`.
    pub dir: PathBuf,
    /// The sender address.
    pub from: String,
    /// The SMTP server when the transport is `smtp`.
    pub smtp: SmtpSettings,
    /// Whether `serve` also delivers the outbox (turn off where `schakel worker` runs).
    pub dispatch: bool,
    /// Milliseconds between dispatcher runs when there is nothing to do.
    pub interval_ms: u64,
    /// Attempts before a message is given up on (a dead letter an admin can retry).
    pub max_attempts: i32,
    /// Seconds to wait after the first failed attempt; doubles per attempt.
    pub backoff_secs: u64,
    /// The longest wait between attempts, in seconds.
    pub backoff_max_secs: u64,
    /// The hour (UTC) at which daily digests are sent.
    pub digest_hour: u32,
    /// Messages a dispatcher claims at once.
    pub batch: i64,
    /// Seconds a claimed batch stays reserved for its dispatcher; a crashed
    /// dispatcher's messages are sent by another after this. Keep it well above the
    /// time a batch takes to send (`batch` × `smtp.timeout_secs` at worst).
    pub lease_secs: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: MailTransport::File,
            dir: "./data/mail".into(),
            from: "Schakel <noreply@schakel.invalid>".into(),
            smtp: SmtpSettings::default(),
            dispatch: true,
            interval_ms: 1000,
            max_attempts: 8,
            backoff_secs: 30,
            backoff_max_secs: 3600,
            digest_hour: 7,
            batch: 50,
            lease_secs: 300,
        }
    }
}

/// Transport security towards the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// STARTTLS, required.
    Starttls,
    /// Implicit TLS (usually port 465).
    Tls,
    /// No encryption: allowed only to a loopback address.
    None,
}

/// An SMTP server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpSettings {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub security: SmtpSecurity,
    /// User name, if the server wants authentication.
    pub username: Option<String>,
    /// A file holding the SMTP password (alternative: `SCHAKEL_MAIL__SMTP__PASSWORD`).
    pub password_file: Option<PathBuf>,
    /// Seconds before a connection attempt or command gives up.
    pub timeout_secs: u64,
    /// The password, from the environment or `password_file` only.
    #[serde(skip)]
    pub password: Option<SecretString>,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password_file: None,
            timeout_secs: 10,
            password: None,
        }
    }
}

/// Log output.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `json` (one object per line) or `pretty` (for people at a terminal).
    pub format: LogFormat,
    /// A filter such as `info` or `schakel=debug,info`.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Json,
            level: "info".into(),
        }
    }
}

/// The log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Pretty,
}

/// Keys for the audit trail's signed checkpoints (`schakel audit checkpoint` and
/// `schakel audit verify --checkpoint`). Read and checked only by the commands that need
/// them, so a server without them starts.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// A file holding the Ed25519 signing key of checkpoints: a 32-byte seed as 64 hex
    /// digits (e.g. `openssl rand -hex 32`). A secret: mode 0600, never printed.
    pub checkpoint_key_file: Option<PathBuf>,
    /// A file holding the public key checkpoints are verified against (64 hex digits),
    /// so an auditor can verify without the signing key; by default the public key of
    /// `checkpoint_key_file`.
    pub checkpoint_public_key_file: Option<PathBuf>,
}

impl Settings {
    /// The checkpoint signing key, from `audit.checkpoint_key_file`.
    pub fn checkpoint_signing_key(&self) -> Result<schakel_audit::SigningKey, ConfigError> {
        let path = self.audit.checkpoint_key_file.as_deref().ok_or_else(|| {
            fail(
                "audit.checkpoint_key_file is not set (SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE); \
                 it must name a file holding the checkpoint signing key",
            )
        })?;
        crate::keys::check_private(path, "audit.checkpoint_key_file").map_err(fail)?;
        schakel_audit::read_signing_key(path)
            .map_err(|e| fail(format!("audit.checkpoint_key_file: {e}")))
    }

    /// The key checkpoints are verified against: `audit.checkpoint_public_key_file`, or
    /// else the public half of `audit.checkpoint_key_file`.
    pub fn checkpoint_verifying_key(&self) -> Result<schakel_audit::VerifyingKey, ConfigError> {
        match &self.audit.checkpoint_public_key_file {
            Some(path) => schakel_audit::read_verifying_key(path)
                .map_err(|e| fail(format!("audit.checkpoint_public_key_file: {e}"))),
            None if self.audit.checkpoint_key_file.is_some() => {
                Ok(self.checkpoint_signing_key()?.verifying_key())
            }
            None => Err(fail(
                "verifying a checkpoint needs audit.checkpoint_public_key_file or \
                 audit.checkpoint_key_file",
            )),
        }
    }

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

    fn validate(&self) -> Result<(), ConfigError> {
        self.auth.validate().map_err(fail)?;
        self.data.validate().map_err(fail)?;
        self.casework.validate().map_err(fail)?;
        self.monitor.validate().map_err(fail)?;
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
