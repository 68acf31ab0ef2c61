//! Sending one built message: over SMTP (STARTTLS, implicit TLS, or plain to a
//! loopback address only) with a connection pool, or as one `.eml` file per message in
//! the embedded setup. Messages are built by `lettre`'s typed builder, so a header
//! cannot be injected through a value.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Why a message was not sent (the text never holds the message).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailerError(pub String);

/// Something that sends built messages.
pub trait Mailer: Send + Sync {
    /// Sends one message; `Ok` once the server (or the file) accepted it.
    fn send(&self, message: &Message) -> Result<(), MailerError>;
}

/// Transport security towards the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// STARTTLS, required.
    Starttls,
    /// Implicit TLS.
    Tls,
    /// None: only to a loopback address.
    None,
}

/// An SMTP server to send through.
#[derive(Debug, Clone)]
pub struct SmtpOptions {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub security: Security,
    /// User name and password, if the server wants them.
    pub credentials: Option<(String, String)>,
    /// Connection and command timeout.
    pub timeout: Duration,
}

/// Sends over SMTP with a pooled connection.
pub struct SmtpMailer(SmtpTransport);

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpMailer")
    }
}

impl SmtpMailer {
    /// A mailer for `options`; plain SMTP is refused unless the host is a loopback
    /// address.
    pub fn new(options: &SmtpOptions) -> Result<Self, MailerError> {
        let fail = |e: lettre::transport::smtp::Error| MailerError(format!("SMTP setup: {e}"));
        let mut builder = match options.security {
            Security::Starttls => SmtpTransport::starttls_relay(&options.host).map_err(fail)?,
            Security::Tls => SmtpTransport::relay(&options.host).map_err(fail)?,
            Security::None => {
                let loopback = options.host == "localhost"
                    || options
                        .host
                        .parse::<IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                if !loopback {
                    return Err(MailerError(
                        "plain SMTP is allowed only to a loopback address".into(),
                    ));
                }
                SmtpTransport::builder_dangerous(&options.host)
            }
        };
        if options.security == Security::Tls {
            let tls = TlsParameters::new(options.host.clone()).map_err(fail)?;
            builder = builder.tls(Tls::Wrapper(tls));
        }
        builder = builder.port(options.port).timeout(Some(options.timeout));
        if let Some((user, password)) = &options.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self(builder.build()))
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, message: &Message) -> Result<(), MailerError> {
        self.0
            .send(message)
            .map(|_| ())
            .map_err(|e| MailerError(format!("SMTP: {e}")))
    }
}

/// Writes one `.eml` file per message into a folder.
pub struct FileMailer(FileTransport);

impl std::fmt::Debug for FileMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileMailer")
    }
}

impl FileMailer {
    /// A mailer writing into `dir`, which is created if missing.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, MailerError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailerError(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self(FileTransport::new(dir)))
    }
}

impl Mailer for FileMailer {
    fn send(&self, message: &Message) -> Result<(), MailerError> {
        self.0
            .send(message)
            .map(|_| ())
            .map_err(|e| MailerError(format!("mail file: {e}")))
    }
}
