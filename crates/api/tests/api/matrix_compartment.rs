//! The authorization matrix of the law-enforcement compartment (SECURITY B1, B2): every
//! operation on investigations, suspects and suspect referrals × no token and every
//! role × the relationship of the object to the actor, for the actors of a police
//! force (the investigating side) and of a prosecution office (the receiving side),
//! each cell asserted against the real application on every selected backend. The main
//! matrix holds the same operations for the actors of a municipality: outside the
//! compartment, every record answers 404 and every list 403.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request, state_without_mfa};
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_auth::RequestContext;
use schakel_domain::{
    Actor, AgencyKind, InvestigationId, Role, SessionId, SuspectId, SuspectReferralId,
};
use schakel_referral_workflow::offenders::{self as uc, SuspectReferralAction as Act};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::agencies::Agency;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::User;
use serde_json::{Value, json};
use std::sync::Arc;

/// How the object relates to the actor's agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// No object: a collection.
    None,
    /// The actor's own investigation (or a referral it sent).
    Own,
    /// Another police force's.
    Foreign,
    /// A suspect referred to the actor's prosecution office, not yet accepted.
    RecvBefore,
    /// Accepted and open.
    RecvAfter,
    /// Accepted, then completed.
    Ended,
}

/// Whose actors fill the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Police,
    Prosecution,
}

/// One row: an operation (with the action, for a suspect referral), the side and the
/// relationship, and the status expected with no token and for each role.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    action: &'static str,
    side: Side,
    rel: Rel,
    pub(crate) expect: [u16; 6],
}

const fn row(
    (method, path, action): (&'static str, &'static str, &'static str),
    side: Side,
    rel: Rel,
    expect: [u16; 6],
) -> Row {
    Row {
        method,
        path,
        action,
        side,
        rel,
        expect,
    }
}

//                           none  cw   coord analyst auditor admin
const WORKERS_CREATE: [u16; 6] = [401, 201, 201, 403, 403, 403];
const WORKERS_LIST: [u16; 6] = [401, 200, 200, 403, 403, 403];
const OBJECT: [u16; 6] = [401, 200, 200, 404, 404, 404];
const OBJECT_CREATE: [u16; 6] = [401, 201, 201, 404, 404, 404];
const HIDDEN: [u16; 6] = [401, 404, 404, 404, 404, 404];
const SEEN_REFUSED: [u16; 6] = [401, 403, 403, 404, 404, 404];
const DECIDERS: [u16; 6] = [401, 403, 200, 404, 404, 404];
const DECIDERS_CONFLICT: [u16; 6] = [401, 403, 409, 404, 404, 404];
const CONFLICT: [u16; 6] = [401, 409, 409, 404, 404, 404];

const INVESTIGATIONS: &str = "/api/v1/investigations";
const INVESTIGATION: &str = "/api/v1/investigations/{id}";
const SUSPECTS: &str = "/api/v1/investigations/{id}/suspects";
const SUSPECT: &str = "/api/v1/suspects/{id}";
const VICTIMS: &str = "/api/v1/suspects/{id}/victims";
const VICTIM: &str = "/api/v1/suspects/{id}/victims/{link_id}";
const REFER: &str = "/api/v1/suspects/{id}/referrals";
const DECISIONS: &str = "/api/v1/suspects/{id}/decisions";
const JUDGMENTS: &str = "/api/v1/suspects/{id}/judgments";
const REFERRALS: &str = "/api/v1/suspect-referrals";
const ACT: &str = "/api/v1/suspect-referrals/{id}/{action}";

/// The matrix.
pub(crate) const TABLE: &[Row] = {
    use Rel::*;
    use Side::*;
    &[
        row(("POST", INVESTIGATIONS, ""), Police, None, WORKERS_CREATE),
        row(("GET", INVESTIGATIONS, ""), Police, None, WORKERS_LIST),
        row(("GET", INVESTIGATION, ""), Police, Own, OBJECT),
        row(("GET", INVESTIGATION, ""), Police, Foreign, HIDDEN),
        row(("GET", INVESTIGATION, ""), Prosecution, RecvAfter, HIDDEN),
        row(("POST", SUSPECTS, ""), Police, Own, OBJECT_CREATE),
        row(("POST", SUSPECTS, ""), Police, Foreign, HIDDEN),
        row(("GET", SUSPECT, ""), Police, Own, OBJECT),
        row(("GET", SUSPECT, ""), Police, Foreign, HIDDEN),
        row(("GET", SUSPECT, ""), Prosecution, RecvBefore, HIDDEN),
        row(("GET", SUSPECT, ""), Prosecution, RecvAfter, OBJECT),
        row(("GET", SUSPECT, ""), Prosecution, Ended, OBJECT),
        row(("POST", VICTIMS, ""), Police, Own, OBJECT),
        row(("POST", VICTIMS, ""), Police, Foreign, HIDDEN),
        row(("POST", VICTIMS, ""), Prosecution, RecvAfter, HIDDEN),
        row(("DELETE", VICTIM, ""), Police, Own, OBJECT),
        row(("DELETE", VICTIM, ""), Police, Foreign, HIDDEN),
        row(("DELETE", VICTIM, ""), Prosecution, RecvAfter, HIDDEN),
        row(("POST", REFER, ""), Police, Own, OBJECT_CREATE),
        row(("POST", REFER, ""), Police, Foreign, HIDDEN),
        row(("POST", REFER, ""), Prosecution, RecvAfter, HIDDEN),
        row(
            ("POST", DECISIONS, ""),
            Prosecution,
            RecvAfter,
            OBJECT_CREATE,
        ),
        row(("POST", DECISIONS, ""), Prosecution, RecvBefore, HIDDEN),
        row(("POST", DECISIONS, ""), Prosecution, Ended, CONFLICT),
        row(("POST", DECISIONS, ""), Police, Own, SEEN_REFUSED),
        row(("POST", DECISIONS, ""), Police, Foreign, HIDDEN),
        row(
            ("POST", JUDGMENTS, ""),
            Prosecution,
            RecvAfter,
            OBJECT_CREATE,
        ),
        row(("POST", JUDGMENTS, ""), Prosecution, RecvBefore, HIDDEN),
        row(("POST", JUDGMENTS, ""), Police, Own, SEEN_REFUSED),
        row(("GET", REFERRALS, ""), Police, None, WORKERS_LIST),
        row(("GET", REFERRALS, ""), Prosecution, None, WORKERS_LIST),
        row(("POST", ACT, "accept"), Prosecution, RecvBefore, DECIDERS),
        row(
            ("POST", ACT, "accept"),
            Prosecution,
            RecvAfter,
            DECIDERS_CONFLICT,
        ),
        row(("POST", ACT, "accept"), Police, Own, SEEN_REFUSED),
        row(("POST", ACT, "accept"), Police, Foreign, HIDDEN),
        row(("POST", ACT, "decline"), Prosecution, RecvBefore, DECIDERS),
        row(("POST", ACT, "start"), Prosecution, RecvAfter, DECIDERS),
        row(
            ("POST", ACT, "start"),
            Prosecution,
            RecvBefore,
            DECIDERS_CONFLICT,
        ),
        row(("POST", ACT, "complete"), Prosecution, RecvAfter, DECIDERS),
        row(
            ("POST", ACT, "complete"),
            Prosecution,
            Ended,
            DECIDERS_CONFLICT,
        ),
        row(("POST", ACT, "withdraw"), Police, Own, OBJECT),
        row(
            ("POST", ACT, "withdraw"),
            Prosecution,
            RecvBefore,
            SEEN_REFUSED,
        ),
        row(("POST", ACT, "withdraw"), Police, Foreign, HIDDEN),
    ]
};

/// The agencies and actors the cells work in.
struct World {
    workflow: Arc<WorkflowConfig>,
    om: Agency,
    /// One user per role at the police force, and at the prosecution office.
    police: Vec<(User, String)>,
    prosecution: Vec<(User, String)>,
    /// A coordinator of another police force.
    other: Actor,
}

fn as_actor(u: &User) -> Actor {
    Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: SessionId::new_random(),
    }
}

impl World {
    fn run<T>(
        &self,
        db: &TestDb,
        f: impl FnOnce(
            &mut schakel_store::DbConn,
            &Env<'_>,
        ) -> Result<T, schakel_referral_workflow::UseCaseError>,
    ) -> T {
        let ctx = RequestContext::default();
        let env = Env {
            cfg: &self.workflow,
            ctx: &ctx,
            now: chrono::Utc::now(),
        };
        f(&mut db.pool.get().unwrap(), &env).unwrap()
    }

    fn police_coord(&self) -> Actor {
        as_actor(&self.police[1].0)
    }

    fn investigation(&self, db: &TestDb, who: &Actor) -> InvestigationId {
        let input = serde_json::from_value(investigation_body()).unwrap();
        self.run(db, |c, env| uc::open_investigation(c, env, who, &input))
            .id
    }

    fn suspect(&self, db: &TestDb, who: &Actor) -> SuspectId {
        let inv = self.investigation(db, who);
        let input = serde_json::from_value(suspect_body()).unwrap();
        self.run(db, |c, env| uc::add_suspect(c, env, who, inv, &input))
            .id
    }

    /// A suspect of `who`'s and its referral to the prosecution office, in the state
    /// `rel` names.
    fn referred(&self, db: &TestDb, who: &Actor, rel: Rel) -> (SuspectId, SuspectReferralId) {
        let suspect = self.suspect(db, who);
        let input = serde_json::from_value(json!({ "to_agency_id": self.om.id })).unwrap();
        let r = self.run(db, |c, env| uc::refer_suspect(c, env, who, suspect, &input));
        let om = as_actor(&self.prosecution[1].0);
        let mut version = r.version;
        let steps: &[Act] = match rel {
            Rel::RecvAfter => &[Act::Accept],
            Rel::Ended => &[Act::Accept, Act::Complete],
            _ => &[],
        };
        for step in steps {
            let answer = uc::SuspectReferralAnswer::default();
            let v = self.run(db, |c, env| {
                uc::act_on_suspect_referral(
                    c,
                    env,
                    &om,
                    r.id,
                    *step,
                    IfMatch::Version(version),
                    &answer,
                )
            });
            version = v.version;
        }
        (suspect, r.id)
    }
}

fn investigation_body() -> Value {
    let started = (chrono::Utc::now() - chrono::Duration::days(30)).date_naive();
    json!({ "reference": "ON-MATRIX", "region": "rotterdam",
            "exploitation_forms": ["labour"], "started_on": started })
}

fn suspect_body() -> Value {
    json!({ "identity": { "given_names": "Matrix", "family_name": "Verdachte" },
            "gender": "male", "role": "recruiter" })
}

/// The URI, body and `If-Match` of a cell.
fn prepare(db: &TestDb, w: &World, row: &Row) -> (String, Option<Value>, Option<String>) {
    let today = chrono::Utc::now().date_naive();
    let owner = match row.rel {
        Rel::Foreign => w.other,
        _ => w.police_coord(),
    };
    let id_of = |s: &dyn ToString| row.path.replace("{id}", &s.to_string());
    match row.path {
        INVESTIGATIONS => (row.path.to_owned(), Some(investigation_body()), None),
        REFERRALS => {
            let b = if row.side == Side::Police {
                "sent"
            } else {
                "received"
            };
            (format!("{REFERRALS}?box={b}"), None, None)
        }
        INVESTIGATION => {
            let inv = match row.rel {
                Rel::RecvAfter => {
                    let (s, _) = w.referred(db, &owner, Rel::RecvAfter);
                    let mut conn = db.pool.get().unwrap();
                    schakel_store::offenders::suspects::find(&mut conn, s)
                        .unwrap()
                        .investigation_id
                }
                _ => w.investigation(db, &owner),
            };
            (id_of(&inv), None, None)
        }
        SUSPECTS => (
            id_of(&w.investigation(db, &owner)),
            Some(suspect_body()),
            None,
        ),
        _ => {
            let (suspect, referral) = match row.rel {
                Rel::Own if row.path == ACT => {
                    let (s, r) = w.referred(db, &owner, Rel::RecvBefore);
                    (s, Some(r))
                }
                Rel::Own | Rel::Foreign | Rel::None => (w.suspect(db, &owner), None),
                rel => {
                    let (s, r) = w.referred(db, &owner, rel);
                    (s, Some(r))
                }
            };
            let case = schakel_referral_workflow::cases::open_case;
            let body = match row.path {
                VICTIMS => {
                    let input = serde_json::from_value(json!({
                        "person": { "identity": { "given_names": "Slachtoffer" }, "gender": "female" },
                        "region": "rotterdam", "exploitation_forms": ["labour"]
                    }))
                    .unwrap();
                    let c = w.run(db, |c, env| case(c, env, &owner, &input, None));
                    Some(json!({ "case_id": c.into_new().unwrap().id }))
                }
                REFER => Some(json!({ "to_agency_id": w.om.id })),
                DECISIONS => Some(json!({ "decision": "summons", "decided_on": today })),
                JUDGMENTS => {
                    if row.rel == Rel::RecvAfter {
                        let om = as_actor(&w.prosecution[0].0);
                        let input = serde_json::from_value(
                            json!({ "decision": "summons", "decided_on": today }),
                        )
                        .unwrap();
                        w.run(db, |c, env| {
                            uc::record_decision(c, env, &om, suspect, &input)
                        });
                    }
                    Some(
                        json!({ "instance": "first_instance", "outcome": "acquitted", "judged_on": today }),
                    )
                }
                ACT if row.action == "decline" => Some(json!({ "decline_reason": "not_eligible" })),
                _ => None,
            };
            let mut uri = id_of(&suspect);
            if row.path == VICTIM {
                let link_case = {
                    let input = serde_json::from_value(json!({
                        "person": { "identity": { "given_names": "Gelinkt" }, "gender": "female" },
                        "region": "rotterdam", "exploitation_forms": ["labour"]
                    }))
                    .unwrap();
                    w.run(db, |c, env| case(c, env, &owner, &input, None))
                        .into_new()
                        .unwrap()
                        .id
                };
                let link: schakel_referral_workflow::offenders::LinkVictimInput =
                    serde_json::from_value(json!({ "case_id": link_case })).unwrap();
                let view = w.run(db, |c, env| uc::link_victim(c, env, &owner, suspect, &link));
                uri = uri.replace("{link_id}", &view.victims[0].id.to_string());
            }
            let mut if_match = None;
            if row.path == ACT {
                let r = referral.unwrap_or_else(|| w.referred(db, &owner, Rel::RecvBefore).1);
                let mut conn = db.pool.get().unwrap();
                let v = schakel_store::offenders::referrals::find(&mut conn, r)
                    .unwrap()
                    .version;
                if_match = Some(format!("\"{v}\""));
                uri = ACT.replace("{id}", &r.to_string()).replace(
                    "{action}",
                    match row.action {
                        "" => "accept",
                        a => a,
                    },
                );
            }
            (uri, body, if_match)
        }
    }
}

#[actix_web::test]
async fn every_cell_of_the_compartments_matrix_answers_as_expected_on_every_backend() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = state_without_mfa(&db);
        let workflow = state.workflow.clone();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = |name: &str, kind| AgencyBuilder::new(&db).name(name).kind(kind).create();
        let police = agency("Politie Eigen", AgencyKind::Police);
        let om = agency("Parket Eigen", AgencyKind::Prosecution);
        let other = agency("Politie Elders", AgencyKind::Police);
        let staff = |a: &Agency, tag: &str| {
            let mut out = Vec::new();
            for role in [
                Role::Caseworker,
                Role::Coordinator,
                Role::Analyst,
                Role::Auditor,
                Role::Admin,
            ] {
                let u = UserBuilder::new(&db, a)
                    .email(format!("{role}@{tag}.example"))
                    .role(role)
                    .create();
                out.push(u);
            }
            out
        };
        let (p_users, o_users) = (staff(&police, "politie"), staff(&om, "om"));
        let other_coord = UserBuilder::new(&db, &other)
            .email("coord@elders.example")
            .role(Role::Coordinator)
            .create();
        let mut with_tokens = Vec::new();
        for users in [p_users, o_users] {
            let mut out = Vec::new();
            for u in users {
                let t = client.token(&u.email).await;
                out.push((u, t));
            }
            with_tokens.push(out);
        }
        let prosecution = with_tokens.pop().unwrap();
        let police_actors = with_tokens.pop().unwrap();
        let world = World {
            workflow,
            om,
            police: police_actors,
            prosecution,
            other: as_actor(&other_coord),
        };
        let mut failures = Vec::new();
        for row in TABLE {
            for col in 0..6_usize {
                let actors = match row.side {
                    Side::Police => &world.police,
                    Side::Prosecution => &world.prosecution,
                };
                let (uri, body, if_match) = prepare(&db, &world, row);
                let mut req = request(row.method, &uri);
                if let Some(i) = col.checked_sub(1) {
                    req = bearer(req, &actors[i].1);
                }
                if let Some(v) = if_match {
                    req = req.insert_header(("if-match", v));
                }
                if let Some(b) = body {
                    req = req.set_json(b);
                }
                let reply = client.send(req).await;
                let who = col.checked_sub(1).map_or("no token".to_owned(), |i| {
                    format!("{:?} {}", row.side, actors[i].0.role)
                });
                let cell = format!(
                    "{} {} {} {:?} as {who}",
                    row.method, row.path, row.action, row.rel
                );
                if reply.status.as_u16() != row.expect[col] {
                    failures.push(format!(
                        "{cell}: expected {}, got {} {}",
                        row.expect[col],
                        reply.status,
                        String::from_utf8_lossy(&reply.body)
                    ));
                    continue;
                }
                let expected = match reply.status.as_u16() {
                    401 => Some("unauthorized"),
                    403 => Some("forbidden"),
                    404 => Some("not_found"),
                    _ => None,
                };
                if let Some(code) = expected
                    && reply.problem() != code
                {
                    failures.push(format!(
                        "{cell}: problem {} instead of {code}",
                        reply.problem()
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} cells failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
