//! Fixtures of the mail tests: the SMTP server the test command starts (maildev, read
//! back through its REST API), agencies and users with unique addresses, queued
//! outbox rows, and dispatchers sending to the server or to a closed port.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_notification::mailer::{Security, SmtpMailer, SmtpOptions};
use schakel_notification::{Dispatcher, NotifyConfig};
use schakel_store::DbConn;
use schakel_store::agencies::{self, Agency, NewAgency};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::users::{self, NewUser, User};
use std::sync::Arc;

/// The SMTP port and REST URL of the test SMTP server, or `None` outside CI when none
/// runs (in CI a missing server fails the test: the mail leg must really run).
pub fn smtp() -> Option<(u16, String)> {
    match (
        std::env::var("TEST_SMTP_PORT"),
        std::env::var("TEST_MAILDEV_URL"),
    ) {
        (Ok(port), Ok(url)) => Some((port.parse().expect("TEST_SMTP_PORT"), url)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI runs the mail tests: TEST_SMTP_PORT and TEST_MAILDEV_URL must be set")
        }
        _ => {
            eprintln!("no test SMTP server (TEST_SMTP_PORT, TEST_MAILDEV_URL): mail test not run");
            None
        }
    }
}

/// A user as the use cases see them (a session of its own).
pub fn actor(u: &schakel_store::users::User) -> schakel_domain::Actor {
    schakel_domain::Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: schakel_domain::SessionId::new_random(),
    }
}

/// A fixed start time.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A unique suffix for addresses, so parallel tests never read each other's mail.
pub fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

pub fn agency(conn: &mut DbConn, name: &str, kind: AgencyKind) -> Agency {
    let new = NewAgency {
        name: &format!("{name} {}", unique()),
        kind,
        region: Region::MiddenNederland,
        contact_email: "desk@agency.example",
    };
    agencies::insert(conn, &new, t0()).unwrap()
}

pub fn user(conn: &mut DbConn, agency: &Agency, role: Role, locale: &str) -> User {
    let email = format!("{role}-{locale}-{}@mail.example", unique());
    let new = NewUser {
        agency_id: agency.id,
        email: &email,
        display_name: "Test Gebruiker",
        role,
        locale,
        password_hash: None,
    };
    users::insert(conn, &new, t0()).unwrap()
}

/// Queues a `referral_received` email for the coordinators of `to`, as the workflow does.
pub fn queue_received(conn: &mut DbConn, from: &Agency, to: &Agency, at: DateTime<Utc>) {
    let notice = schakel_domain::Notice::Referral {
        topic: schakel_domain::ReferralTopic::Received,
        agency_id: to.id,
        user_id: None,
        roles: vec![schakel_domain::Role::Coordinator],
        about: schakel_domain::ReferralFacts {
            urgency: Some(schakel_domain::Urgency::Urgent),
            ..schakel_domain::ReferralFacts::of(
                schakel_domain::ReferralId::new_random(),
                from.id,
                to.id,
            )
        },
    };
    let message = NewOutboxMessage {
        channel: Channel::Email,
        topic: notice.topic().into(),
        payload: notice.payload(),
        available_at: at,
    };
    outbox::enqueue(conn, &message, at).unwrap();
}

/// Settings with short, predictable waits.
pub fn config(max_attempts: i32) -> NotifyConfig {
    let mut cfg = NotifyConfig::new(
        "Schakel <noreply@schakel.test>".parse().unwrap(),
        "https://schakel.test",
    );
    cfg.max_attempts = max_attempts;
    cfg.backoff_base = Duration::seconds(60);
    cfg.backoff_max = Duration::minutes(30);
    cfg.digest_hour = 7;
    cfg
}

/// A dispatcher sending to the test SMTP server on `port`.
pub fn dispatcher(port: u16, max_attempts: i32) -> Dispatcher {
    let mailer = SmtpMailer::new(&SmtpOptions {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        credentials: None,
        timeout: std::time::Duration::from_secs(5),
    })
    .unwrap();
    Dispatcher::new(config(max_attempts), Arc::new(mailer))
}

/// A dispatcher sending to a port where no server listens (an outage).
pub fn unreachable(max_attempts: i32) -> Dispatcher {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    dispatcher(port, max_attempts)
}

/// One delivered message as the SMTP server saw it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    /// The whole message as JSON (headers included), to search for leaks.
    pub raw: String,
}

/// Every message the server holds for `addresses`.
pub fn delivered_to(url: &str, addresses: &[&str]) -> Vec<Delivered> {
    let all: Vec<serde_json::Value> = reqwest::blocking::get(format!("{url}/email"))
        .unwrap()
        .json()
        .unwrap();
    all.into_iter()
        .filter_map(|m| {
            let to = m["to"][0]["address"].as_str()?.to_lowercase();
            addresses
                .iter()
                .any(|a| a.to_lowercase() == to)
                .then(|| Delivered {
                    subject: m["subject"].as_str().unwrap_or_default().to_owned(),
                    text: m["text"].as_str().unwrap_or_default().to_owned(),
                    html: m["html"].as_str().unwrap_or_default().to_owned(),
                    message_id: m["headers"]["message-id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    raw: m.to_string(),
                    to,
                })
        })
        .collect()
}
