//! Running the outbox's sinks: the monitor sink (monitor events into the monitor's
//! tables) and the mail dispatcher (emails), inside `schakel serve` by default, or
//! alone as `schakel worker` (with `mail.dispatch = false` on the serving instances).
//! Each run happens on the blocking pool; when a run found work the next one starts at
//! once, otherwise after `mail.interval_ms`.

use crate::settings::{MailTransport, Settings, SmtpSecurity};
use anyhow::{Context, anyhow};
use schakel_domain::Clock;
use schakel_monitor::MonitorSink;
use schakel_notification::mailer::{FileMailer, Security, SmtpMailer, SmtpOptions};
use schakel_notification::{Dispatcher, Mailer, NotifyConfig};
use schakel_store::Pool;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// The outbox's consumers, each taking its own channel.
#[derive(Debug, Clone)]
pub struct Sinks {
    /// Monitor events.
    pub monitor: MonitorSink,
    /// Emails.
    pub mail: Dispatcher,
}

/// What one run of the sinks did that matters to the loop.
struct Run {
    busy: bool,
}

impl Sinks {
    /// The sinks the settings describe; monitor events go to `monitor` when the monitor
    /// has a database of its own.
    pub fn new(settings: &Settings, monitor: Option<Pool>) -> anyhow::Result<Sinks> {
        let mail = dispatcher(settings)?;
        let m = &settings.mail;
        let sink = MonitorSink::new(
            chrono::Duration::seconds(i64::try_from(m.lease_secs).unwrap_or(300)),
            m.batch,
        );
        Ok(Sinks {
            monitor: match monitor {
                Some(pool) => sink.with_database(pool),
                None => sink,
            },
            mail,
        })
    }

    fn run_once(
        &self,
        conn: &mut schakel_store::DbConn,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Run, String> {
        let monitor = self
            .monitor
            .run_once(conn, now)
            .map_err(|e| e.to_string())?;
        if monitor.refused > 0 {
            tracing::warn!(refused = monitor.refused, "monitor events refused");
        }
        let r = self.mail.run_once(conn, now).map_err(|e| e.to_string())?;
        if r.sent + r.failed + r.retried > 0 {
            tracing::info!(
                sent = r.sent,
                retried = r.retried,
                failed = r.failed,
                "outbox dispatched"
            );
        }
        Ok(Run {
            busy: r.fanned_out + r.sent + monitor.recorded + monitor.refused > 0,
        })
    }
}

/// The mail dispatcher the settings describe.
pub fn dispatcher(settings: &Settings) -> anyhow::Result<Dispatcher> {
    let m = &settings.mail;
    let mailer: Arc<dyn Mailer> = match m.transport {
        MailTransport::File => Arc::new(FileMailer::new(&m.dir).map_err(|e| anyhow!("{e}"))?),
        MailTransport::Smtp => {
            let options = SmtpOptions {
                host: m.smtp.host.clone(),
                port: m.smtp.port,
                security: match m.smtp.security {
                    SmtpSecurity::Starttls => Security::Starttls,
                    SmtpSecurity::Tls => Security::Tls,
                    SmtpSecurity::None => Security::None,
                },
                credentials: m.smtp.username.clone().map(|u| {
                    let password = m
                        .smtp
                        .password
                        .as_ref()
                        .map(|p| p.expose_secret().to_owned())
                        .unwrap_or_default();
                    (u, password)
                }),
                timeout: Duration::from_secs(m.smtp.timeout_secs),
            };
            Arc::new(SmtpMailer::new(&options).map_err(|e| anyhow!("{e}"))?)
        }
    };
    let from = m.from.parse().context("mail.from: not a mailbox")?;
    let mut cfg = NotifyConfig::new(from, settings.public_url());
    cfg.max_attempts = m.max_attempts;
    cfg.backoff_base = chrono::Duration::seconds(i64::try_from(m.backoff_secs).unwrap_or(30));
    cfg.backoff_max = chrono::Duration::seconds(i64::try_from(m.backoff_max_secs).unwrap_or(3600));
    cfg.digest_hour = m.digest_hour;
    cfg.batch = m.batch;
    cfg.lease = chrono::Duration::seconds(i64::try_from(m.lease_secs).unwrap_or(300));
    Ok(Dispatcher::new(cfg, mailer))
}

/// Starts the sinks' loop on the current runtime; it stops with it.
pub fn spawn(pool: Pool, clock: Arc<dyn Clock>, sinks: Sinks, idle: Duration) {
    actix_web::rt::spawn(async move {
        loop {
            let (p, c, s) = (pool.clone(), clock.clone(), sinks.clone());
            let run = actix_web::web::block(move || {
                let mut conn = schakel_store::get_conn(&p).map_err(|e| e.to_string())?;
                s.run_once(&mut conn, c.now())
            })
            .await;
            let busy = match run {
                Ok(Ok(r)) => r.busy,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "dispatcher run failed");
                    false
                }
                Err(e) => {
                    tracing::error!(error = %e, "dispatcher could not run");
                    false
                }
            };
            if !busy {
                tokio::time::sleep(idle).await;
            }
        }
    });
}
