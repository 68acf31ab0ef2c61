//! The dispatcher: turns `email` outbox rows into one queued message per recipient, and
//! sends due messages — immediately, or collected into one daily digest for users who
//! asked for that.
//!
//! Delivery is at least once. A message is claimed under a lease and committed, sent
//! outside any transaction, then marked sent; a worker that dies in between leaves the
//! lease to run out, and the message is sent again with the same Message-ID, date and
//! content. A failed send waits with exponential backoff and jitter, and after
//! `max_attempts` becomes a dead letter an admin can retry. On PostgreSQL several
//! workers share the work (`FOR UPDATE SKIP LOCKED`); on SQLite one writer at a time.
//! `monitor` outbox rows are the monitor's sink's: this dispatcher never reads them.

use crate::NotifyConfig;
use crate::mailer::Mailer;
use crate::recipients::recipients;
use crate::templates::{self, Facts, Lang, Rendered};
use chrono::{DateTime, Duration, TimeZone, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use rand::Rng;
use schakel_domain::{AgencyId, Notice};
use schakel_store::mail_queue::{self, Mail, NewMail};
use schakel_store::outbox::{self, Channel};
use schakel_store::{DbConn, StoreError, agencies, users, write_tx};
use std::sync::Arc;

/// What went wrong in a dispatcher run (a failed send is not an error: it is retried).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The database failed; the run stops and the next one carries on.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Outbox rows turned into queued messages.
    pub fanned_out: usize,
    /// Messages sent (a digest counts once).
    pub sent: usize,
    /// Messages that failed and wait to be tried again.
    pub retried: usize,
    /// Messages and outbox rows given up on.
    pub failed: usize,
}

/// Delivers the outbox's emails.
#[derive(Clone)]
pub struct Dispatcher {
    cfg: NotifyConfig,
    mailer: Arc<dyn Mailer>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("cfg", &self.cfg)
            .finish()
    }
}

/// The next time the digest hour strikes after `now`.
pub fn next_digest_at(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let today = now.date_naive().and_hms_opt(hour.min(23), 0, 0);
    let at = today.map_or(now, |t| Utc.from_utc_datetime(&t));
    if at > now { at } else { at + Duration::days(1) }
}

impl Dispatcher {
    /// A dispatcher sending through `mailer`.
    pub fn new(cfg: NotifyConfig, mailer: Arc<dyn Mailer>) -> Self {
        Self { cfg, mailer }
    }

    /// The wait after attempt `attempts` failed: doubling from the base, capped, with
    /// ±20 % jitter.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
        let base = self.cfg.backoff_base.num_milliseconds().max(1);
        let wait = base
            .saturating_mul(1_i64 << exp)
            .min(self.cfg.backoff_max.num_milliseconds());
        let jitter: f64 = rand::thread_rng().gen_range(0.8..1.2);
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let ms = (wait as f64 * jitter) as i64;
        Duration::milliseconds(ms)
    }

    /// Turns every due `email` outbox row into queued messages; returns how many rows.
    pub fn fan_out_pending(
        &self,
        conn: &mut DbConn,
        now: DateTime<Utc>,
    ) -> Result<usize, NotifyError> {
        let mut total = 0;
        loop {
            let (done, failed) = self.fan_out(conn, now)?;
            total += done;
            if done + failed == 0 {
                return Ok(total);
            }
        }
    }

    /// Does everything due at `now`: fans out new outbox rows, sends due messages and
    /// due digests.
    pub fn run_once(
        &self,
        conn: &mut DbConn,
        now: DateTime<Utc>,
    ) -> Result<DispatchReport, NotifyError> {
        let mut report = DispatchReport::default();
        loop {
            let (done, failed) = self.fan_out(conn, now)?;
            report.fanned_out += done;
            report.failed += failed;
            if done + failed == 0 {
                break;
            }
        }
        // A long run claims its later batches at a later time, so their leases run
        // from when they are claimed, not from when the run began.
        let started = std::time::Instant::now();
        loop {
            let at = now + Duration::from_std(started.elapsed()).unwrap_or_default();
            let batch = write_tx(conn, |c| {
                mail_queue::claim(c, false, at, at + self.cfg.lease, self.cfg.batch)
            })?;
            if batch.is_empty() {
                break;
            }
            for mail in batch {
                self.send_one(conn, &[mail], at, false, &mut report)?;
            }
        }
        let digests = write_tx(conn, |c| {
            mail_queue::claim(c, true, now, now + self.cfg.lease, 10_000)
        })?;
        let mut by_user: Vec<(schakel_domain::UserId, Vec<Mail>)> = Vec::new();
        for mail in digests {
            match by_user.iter_mut().find(|(u, _)| *u == mail.user_id) {
                Some((_, list)) => list.push(mail),
                None => by_user.push((mail.user_id, vec![mail])),
            }
        }
        for (_, mails) in by_user {
            self.send_one(conn, &mails, now, true, &mut report)?;
        }
        Ok(report)
    }

    /// Turns one batch of `email` outbox rows into queued messages; returns (rows done,
    /// rows failed for want of a recipient).
    fn fan_out(
        &self,
        conn: &mut DbConn,
        now: DateTime<Utc>,
    ) -> Result<(usize, usize), NotifyError> {
        Ok(write_tx(conn, |conn| {
            let rows = outbox::claim(
                conn,
                Channel::Email,
                now,
                now + self.cfg.lease,
                self.cfg.batch,
            )?;
            let (mut done, mut failed) = (0, 0);
            for row in rows {
                let notice = match Notice::from_row(&row.topic, &row.payload) {
                    Ok(notice) => notice,
                    Err(e) => {
                        outbox::mark_failed(conn, &row.id, now, &e.to_string())?;
                        failed += 1;
                        continue;
                    }
                };
                let recipients = recipients(conn, &notice)?;
                if recipients.is_empty() {
                    outbox::mark_failed(conn, &row.id, now, "no active recipient")?;
                    failed += 1;
                    continue;
                }
                for (user, digest) in recipients {
                    let digest = digest
                        && matches!(
                            notice,
                            Notice::Referral { .. } | Notice::SuspectReferral { .. }
                        );
                    mail_queue::insert(
                        conn,
                        &NewMail {
                            outbox_id: &row.id,
                            user_id: user,
                            topic: &row.topic,
                            payload: &row.payload,
                            digest,
                            available_at: if digest {
                                next_digest_at(now, self.cfg.digest_hour)
                            } else {
                                now
                            },
                            created_at: row.created_at,
                        },
                    )?;
                }
                // A secret (the token of an account link) lives on only in the queued message,
                // and is scrubbed from there once sent or given up on.
                if let Some(scrubbed) = notice.scrubbed() {
                    outbox::set_payload(conn, &row.id, &scrubbed.payload())?;
                }
                outbox::mark_done(conn, &row.id, now)?;
                done += 1;
            }
            Ok::<_, StoreError>((done, failed))
        })?)
    }

    /// Sends one message (or, for a digest, one message for several queued ones) and
    /// records the outcome.
    fn send_one(
        &self,
        conn: &mut DbConn,
        mails: &[Mail],
        now: DateTime<Utc>,
        digest: bool,
        report: &mut DispatchReport,
    ) -> Result<(), NotifyError> {
        let Some(first) = mails.first() else {
            return Ok(());
        };
        let ids: Vec<String> = mails.iter().map(|m| m.id.clone()).collect();
        let outcome = self
            .build(conn, mails, digest)
            .and_then(|m| self.mailer.send(&m).map_err(|e| e.0));
        let attempts = mails.iter().map(|m| m.attempts).max().unwrap_or(1);
        write_tx(conn, |conn| {
            match &outcome {
                Ok(()) => {
                    mail_queue::mark_sent(conn, &ids, now)?;
                    report.sent += 1;
                }
                Err(e) if attempts >= self.cfg.max_attempts || e.starts_with("permanent:") => {
                    mail_queue::mark_failed(conn, &ids, e)?;
                    report.failed += ids.len();
                    tracing::warn!(mail = %first.id, attempts, error = %e, "message given up on");
                }
                Err(e) => {
                    mail_queue::reschedule(conn, &ids, now + self.backoff(attempts), e)?;
                    report.retried += ids.len();
                    tracing::info!(mail = %first.id, attempts, error = %e, "message will be retried");
                }
            }
            if outcome.is_ok() || attempts >= self.cfg.max_attempts {
                for m in mails {
                    if let Some(scrubbed) = scrub(&m.topic, &m.payload) {
                        mail_queue::set_payload(conn, &m.id, &scrubbed)?;
                    }
                }
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// Builds the message for `mails` (all of one recipient). Errors starting with
    /// `permanent:` will not get better by retrying.
    fn build(&self, conn: &mut DbConn, mails: &[Mail], digest: bool) -> Result<Message, String> {
        let first = mails.first().ok_or("permanent: nothing to send")?;
        let user = users::find(conn, first.user_id).map_err(|e| format!("recipient: {e}"))?;
        if !user.active {
            return Err("permanent: the recipient is no longer active".into());
        }
        let lang = Lang::of(&user.locale);
        let mut rendered = Vec::with_capacity(mails.len());
        for m in mails {
            let facts = self.facts(conn, m)?;
            let r = templates::render(&m.topic, lang, &facts)
                .ok_or_else(|| format!("permanent: no template for {}", m.topic))?;
            rendered.push(r);
        }
        let message: Rendered = if digest {
            templates::render_digest(&rendered, lang)
        } else {
            rendered
                .into_iter()
                .next()
                .ok_or("permanent: nothing to send")?
        };
        let to: Mailbox = user
            .email
            .parse()
            .map_err(|_| "permanent: the recipient's address is not valid".to_owned())?;
        let host = url::Url::parse(&self.cfg.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "schakel.invalid".into());
        let id = if digest {
            format!("<digest.{}@{host}>", first.id)
        } else {
            format!("<{}@{host}>", first.id)
        };
        Message::builder()
            .from(self.cfg.from.clone())
            .to(to)
            .subject(message.subject)
            .message_id(Some(id))
            .date(first.created_at.into())
            .multipart(MultiPart::alternative_plain_html(
                message.text,
                message.html,
            ))
            .map_err(|e| format!("permanent: message: {e}"))
    }

    /// What a message's template may say, from its notice. Errors starting with
    /// `permanent:` will not get better by retrying.
    fn facts(&self, conn: &mut DbConn, m: &Mail) -> Result<Facts, String> {
        let notice =
            Notice::from_row(&m.topic, &m.payload).map_err(|e| format!("permanent: {e}"))?;
        let name = |conn: &mut DbConn, id: AgencyId| {
            agencies::find(conn, id)
                .map(|a| a.name)
                .map_err(|e| format!("facts: {e}"))
        };
        Ok(match notice {
            Notice::AccountLink { topic, token, .. } => Facts {
                from: String::new(),
                to: String::new(),
                state: String::new(),
                reason: String::new(),
                urgency: String::new(),
                link: format!(
                    "{}/{}#token={}",
                    self.cfg.public_url,
                    topic.page(),
                    token.ok_or("permanent: the link's token is gone")?
                ),
            },
            Notice::SecondFactorReset { .. } => Facts {
                link: format!("{}/login", self.cfg.public_url),
                ..Facts::default()
            },
            Notice::DocumentQuarantined { case_id, .. } => Facts {
                link: format!("{}/cases/{case_id}", self.cfg.public_url),
                ..Facts::default()
            },
            Notice::EmergencyAccess {
                agency_id,
                case_id,
                from_agency_id,
                ground,
            } => Facts {
                from: name(conn, from_agency_id)?,
                to: name(conn, agency_id)?,
                reason: ground.as_str().to_owned(),
                link: format!("{}/cases/{case_id}", self.cfg.public_url),
                ..Facts::default()
            },
            Notice::SuspectReferral {
                topic,
                from_agency_id,
                to_agency_id,
                state,
                ..
            } => Facts {
                from: name(conn, from_agency_id)?,
                to: name(conn, to_agency_id)?,
                state: state.map(|s| s.as_str()).unwrap_or_default().to_owned(),
                link: suspects_link(&self.cfg.public_url, topic),
                ..Facts::default()
            },
            Notice::Referral { about, .. } => Facts {
                from: name(conn, about.from_agency_id)?,
                to: name(conn, about.to_agency_id)?,
                state: about
                    .state
                    .map(|s| s.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                reason: about
                    .reason
                    .map(|r| r.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                urgency: about
                    .urgency
                    .map(|u| u.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                link: format!("{}/referrals/{}", self.cfg.public_url, about.referral_id),
            },
        })
    }
}

/// The page an email about a suspect handed over links to: the office's inbox of
/// suspects received, or the investigating agency's list of those it handed over.
fn suspects_link(public_url: &str, topic: schakel_domain::SuspectTopic) -> String {
    match topic {
        schakel_domain::SuspectTopic::Received => format!("{public_url}/suspect-referrals"),
        schakel_domain::SuspectTopic::Decided => {
            format!("{public_url}/suspect-referrals?box=sent")
        }
    }
}

/// The payload without its secret, if it has one.
fn scrub(topic: &str, payload: &serde_json::Value) -> Option<serde_json::Value> {
    let notice = Notice::from_row(topic, payload).ok()?;
    notice.scrubbed().map(|n| n.payload())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_hour_is_the_next_one_to_come() {
        let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap();
        assert_eq!(next_digest_at(at(6, 59), 7), at(7, 0));
        assert_eq!(next_digest_at(at(7, 0), 7), at(7, 0) + Duration::days(1));
        assert_eq!(next_digest_at(at(23, 0), 7), at(7, 0) + Duration::days(1));
    }

    #[test]
    fn secrets_are_scrubbed_and_other_payloads_left_alone() {
        let user = schakel_domain::UserId::new_random();
        let p = serde_json::json!({ "user_id": user, "token": "geheim" });
        let s = scrub("invitation", &p).unwrap();
        assert!(!s.to_string().contains("geheim"));
        assert_eq!(s["user_id"], p["user_id"]);
        let referral = Notice::Referral {
            topic: schakel_domain::ReferralTopic::Received,
            agency_id: AgencyId::new_random(),
            user_id: None,
            roles: vec![schakel_domain::Role::Coordinator],
            about: schakel_domain::ReferralFacts::of(
                schakel_domain::ReferralId::new_random(),
                AgencyId::new_random(),
                AgencyId::new_random(),
            ),
        };
        assert!(scrub(referral.topic(), &referral.payload()).is_none());
    }
}
