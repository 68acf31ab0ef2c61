//! The sections of the configuration: database, HTTP, mail (and its SMTP server),
//! logs, each with the defaults of the embedded setup.

use super::*;

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

/// The demo (`serve --demo` only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Fictional persons the demo world makes over the two years before its first start
    /// (0: none, only the one demo case); at most 5000.
    pub world_persons: u32,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self { world_persons: 300 }
    }
}
