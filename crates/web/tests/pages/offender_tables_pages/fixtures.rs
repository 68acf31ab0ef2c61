//! What the offender tables' page tests share: offender events built from defaults and
//! recorded in the monitor (a year of suspects from registration to judgment, and the
//! victims' side of that year), the tables as the monitor makes them, the audit entries
//! of their readings, and the page's rows as strings to look for.

use schakel_domain::{
    AgeBand, AgencyKind, BirthCountryGroup, CourtInstance, ExploitationForm, Gender,
    JudgmentOutcome, MonitorEvent, MonitorEventKind, NationalityGroup, OffenderEvent,
    OffenderEventKind, ProsecutionDecision, Region, SentenceBand, SuspectRole,
};
use schakel_monitor::Rules;
use schakel_monitor::offenders::{OffenderTable, offender_table, record_offender};
use schakel_store::testing::TestDb;
use serde_json::Value;

pub(super) const YEARS: &str = "from=2024&to=2025";

/// The key of suspect `n` (a pseudonym under the suspects' linkage key).
fn suspect_key(n: u32) -> String {
    format!("{:064x}", 0x5000 + n)
}

/// The key of victim `n` (under the victims' linkage key).
fn victim_key(n: u32) -> String {
    format!("{n:064x}")
}

/// An offender event of one suspect, built from defaults: by the police in Rotterdam,
/// sexual exploitation, no decision, judgment or victim until given.
struct EventBuilder(OffenderEvent);

impl EventBuilder {
    fn new(kind: OffenderEventKind, suspect: u32, quarter: &str) -> EventBuilder {
        EventBuilder(OffenderEvent {
            kind,
            quarter: quarter.to_owned(),
            agency_kind: AgencyKind::Police,
            region: Region::Rotterdam,
            exploitation_forms: vec![ExploitationForm::Sexual],
            age_band: AgeBand::From30To39,
            gender: Gender::Male,
            birth_country_group: BirthCountryGroup::NonEu,
            role: SuspectRole::Exploiter,
            decision: None,
            judgment: None,
            instance: None,
            sentence: Vec::new(),
            days_since_registration: None,
            suspect: suspect_key(suspect),
            victim: None,
        })
    }

    fn form(mut self, form: ExploitationForm) -> Self {
        self.0.exploitation_forms = vec![form];
        self
    }

    fn decided(mut self, decision: ProsecutionDecision, days: i64) -> Self {
        self.0.decision = Some(decision);
        self.0.days_since_registration = Some(days);
        self
    }

    fn judged(mut self, outcome: JudgmentOutcome, sentence: &[SentenceBand], days: i64) -> Self {
        self.0.judgment = Some(outcome);
        self.0.instance = Some(CourtInstance::FirstInstance);
        self.0.sentence = sentence.to_vec();
        self.0.days_since_registration = Some(days);
        self
    }

    /// A link to victim `n` (the event `VictimLinked`).
    fn victim(mut self, n: u32) -> Self {
        self.0.victim = Some(victim_key(n));
        self
    }

    /// Counts the event in the monitor as outbox message `id`.
    fn record(self, db: &TestDb, id: &str) {
        let mut conn = db.pool.get().unwrap();
        assert!(record_offender(&mut conn, id, &self.0).unwrap(), "{id}");
    }
}

/// The offender events of 2025: suspects 1 to 12 (sexual exploitation) registered,
/// linked to the victim of their number and handed over in Q1, decided in Q2 (1 to 11
/// summoned, 12 dismissed; 1,200 + n days after registration), judged at first
/// instance in Q3 (1 to 10 convicted of trafficking with prison of 2 to 4 years, 1 to 3
/// with a fine beside it, 11 acquitted; 1,400 + n days); suspects 13 to 15 (labour
/// exploitation) only registered. And seventeen victims counted by the victims' side in
/// June 2025.
pub(super) fn record_2025(db: &TestDb) {
    use OffenderEventKind::*;
    for n in 1..=12 {
        let event = |kind, quarter| EventBuilder::new(kind, n, quarter);
        event(SuspectRegistered, "2025-Q1").record(db, &format!("reg-{n}"));
        event(VictimLinked, "2025-Q1")
            .victim(n)
            .record(db, &format!("link-{n}"));
        event(SuspectReferred, "2025-Q1").record(db, &format!("ref-{n}"));
        let decision = match n {
            12 => ProsecutionDecision::DismissalEvidence,
            _ => ProsecutionDecision::Summons,
        };
        event(ProsecutionDecided, "2025-Q2")
            .decided(decision, 1_200 + i64::from(n))
            .record(db, &format!("dec-{n}"));
        let (outcome, sentence) = match n {
            1..=3 => (
                JudgmentOutcome::ConvictedTrafficking,
                &[SentenceBand::Prison2To4Years, SentenceBand::Fine][..],
            ),
            4..=10 => (
                JudgmentOutcome::ConvictedTrafficking,
                &[SentenceBand::Prison2To4Years][..],
            ),
            11 => (JudgmentOutcome::Acquitted, &[][..]),
            _ => continue,
        };
        event(JudgmentRecorded, "2025-Q3")
            .judged(outcome, sentence, 1_400 + i64::from(n))
            .record(db, &format!("jud-{n}"));
    }
    for n in 13..=15 {
        EventBuilder::new(SuspectRegistered, n, "2025-Q2")
            .form(ExploitationForm::Labour)
            .record(db, &format!("reg-{n}"));
    }
    let mut conn = db.pool.get().unwrap();
    for n in 1..=17 {
        let event = MonitorEvent {
            kind: MonitorEventKind::CaseOpened,
            month: "2025-06".into(),
            sender_kind: AgencyKind::Police,
            sender_region: Region::Rotterdam,
            receiver_kind: None,
            receiver_region: None,
            exploitation_forms: vec![ExploitationForm::Sexual],
            age_band: AgeBand::From23To29,
            gender: Gender::Female,
            nationality_group: NationalityGroup::NonEu,
            reporting_basis: None,
            hours_to_answer: None,
            pseudonym: Some(victim_key(n)),
        };
        assert!(schakel_monitor::record(&mut conn, &format!("victim-{n}"), &event).unwrap());
    }
}

/// The table as the monitor makes it for 2024 and 2025 under the page's rules.
pub(super) fn monitor_table(db: &TestDb, kind: OffenderTable) -> schakel_monitor::Table {
    let mut conn = db.pool.get().unwrap();
    offender_table(&mut conn, kind, 2024, 2025, Rules::default()).unwrap()
}

/// The page with the white space between its tags taken out, so a table's row reads as
/// one string.
pub(super) fn compact(page: &str) -> String {
    page.lines().map(str::trim).collect()
}

/// The audit entries of `monitor.offenders`: (outcome, details), oldest first.
pub(super) fn audited(db: &TestDb) -> Vec<(String, Value)> {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse("monitor.offenders").unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    let mut entries: Vec<_> = schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.outcome.as_str().to_owned(), e.details))
        .collect();
    entries.reverse();
    entries
}

/// A download for the browser of `session`: its status, type, disposition and body.
macro_rules! download {
    ($app:expr, $session:expr, $uri:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri(&$uri)
                .cookie($session.clone())
                .to_request(),
        )
        .await;
        let (kind, disposition) = (
            header(&res, "content-type"),
            header(&res, "content-disposition"),
        );
        (res.status(), kind, disposition, body(res).await)
    }};
}

/// A suppressed cell as the tables show it: the symbol, and its words for screen readers.
pub(super) const SUPPRESSED_PRIMARY: &str = "<td class=\"suppressed\"><span aria-hidden=\"true\">&#60;10</span><span class=\"visually-hidden\">suppressed (fewer than 10 persons)</span></td>";

/// A cell suppressed to protect another.
pub(super) const SUPPRESSED_SECONDARY: &str = "<td class=\"suppressed\"><span aria-hidden=\"true\">×</span><span class=\"visually-hidden\">suppressed (protects another cell)</span></td>";

/// A table row as the page writes it: its header cells, then its value cells.
pub(super) fn row(heads: &[&str], cells: &[&str]) -> String {
    let mut out = String::from("<tr>");
    for h in heads {
        out.push_str(&format!("<th scope=\"row\">{h}</th>"));
    }
    for c in cells {
        match *c {
            "<10" => out.push_str(SUPPRESSED_PRIMARY),
            "×" => out.push_str(SUPPRESSED_SECONDARY),
            n => out.push_str(&format!("<td class=\"num\">{n}</td>")),
        }
    }
    out.push_str("</tr>");
    out
}

/// The published value of the monitor's cell `keys` × `measure`.
pub(super) fn published(
    table: &schakel_monitor::Table,
    keys: &[&str],
    measure: &str,
) -> Option<i64> {
    let cell = table
        .cells
        .iter()
        .find(|c| c.measure == measure && c.keys == keys)
        .unwrap_or_else(|| panic!("no cell {keys:?} {measure}"));
    cell.value
}
pub(super) use download;
