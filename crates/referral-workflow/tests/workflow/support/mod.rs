//! Shared fixtures of the workflow's integration tests: four agencies and their users
//! made directly through `schakel_store`, a clock the tests move by hand, the use cases
//! called the way the API calls them, and raw reads of rows no use case shows (row
//! counts, the outbox, every text column).
//!
//! Each test file uses a part of this, hence `dead_code` is allowed here only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use schakel_auth::RequestContext;
use schakel_domain::{
    Actor, AgencyKind, DeclineReason, ExploitationForm, Gender, Palermo, ReferralAction,
    ReferralId, ReferralOutcome, ReferralPurpose, ReferralState, Region, ReportingBasis, Role,
    SessionId, Urgency,
};
use schakel_referral_workflow::cases::{self, OpenCaseInput};
use schakel_referral_workflow::idempotency::Created;
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::referrals::{self, ActionInput, ReferralInput};
use schakel_referral_workflow::signals::PersonInput;
use schakel_referral_workflow::views::{CaseView, ReferralView};
use schakel_referral_workflow::{Env, IfMatch, UseCaseError, WorkflowConfig, jobs};
use schakel_store::agencies::{self, Agency, NewAgency};
use schakel_store::schema::{audit_entries, case_events, outbox, referrals as referral_rows};
use schakel_store::testing::TestDb;
use schakel_store::users::{self, NewUser};
use schakel_store::{DbConn, PooledConn};
use std::cell::Cell;

/// Monday 2 March 2026, 09:00 UTC: every test's time starts here.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A date, from `YYYY-MM-DD`.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// How an actor's agency stands to the referral under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A coordinator of the sending agency.
    Sender,
    /// A coordinator of the receiving agency.
    Receiver,
    /// A coordinator of an agency with nothing to do with the referral.
    Unrelated,
}

impl Who {
    pub const ALL: [Who; 3] = [Who::Sender, Who::Receiver, Who::Unrelated];
}

/// The six actions `referrals::act` takes (expiry is the job's).
pub const ACTIONS: [ReferralAction; 6] = [
    ReferralAction::Accept,
    ReferralAction::Decline,
    ReferralAction::Withdraw,
    ReferralAction::Redirect,
    ReferralAction::Start,
    ReferralAction::Complete,
];

/// Four agencies, their users, settings and a hand-moved clock.
///
/// The sender is a care coordination point, the receiver a categorical shelter (a
/// consent for recipient kind `shelter` and purpose `shelter` covers it), the third
/// agency an NGO (redirect target), the unrelated one a police unit.
#[derive(Debug)]
pub struct World {
    pub cfg: WorkflowConfig,
    pub ctx: RequestContext,
    pub sender: Agency,
    pub receiver: Agency,
    pub third: Agency,
    pub unrelated: Agency,
    pub sender_caseworker: Actor,
    pub sender_coordinator: Actor,
    pub receiver_coordinator: Actor,
    pub receiver_caseworker: Actor,
    pub third_coordinator: Actor,
    pub unrelated_coordinator: Actor,
    clock: Cell<DateTime<Utc>>,
}

fn agency(conn: &mut DbConn, name: &str, kind: AgencyKind, region: Region) -> Agency {
    agencies::insert(
        conn,
        &NewAgency {
            name,
            kind,
            region,
            contact_email: "desk@agency.example",
        },
        t0(),
    )
    .unwrap()
}

fn actor(conn: &mut DbConn, agency: &Agency, email: &str, role: Role) -> Actor {
    let u = users::insert(
        conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Test User",
            role,
            locale: "nl",
            password_hash: None,
        },
        t0(),
    )
    .unwrap();
    Actor {
        user_id: u.id,
        agency_id: agency.id,
        role,
        session_id: SessionId::new_random(),
    }
}

impl World {
    /// The agencies and users, in a fresh database, with `cfg`.
    pub fn new(db: &TestDb, cfg: WorkflowConfig) -> Self {
        let mut conn = db.pool.get().unwrap();
        let c = &mut *conn;
        let sender = agency(
            c,
            "Zorgcoördinatie Test",
            AgencyKind::CareCoordination,
            Region::Amsterdam,
        );
        let receiver = agency(
            c,
            "Opvang Test",
            AgencyKind::ShelterCategorical,
            Region::Rotterdam,
        );
        let third = agency(
            c,
            "Stichting Test",
            AgencyKind::Ngo,
            Region::MiddenNederland,
        );
        let unrelated = agency(c, "Politie Test", AgencyKind::Police, Region::DenHaag);
        World {
            sender_caseworker: actor(c, &sender, "cw@sender.example", Role::Caseworker),
            sender_coordinator: actor(c, &sender, "co@sender.example", Role::Coordinator),
            receiver_coordinator: actor(c, &receiver, "co@receiver.example", Role::Coordinator),
            receiver_caseworker: actor(c, &receiver, "cw@receiver.example", Role::Caseworker),
            third_coordinator: actor(c, &third, "co@third.example", Role::Coordinator),
            unrelated_coordinator: actor(c, &unrelated, "co@unrelated.example", Role::Coordinator),
            sender,
            receiver,
            third,
            unrelated,
            cfg,
            ctx: RequestContext::default(),
            clock: Cell::new(t0()),
        }
    }

    /// The same agencies, users and time with other settings (other keys, say).
    pub fn with_config(&self, cfg: WorkflowConfig) -> World {
        World {
            cfg,
            ctx: RequestContext::default(),
            sender: self.sender.clone(),
            receiver: self.receiver.clone(),
            third: self.third.clone(),
            unrelated: self.unrelated.clone(),
            sender_caseworker: self.sender_caseworker,
            sender_coordinator: self.sender_coordinator,
            receiver_coordinator: self.receiver_coordinator,
            receiver_caseworker: self.receiver_caseworker,
            third_coordinator: self.third_coordinator,
            unrelated_coordinator: self.unrelated_coordinator,
            clock: Cell::new(self.now()),
        }
    }

    /// The environment of a request at `now`.
    pub fn env(&self, now: DateTime<Utc>) -> Env<'_> {
        Env {
            cfg: &self.cfg,
            ctx: &self.ctx,
            now,
        }
    }

    /// The clock's time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.get()
    }

    /// Moves the clock on by one minute and answers the new time.
    pub fn tick(&self) -> DateTime<Utc> {
        self.clock.set(self.clock.get() + Duration::minutes(1));
        self.clock.get()
    }

    /// Sets the clock (never backwards).
    pub fn set_now(&self, at: DateTime<Utc>) {
        assert!(
            at >= self.clock.get(),
            "the test clock never runs backwards"
        );
        self.clock.set(at);
    }

    /// The coordinator standing as `who` to the referrals of this world.
    pub fn actor(&self, who: Who) -> Actor {
        match who {
            Who::Sender => self.sender_coordinator,
            Who::Receiver => self.receiver_coordinator,
            Who::Unrelated => self.unrelated_coordinator,
        }
    }

    /// The identity every case of these tests is opened with, unless a test names its
    /// own.
    pub fn person(family_name: &str, dob: NaiveDate) -> PersonInput {
        PersonInput {
            identity: Identity {
                given_names: Some("Ana Maria".into()),
                family_name: Some(family_name.into()),
                date_of_birth: Some(dob),
                nationalities: vec!["RO".into()],
                languages: vec!["ro".into()],
                ..Identity::default()
            },
            gender: Gender::Female,
        }
    }

    /// Opens a case directly with a person, as the sender's caseworker, at `now`.
    pub fn open_case_at(
        &self,
        conn: &mut DbConn,
        person: PersonInput,
        notes: Option<&str>,
        now: DateTime<Utc>,
    ) -> CaseView {
        cases::open_case(
            conn,
            &self.env(now),
            &self.sender_caseworker,
            &OpenCaseInput {
                signal_id: None,
                person: Some(person),
                region: Some(Region::Amsterdam),
                exploitation_forms: Some(vec![ExploitationForm::Labour]),
                notes: notes.map(str::to_owned),
            },
            None,
        )
        .unwrap()
        .into_new()
        .unwrap()
    }

    /// Opens a case with the default person at the next tick.
    pub fn open_case(&self, conn: &mut DbConn) -> CaseView {
        let now = self.tick();
        self.open_case_at(
            conn,
            Self::person("Vermeulen", date("1990-06-15")),
            Some("Eerste gesprek gevoerd."),
            now,
        )
    }

    /// Refers `case` to the receiver (purpose `shelter`) as the sender's caseworker,
    /// without an idempotency key.
    pub fn send_at(
        &self,
        conn: &mut DbConn,
        case: schakel_domain::CaseId,
        urgency: Urgency,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReferralView, UseCaseError> {
        let env = self.env(now);
        let who = self.sender_caseworker;
        let input = ReferralInput {
            to_agency_id: self.receiver.id,
            purpose: ReferralPurpose::Shelter,
            urgency,
            message: message.map(str::to_owned),
        };
        match referrals::create_referral(conn, &env, &who, case, &input, None)? {
            Created::New { value, .. } => Ok(value),
            Created::Replayed { .. } => panic!("no key, no replay"),
        }
    }

    /// A new case with a referral to the receiver, sent at the next tick.
    pub fn sent(&self, conn: &mut DbConn, urgency: Urgency) -> ReferralView {
        let case = self.open_case(conn);
        let now = self.tick();
        self.send_at(conn, case.id, urgency, Some("Graag opvang regelen."), now)
            .unwrap()
    }

    /// Takes `action` on referral `id` as `who` at the next tick, with the input the
    /// action needs (a decline reason, a completion outcome, the third agency).
    pub fn act_as(
        &self,
        conn: &mut DbConn,
        who: &Actor,
        id: ReferralId,
        if_match: IfMatch,
        action: ReferralAction,
    ) -> Result<ReferralView, UseCaseError> {
        let now = self.tick();
        referrals::act(
            conn,
            &self.env(now),
            who,
            id,
            if_match,
            action,
            &self.input_for(action),
        )
    }

    /// The valid input of `action`.
    pub fn input_for(&self, action: ReferralAction) -> ActionInput {
        let mut input = ActionInput::default();
        match action {
            ReferralAction::Decline => input.reason = Some(DeclineReason::NoCapacity),
            ReferralAction::Complete => input.outcome = Some(ReferralOutcome::SupportProvided),
            ReferralAction::Redirect => input.to_agency_id = Some(self.third.id),
            _ => {}
        }
        input
    }

    /// Takes `action` as `who` from version `view.version`; panics unless it succeeds.
    pub fn step(
        &self,
        conn: &mut DbConn,
        who: Who,
        view: &ReferralView,
        action: ReferralAction,
    ) -> ReferralView {
        self.act_as(
            conn,
            &self.actor(who),
            view.id,
            IfMatch::Version(view.version),
            action,
        )
        .unwrap_or_else(|e| panic!("{action} by {who:?} on {}: {e}", view.state))
    }

    /// A fresh referral in `state`, reached through the use cases only: the receiver
    /// accepts, starts, completes, declines or redirects, the sender withdraws, and the
    /// deadline job expires an urgent one at its expiry.
    pub fn reach(&self, conn: &mut DbConn, state: ReferralState) -> ReferralView {
        use ReferralAction as A;
        use ReferralState as S;
        if state == S::Expired {
            let r = self.sent(conn, Urgency::Urgent);
            let at = self
                .cfg
                .deadlines
                .expires_at(Urgency::Urgent, r.deadline_at);
            self.set_now(at);
            jobs::expire_overdue(conn, &self.cfg, at).unwrap();
            let r = self.get(conn, r.id);
            assert_eq!(r.state, S::Expired, "the deadline job expires it");
            return r;
        }
        let sent = self.sent(conn, Urgency::Normal);
        let r = match state {
            S::Sent => sent,
            S::Accepted => self.step(conn, Who::Receiver, &sent, A::Accept),
            S::InProgress => {
                let a = self.step(conn, Who::Receiver, &sent, A::Accept);
                self.step(conn, Who::Receiver, &a, A::Start)
            }
            S::Completed => {
                let a = self.step(conn, Who::Receiver, &sent, A::Accept);
                self.step(conn, Who::Receiver, &a, A::Complete)
            }
            S::Declined => self.step(conn, Who::Receiver, &sent, A::Decline),
            S::Withdrawn => self.step(conn, Who::Sender, &sent, A::Withdraw),
            S::Redirected => self.step(conn, Who::Receiver, &sent, A::Redirect),
            S::Expired => unreachable!("handled above"),
        };
        assert_eq!(r.state, state);
        r
    }

    /// The referral as the sender's coordinator sees it now.
    pub fn get(&self, conn: &mut DbConn, id: ReferralId) -> ReferralView {
        let now = self.now();
        referrals::get_referral(conn, &self.env(now), &self.sender_coordinator, id).unwrap()
    }
}

/// A connection of the test database.
pub fn conn(db: &TestDb) -> PooledConn {
    db.pool.get().unwrap()
}

/// Rows of the tables a referral action writes, and the referral's state and version:
/// equal before and after an action that must change nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub referrals: i64,
    pub case_events: i64,
    pub outbox: i64,
    pub audit_success: i64,
    pub audit_denied: i64,
    pub state: String,
    pub version: i64,
}

/// Counts rows and reads the referral's stored state and version.
pub fn snapshot(conn: &mut DbConn, id: ReferralId) -> Snapshot {
    let (state, version) = referral_rows::table
        .find(id.to_string())
        .select((referral_rows::state, referral_rows::version))
        .first::<(String, i64)>(conn)
        .unwrap();
    Snapshot {
        referrals: referral_rows::table.count().get_result(conn).unwrap(),
        case_events: case_events::table.count().get_result(conn).unwrap(),
        outbox: outbox::table.count().get_result(conn).unwrap(),
        audit_success: audit_entries::table
            .filter(audit_entries::outcome.eq("success"))
            .count()
            .get_result(conn)
            .unwrap(),
        audit_denied: audit_entries::table
            .filter(audit_entries::outcome.eq("denied"))
            .count()
            .get_result(conn)
            .unwrap(),
        state,
        version,
    }
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub topic: String,
    pub payload: serde_json::Value,
}

/// Every outbox row, oldest first.
pub fn outbox_rows(conn: &mut DbConn) -> Vec<OutboxRow> {
    outbox::table
        .select((outbox::id, outbox::channel, outbox::topic, outbox::payload))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .load::<(String, String, String, String)>(conn)
        .unwrap()
        .into_iter()
        .map(|(id, channel, topic, payload)| OutboxRow {
            id,
            channel,
            topic,
            payload: serde_json::from_str(&payload).unwrap(),
        })
        .collect()
}

/// The outbox rows in `after` that are not in `before`.
pub fn new_rows(before: &[OutboxRow], after: &[OutboxRow]) -> Vec<OutboxRow> {
    after
        .iter()
        .filter(|r| !before.iter().any(|b| b.id == r.id))
        .cloned()
        .collect()
}

/// The emails among `rows` as (topic, addressed agency id).
pub fn emails(rows: &[OutboxRow]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.channel == "email")
        .map(|r| {
            let agency = match schakel_domain::Notice::from_row(&r.topic, &r.payload) {
                Ok(schakel_domain::Notice::Referral { agency_id, .. }) => agency_id.to_string(),
                other => panic!("not a referral email: {other:?}"),
            };
            (r.topic.clone(), agency)
        })
        .collect();
    out.sort();
    out
}

/// The topics of the monitor events among `rows`.
pub fn monitor_topics(rows: &[OutboxRow]) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .filter(|r| r.channel == "monitor")
        .map(|r| r.topic.clone())
        .collect();
    out.sort();
    out
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct TableColumn {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Nullable<Text>)]
    v: Option<String>,
}

/// Every value of every column of every table, cast to text, as
/// (`table.column`, value).
pub fn every_text_value(conn: &mut DbConn) -> Vec<(String, String)> {
    let columns: Vec<(String, String)> = match conn {
        DbConn::Sqlite(c) => {
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            )
            .load(c)
            .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let cols: Vec<Name> =
                    diesel::sql_query(format!("SELECT name FROM pragma_table_info('{}')", t.name))
                        .load(c)
                        .unwrap();
                out.extend(cols.into_iter().map(|col| (t.name.clone(), col.name)));
            }
            out
        }
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS t, column_name::text AS c \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             ORDER BY table_name, ordinal_position",
        )
        .load::<TableColumn>(c)
        .unwrap()
        .into_iter()
        .map(|tc| (tc.t, tc.c))
        .collect(),
    };
    assert!(
        columns
            .iter()
            .any(|(t, c)| t == "persons" && c == "identity"),
        "the scan sees the case-work tables: {columns:?}"
    );
    let mut values = Vec::new();
    for (t, c) in columns {
        let sql = format!("SELECT CAST(\"{c}\" AS TEXT) AS v FROM \"{t}\"");
        let rows: Vec<Value> = match conn {
            DbConn::Sqlite(x) => diesel::sql_query(sql).load(x).unwrap(),
            DbConn::Postgres(x) => diesel::sql_query(sql).load(x).unwrap(),
        };
        values.extend(
            rows.into_iter()
                .filter_map(|r| r.v)
                .map(|v| (format!("{t}.{c}"), v)),
        );
    }
    values
}

/// Whether a payload or value looks like it holds a day (`YYYY-MM-DD`) anywhere.
pub fn holds_a_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(10).any(|w| {
        w[..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[5..7].iter().all(u8::is_ascii_digit)
            && w[7] == b'-'
            && w[8..10].iter().all(u8::is_ascii_digit)
    })
}

/// Whether `text` is a month as the monitor keeps it: `YYYY-MM`.
pub fn is_month(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(
            &text[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// A signal input for the sender's agency (not anonymous) observed on `observed_on`.
pub fn signal_input(
    person: PersonInput,
    observed_on: NaiveDate,
    summary: Option<&str>,
) -> schakel_referral_workflow::signals::SignalInput {
    schakel_referral_workflow::signals::SignalInput {
        observed_on,
        region: Region::Amsterdam,
        exploitation_forms: vec![ExploitationForm::Labour, ExploitationForm::Criminal],
        indicators: Vec::new(),
        palermo: Palermo {
            act: true,
            means: true,
            purpose: true,
        },
        reporting_basis: ReportingBasis::Consent,
        summary: summary.map(str::to_owned),
        person: Some(person),
    }
}
