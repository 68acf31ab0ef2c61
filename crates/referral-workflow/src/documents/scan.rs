//! The malware scan of uploaded documents: a job that hands each document waiting for
//! its scan to the scanner and records the verdict.
//!
//! A clean document becomes downloadable; one the scanner finds something in is
//! quarantined (kept encrypted with the case, never served) and its uploader is told by
//! email and on the case's timeline. A scanner that cannot be reached or fails leaves
//! the document waiting, not served, for the next run: nothing is served unscanned.
//! The scanner itself is an edge's (the server speaks to ClamAV); the job only sees
//! [`Scanner`].

use crate::support::{Env, event, record, timeline};
use crate::{UseCaseError, WorkflowConfig};
use chrono::{DateTime, Utc};
use schakel_audit::ActionKind;
use schakel_auth::RequestContext;
use schakel_crypto::field_aad;
use schakel_domain::{Notice, ScanState};
use schakel_store::casework::cases;
use schakel_store::casework::documents::{self, Document};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::{DbConn, write_tx};

/// Documents scanned per run at most (the next run takes the rest).
const PER_RUN: usize = 50;

/// What a scanner said of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing found.
    Clean,
    /// Malware found: the signature's name.
    Found(String),
}

/// A scan that reached no verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanFailure {
    /// The scanner could not be reached or did not answer in time: no document can be
    /// scanned now, so the run stops.
    #[error("malware scanner unreachable: {0}")]
    Unreachable(String),
    /// The scanner answered, but without a verdict on this file (too large for it, an
    /// error of its own): the run goes on with the next document, and this one waits
    /// behind the others for the next run.
    #[error("malware scanner gave no verdict: {0}")]
    NoVerdict(String),
}

/// A malware scanner.
pub trait Scanner: Send + Sync {
    /// Scans one file's content.
    fn scan(&self, content: &[u8]) -> Result<Verdict, ScanFailure>;
}

/// What a run of the scan job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Documents found clean.
    pub clean: usize,
    /// Documents quarantined.
    pub quarantined: usize,
    /// Scans that reached no verdict.
    pub failed: usize,
    /// Why the scanner could not be reached, if the run stopped for it.
    pub unreachable: Option<String>,
    /// Why the last scan without a verdict had none.
    pub failure: Option<String>,
}

/// Scans the documents waiting for a scan (those that failed least often first, then the
/// oldest), each verdict in its own transaction; stops when the scanner cannot be
/// reached, and goes on past a file it gives no verdict on.
pub fn scan_pending(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    scanner: &dyn Scanner,
    now: DateTime<Utc>,
) -> Result<ScanReport, UseCaseError> {
    let ctx = RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let mut report = ScanReport::default();
    let waiting = documents::pending(conn, i64::try_from(PER_RUN).unwrap_or(50))?;
    for doc in waiting {
        let Some(sealed) = documents::content(conn, doc.id)? else {
            continue;
        };
        let content = cfg.keys.decrypt_bytes(
            &sealed,
            &field_aad("case_documents", "content", &doc.id.to_string()),
        )?;
        match scanner.scan(&content) {
            Ok(verdict) => {
                let quarantined = matches!(verdict, Verdict::Found(_));
                if write_tx(conn, |conn| record_verdict(conn, &env, &doc, &verdict))? {
                    if quarantined {
                        report.quarantined += 1;
                    } else {
                        report.clean += 1;
                    }
                }
            }
            Err(failure) => {
                write_tx(conn, |conn| {
                    documents::count_failed_scan(conn, doc.id).map_err(UseCaseError::from)
                })?;
                report.failed += 1;
                match failure {
                    ScanFailure::Unreachable(why) => {
                        report.unreachable = Some(why);
                        break;
                    }
                    ScanFailure::NoVerdict(why) => report.failure = Some(why),
                }
            }
        }
    }
    Ok(report)
}

/// A signature name as it may be stored and shown: letters, digits, `.`, `_`, `-`,
/// at most 100 of them.
fn finding(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(100)
        .collect()
}

/// Records a verdict with its audit entry, and for malware the timeline entry and the
/// uploader's email; `false` if the document was no longer waiting.
fn record_verdict(
    conn: &mut DbConn,
    env: &Env<'_>,
    doc: &Document,
    verdict: &Verdict,
) -> Result<bool, UseCaseError> {
    let (state, found) = match verdict {
        Verdict::Clean => (ScanState::Clean, None),
        Verdict::Found(name) => (ScanState::Quarantined, Some(finding(name))),
    };
    if !documents::record_verdict(conn, doc.id, state, found.as_deref(), env.now)? {
        return Ok(false);
    }
    let case = cases::find(conn, doc.case_id)?;
    let details = serde_json::json!({
        "document_id": doc.id,
        "scan_state": state,
        "finding": found,
    });
    if state == ScanState::Quarantined {
        timeline(
            conn,
            env,
            case.id,
            doc.agency_id,
            None,
            &[("document_quarantined", None, details.clone())],
        )?;
        let notice = Notice::DocumentQuarantined {
            user_id: doc.uploaded_by,
            case_id: case.id,
            document_id: doc.id,
        };
        outbox::enqueue(
            conn,
            &NewOutboxMessage {
                channel: Channel::Email,
                topic: notice.topic().to_owned(),
                payload: notice.payload(),
                available_at: env.now,
            },
            env.now,
        )?;
    }
    let e = event(
        None,
        "document.scan",
        ActionKind::Update,
        ("document", doc.id.to_string()),
    )?
    .with_purpose("malware_scan")
    .with_details(details);
    let e = crate::subjects::with_persons(conn, e, &[case.person_id])?;
    record(conn, env, e)?;
    Ok(true)
}
