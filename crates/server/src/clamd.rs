//! The malware scanner: the ClamAV daemon over TCP (its INSTREAM command), and the job
//! inside `schakel serve` and `schakel worker` that scans every document waiting for
//! its scan, every `documents.scan_interval_secs`.
//!
//! A daemon that is down, slow past `documents.scan_timeout_secs` or answers anything
//! but a verdict leaves the documents waiting and unserved; the job logs it (never a
//! document's content or title) and tries again at the next run.

use crate::documents_settings::DocumentsSettings;
use clamav_client::TransportProtocol;
use schakel_api::AppState;
use schakel_referral_workflow::documents::{ScanFailure, Scanner, Verdict, scan_pending};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The ClamAV daemon at an address, each connection bounded by a timeout.
#[derive(Debug, Clone)]
pub struct Clamd {
    address: String,
    timeout: Duration,
}

impl Clamd {
    /// The daemon the settings name.
    pub fn new(settings: &DocumentsSettings) -> Self {
        Clamd {
            address: settings.clamd_address.clone(),
            timeout: Duration::from_secs(settings.scan_timeout_secs),
        }
    }
}

impl TransportProtocol for Clamd {
    type Stream = TcpStream;

    fn connect(&self) -> std::io::Result<TcpStream> {
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
        for addr in self.address.to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(self.timeout))?;
                    stream.set_write_timeout(Some(self.timeout))?;
                    return Ok(stream);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Reads clamd's answer to INSTREAM: `stream: OK`, `stream: <name> FOUND`, or an error.
fn verdict(answer: &[u8]) -> Result<Verdict, ScanFailure> {
    let text = String::from_utf8_lossy(answer);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let body = text.strip_prefix("stream:").map(str::trim);
    match body {
        Some("OK") => Ok(Verdict::Clean),
        Some(found) if found.ends_with(" FOUND") => Ok(Verdict::Found(
            found.trim_end_matches(" FOUND").trim().to_owned(),
        )),
        _ => Err(ScanFailure::NoVerdict(format!("answer: {}", safe(text)))),
    }
}

/// At most 200 printable characters of a daemon's answer, for the log.
fn safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(200)
        .collect()
}

impl Scanner for Clamd {
    fn scan(&self, content: &[u8]) -> Result<Verdict, ScanFailure> {
        let answer = clamav_client::scan_buffer(content, self, None)
            .map_err(|e| ScanFailure::Unreachable(format!("clamd at {}: {e}", self.address)))?;
        verdict(&answer)
    }
}

/// Starts the scan job on the current runtime; it stops with it.
pub fn spawn(state: &AppState, settings: &DocumentsSettings) {
    let scanner = Clamd::new(settings);
    let period = Duration::from_secs(settings.scan_interval_secs);
    let state = state.clone();
    actix_web::rt::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut was_down = false;
        loop {
            interval.tick().await;
            let (st, sc) = (state.clone(), scanner.clone());
            let run = actix_web::web::block(move || {
                let mut conn = schakel_store::get_conn(&st.pool).map_err(|e| e.to_string())?;
                scan_pending(&mut conn, &st.workflow, &sc, st.clock.now())
                    .map_err(|e| e.to_string())
            })
            .await;
            match run {
                Ok(Ok(report)) => {
                    if report.clean + report.quarantined > 0 {
                        tracing::info!(
                            job = "document_scan",
                            clean = report.clean,
                            quarantined = report.quarantined,
                            "documents scanned"
                        );
                    }
                    if let Some(why) = &report.failure {
                        tracing::warn!(job = "document_scan", reason = %why, "the malware scanner gave no verdict on a document: it waits, unserved");
                    }
                    match (report.unreachable, was_down) {
                        (Some(why), false) => {
                            tracing::warn!(job = "document_scan", reason = %why, "malware scanner unreachable: documents wait unserved");
                            was_down = true;
                        }
                        (None, true) if report.clean + report.quarantined > 0 => {
                            tracing::info!(
                                job = "document_scan",
                                "malware scanner reachable again"
                            );
                            was_down = false;
                        }
                        _ => {}
                    }
                }
                Ok(Err(e)) => tracing::error!(job = "document_scan", error = %e, "job failed"),
                Err(e) => tracing::error!(job = "document_scan", error = %e, "job could not run"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamd_answers_read_as_verdicts() {
        assert_eq!(verdict(b"stream: OK\0"), Ok(Verdict::Clean));
        assert_eq!(
            verdict(b"stream: Schakel.Test.EICAR.UNOFFICIAL FOUND\0"),
            Ok(Verdict::Found("Schakel.Test.EICAR.UNOFFICIAL".into()))
        );
        assert!(verdict(b"INSTREAM size limit exceeded. ERROR\0").is_err());
        assert!(verdict(b"").is_err());
    }

    #[test]
    fn an_unreachable_daemon_is_a_failure_not_a_verdict() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = closed.local_addr().unwrap().to_string();
        drop(closed);
        let scanner = Clamd::new(&DocumentsSettings {
            clamd_address: address,
            scan_timeout_secs: 2,
            ..DocumentsSettings::default()
        });
        assert!(scanner.scan(b"%PDF-1.4").is_err());
    }
}
