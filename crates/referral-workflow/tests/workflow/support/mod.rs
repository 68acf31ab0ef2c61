//! Shared fixtures of the workflow's integration tests: four agencies and their users
//! made directly through `schakel_store`, a clock the tests move by hand, the use cases
//! called the way the API calls them, and raw reads of rows no use case shows (row
//! counts, the outbox, every text column).
//!
//! Signals, cases, consents and referrals are made with builders whose every setting has
//! a default, so a test names only what it is about: `w.signal()`, `w.case()`,
//! `w.referral()` (see [`SignalBuilder`], [`CaseBuilder`], [`ReferralBuilder`]) and
//! [`ConsentBuilder`].
//!
//! Each test file uses a part of this, hence `dead_code` is allowed here only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use schakel_auth::RequestContext;
use schakel_domain::{
    Actor, AgencyId, AgencyKind, CaseId, ConsentGiver, ConsentKind, DeclineReason,
    ExploitationForm, Gender, LegalBasis, Palermo, RecipientKind, ReferralAction, ReferralId,
    ReferralOutcome, ReferralPurpose, ReferralState, Region, ReportingBasis, Role, SessionId,
    SignalId, Urgency,
};
use schakel_referral_workflow::cases::{self, OpenCaseInput};
use schakel_referral_workflow::consents::{self, ConsentInput};
use schakel_referral_workflow::idempotency::{Created, IdempotencyKey};
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::referrals::{self, ActionInput, ReferralInput};
use schakel_referral_workflow::signals::{self, PersonInput, SignalInput};
use schakel_referral_workflow::views::{CaseView, ReferralView, SignalView};
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

    /// An auditor (of the third agency), made on first use.
    pub fn auditor(&self, conn: &mut DbConn) -> Actor {
        const EMAIL: &str = "auditor@third.example";
        let u = match users::find_by_email(conn, EMAIL).unwrap() {
            Some(u) => u,
            None => users::insert(
                conn,
                &NewUser {
                    agency_id: self.third.id,
                    email: EMAIL,
                    display_name: "Audrey Auditor",
                    role: Role::Auditor,
                    locale: "nl",
                    password_hash: None,
                },
                t0(),
            )
            .unwrap(),
        };
        Actor {
            user_id: u.id,
            agency_id: u.agency_id,
            role: Role::Auditor,
            session_id: SessionId::new_random(),
        }
    }

    /// A person called Ana Maria `family_name`, born on `dob`: a Romanian woman who
    /// speaks Romanian.
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

    /// A case to open, with every setting at its default (see [`CaseBuilder`]).
    pub fn case(&self) -> CaseBuilder<'_> {
        CaseBuilder::new(self)
    }

    /// A referral to send, with every setting at its default (see [`ReferralBuilder`]).
    pub fn referral(&self) -> ReferralBuilder<'_> {
        ReferralBuilder::new(self)
    }

    /// A signal to log, with every setting at its default (see [`SignalBuilder`]).
    pub fn signal(&self) -> SignalBuilder<'_> {
        SignalBuilder::new(self)
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
            let r = self.referral().urgency(Urgency::Urgent).send(conn);
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
        let sent = self.referral().send(conn);
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

/// The person a case or signal is about unless a test names another: Ana Maria
/// Vermeulen, born 15 June 1990.
pub fn default_person() -> PersonInput {
    World::person("Vermeulen", date("1990-06-15"))
}

/// A consent (or legal basis) to record on a case. By default: the person's own consent,
/// given on 1 March 2026, for recipient kind `shelter` and purpose `shelter` (so it
/// covers the world's receiver), without an end.
#[derive(Debug, Clone)]
pub struct ConsentBuilder {
    input: ConsentInput,
}

impl Default for ConsentBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsentBuilder {
    /// The default consent.
    pub fn new() -> Self {
        ConsentBuilder {
            input: ConsentInput {
                kind: ConsentKind::Consent,
                recipient_kinds: vec![RecipientKind::Shelter],
                purposes: vec![ReferralPurpose::Shelter],
                given_by: Some(ConsentGiver::Person),
                legal_basis: None,
                reason: None,
                given_on: date("2026-03-01"),
                expires_at: None,
            },
        }
    }

    /// The recipient kinds it covers.
    pub fn recipients(mut self, kinds: &[RecipientKind]) -> Self {
        self.input.recipient_kinds = kinds.to_vec();
        self
    }

    /// The purposes it covers.
    pub fn purposes(mut self, purposes: &[ReferralPurpose]) -> Self {
        self.input.purposes = purposes.to_vec();
        self
    }

    /// When it ends by itself.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.input.expires_at = Some(at);
        self
    }

    /// A legal basis standing in for consent (given by no one); name its [`reason`].
    ///
    /// [`reason`]: ConsentBuilder::reason
    pub fn legal_basis(mut self, basis: LegalBasis) -> Self {
        self.input.kind = ConsentKind::LegalBasis;
        self.input.given_by = None;
        self.input.legal_basis = Some(basis);
        self
    }

    /// The written reason of a legal basis.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.input.reason = Some(reason.into());
        self
    }

    /// The use case's input.
    pub fn build(self) -> ConsentInput {
        self.input
    }
}

/// A signal to log. By default: logged by the sender's caseworker at the next tick,
/// about [`default_person`] (reported with consent), observed on 20 February 2026 in
/// Amsterdam, labour and criminal exploitation suspected, every Palermo element seen,
/// no indicators and no summary.
#[derive(Debug, Clone)]
pub struct SignalBuilder<'w> {
    world: &'w World,
    by: Actor,
    at: Option<DateTime<Utc>>,
    input: SignalInput,
}

impl<'w> SignalBuilder<'w> {
    /// The default signal in `world`.
    pub fn new(world: &'w World) -> Self {
        SignalBuilder {
            world,
            by: world.sender_caseworker,
            at: None,
            input: SignalInput {
                observed_on: date("2026-02-20"),
                region: Region::Amsterdam,
                exploitation_forms: vec![ExploitationForm::Labour, ExploitationForm::Criminal],
                indicators: Vec::new(),
                palermo: Palermo {
                    act: true,
                    means: true,
                    purpose: true,
                },
                reporting_basis: ReportingBasis::Consent,
                summary: None,
                person: Some(default_person()),
                case_id: None,
            },
        }
    }

    /// Who logs it.
    pub fn by(mut self, actor: Actor) -> Self {
        self.by = actor;
        self
    }

    /// When it is logged (the clock is not moved).
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// The person it is about.
    pub fn person(mut self, person: PersonInput) -> Self {
        self.input.person = Some(person);
        self
    }

    /// The day the situation was observed.
    pub fn observed_on(mut self, day: NaiveDate) -> Self {
        self.input.observed_on = day;
        self
    }

    /// The exploitation forms suspected.
    pub fn forms(mut self, forms: &[ExploitationForm]) -> Self {
        self.input.exploitation_forms = forms.to_vec();
        self
    }

    /// The Palermo elements observed.
    pub fn palermo(mut self, palermo: Palermo) -> Self {
        self.input.palermo = palermo;
        self
    }

    /// The free-text summary.
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.input.summary = Some(summary.into());
        self
    }

    /// Logs it (without an idempotency key); panics unless that succeeds.
    pub fn log(self, conn: &mut DbConn) -> SignalView {
        let w = self.world;
        let at = self.at.unwrap_or_else(|| w.tick());
        signals::create_signal(conn, &w.env(at), &self.by, &self.input, None)
            .unwrap_or_else(|e| panic!("log a signal: {e}"))
            .into_new()
            .expect("no key, no replay")
    }
}

/// A case to open. By default: opened by the sender's caseworker at the next tick,
/// directly (without a signal) for [`default_person`], in Amsterdam, for labour
/// exploitation, with the notes "Eerste gesprek gevoerd.", no consent and no
/// idempotency key.
#[derive(Debug, Clone)]
pub struct CaseBuilder<'w> {
    world: &'w World,
    by: Actor,
    at: Option<DateTime<Utc>>,
    input: OpenCaseInput,
    consents: Vec<ConsentInput>,
    key: Option<IdempotencyKey>,
}

impl<'w> CaseBuilder<'w> {
    /// The default case in `world`.
    pub fn new(world: &'w World) -> Self {
        CaseBuilder {
            world,
            by: world.sender_caseworker,
            at: None,
            input: OpenCaseInput {
                signal_id: None,
                person: Some(default_person()),
                region: Some(Region::Amsterdam),
                exploitation_forms: Some(vec![ExploitationForm::Labour]),
                notes: Some("Eerste gesprek gevoerd.".into()),
            },
            consents: Vec::new(),
            key: None,
        }
    }

    /// Who opens it (and records its consents).
    pub fn by(mut self, actor: Actor) -> Self {
        self.by = actor;
        self
    }

    /// When it is opened (the clock is not moved; consents follow at the next ticks).
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// The person it is about.
    pub fn person(mut self, person: PersonInput) -> Self {
        self.input.person = Some(person);
        self
    }

    /// Opened from `signal`, taking over its person, region and forms.
    pub fn of_signal(mut self, signal: SignalId) -> Self {
        self.input = OpenCaseInput {
            signal_id: Some(signal),
            person: None,
            region: None,
            exploitation_forms: None,
            notes: self.input.notes,
        };
        self
    }

    /// The region.
    pub fn region(mut self, region: Region) -> Self {
        self.input.region = Some(region);
        self
    }

    /// The exploitation forms.
    pub fn forms(mut self, forms: &[ExploitationForm]) -> Self {
        self.input.exploitation_forms = Some(forms.to_vec());
        self
    }

    /// The case notes.
    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.input.notes = Some(notes.into());
        self
    }

    /// No case notes.
    pub fn without_notes(mut self) -> Self {
        self.input.notes = None;
        self
    }

    /// A consent recorded right after opening, at the next tick; consents are recorded
    /// in the order given.
    pub fn consent(mut self, consent: ConsentBuilder) -> Self {
        self.consents.push(consent.build());
        self
    }

    /// Opened with an idempotency key (its response is stored for replays).
    pub fn key(mut self, key: IdempotencyKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Opens it and records its consents; panics unless all of that succeeds. Answers
    /// the case as it stands after the last consent.
    pub fn open(self, conn: &mut DbConn) -> CaseView {
        self.open_with_response(conn).0
    }

    /// As [`open`](CaseBuilder::open), with the response body of the opening (what a
    /// replay with the same key answers).
    pub fn open_with_response(self, conn: &mut DbConn) -> (CaseView, String) {
        let w = self.world;
        let at = self.at.unwrap_or_else(|| w.tick());
        let created = cases::open_case(conn, &w.env(at), &self.by, &self.input, self.key.as_ref())
            .unwrap_or_else(|e| panic!("open a case: {e}"));
        let Created::New {
            value: mut case,
            body,
        } = created
        else {
            panic!("a first request, not a replay");
        };
        for consent in &self.consents {
            case = consents::record_consent(
                conn,
                &w.env(w.tick()),
                &self.by,
                case.id,
                IfMatch::Version(case.version),
                consent,
            )
            .unwrap_or_else(|e| panic!("record a consent: {e}"));
        }
        (case, body)
    }
}

/// A referral to send. By default: a new default case (see [`CaseBuilder`]) referred to
/// the world's receiver by the sender's caseworker at the next tick after the case is
/// opened, for purpose `shelter`, urgency `normal`, with the message "Graag opvang
/// regelen." and no idempotency key.
#[derive(Debug, Clone)]
pub struct ReferralBuilder<'w> {
    world: &'w World,
    by: Actor,
    at: Option<DateTime<Utc>>,
    case: Option<CaseId>,
    input: ReferralInput,
}

impl<'w> ReferralBuilder<'w> {
    /// The default referral in `world`.
    pub fn new(world: &'w World) -> Self {
        ReferralBuilder {
            world,
            by: world.sender_caseworker,
            at: None,
            case: None,
            input: ReferralInput {
                to_agency_id: world.receiver.id,
                purpose: ReferralPurpose::Shelter,
                urgency: Urgency::Normal,
                message: Some("Graag opvang regelen.".into()),
            },
        }
    }

    /// Who sends it.
    pub fn by(mut self, actor: Actor) -> Self {
        self.by = actor;
        self
    }

    /// When it is sent (the clock is not moved).
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// Refers an existing case instead of a new one.
    pub fn of_case(mut self, case: CaseId) -> Self {
        self.case = Some(case);
        self
    }

    /// The agency it is sent to.
    pub fn to(mut self, agency: AgencyId) -> Self {
        self.input.to_agency_id = agency;
        self
    }

    /// Its purpose.
    pub fn purpose(mut self, purpose: ReferralPurpose) -> Self {
        self.input.purpose = purpose;
        self
    }

    /// Its urgency.
    pub fn urgency(mut self, urgency: Urgency) -> Self {
        self.input.urgency = urgency;
        self
    }

    /// The message to the receiver.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.input.message = Some(message.into());
        self
    }

    /// No message.
    pub fn without_message(mut self) -> Self {
        self.input.message = None;
        self
    }

    /// Opens the case if it is a new one, then sends the referral; panics unless that
    /// succeeds.
    pub fn send(self, conn: &mut DbConn) -> ReferralView {
        let w = self.world;
        let case = match self.case {
            Some(id) => id,
            None => w.case().open(conn).id,
        };
        let at = self.at.unwrap_or_else(|| w.tick());
        referrals::create_referral(conn, &w.env(at), &self.by, case, &self.input, None)
            .unwrap_or_else(|e| panic!("send a referral: {e}"))
            .into_new()
            .expect("no key, no replay")
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
        // A binary column (a document's encrypted content) is read as hex here; tests
        // look for plain bytes in it themselves.
        let sql = match conn {
            DbConn::Sqlite(_) => format!(
                "SELECT CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") \
                 ELSE CAST(\"{c}\" AS TEXT) END AS v FROM \"{t}\""
            ),
            DbConn::Postgres(_) => format!("SELECT CAST(\"{c}\" AS TEXT) AS v FROM \"{t}\""),
        };
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
