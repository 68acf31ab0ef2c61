//! The prosecution's steps on a suspect it accepted: its decisions, and the courts'
//! judgments — a first-instance judgment after a summons, an appeal after a judgment of
//! the instance below — each dated, audited and counted by the monitor.

use super::access::{SuspectAccess, visible_suspect};
use super::events::{Happened, emit};
use super::identity::SuspectIdentity;
use super::suspects::suspect_view;
use super::{DecisionInput, JudgmentInput, SuspectView};
use crate::support::{Env, event, record, refused, run};
use crate::{Conflict, UseCaseError};
use chrono::NaiveDate;
use schakel_audit::ActionKind;
use schakel_domain::offender::check_sentence;
use schakel_domain::{Action, Actor, AgencyKind, CourtInstance, ProsecutionStepId, SuspectId};
use schakel_store::DbConn;
use schakel_store::agencies::Agency;
use schakel_store::offenders::investigations::Investigation;
use schakel_store::offenders::steps::{self, Step, StepKind};
use schakel_store::offenders::suspects::Suspect;

/// Records the prosecution's decision on a suspect it accepted.
pub fn record_decision(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
    input: &DecisionInput,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.decide";
    run(conn, env, who, |conn| {
        let (suspect, inv, access, agency) = recorders(conn, who, id, CODE)?;
        let on = input.decided_on;
        if on > env.now.date_naive() || on < suspect.registered_on {
            return Err(UseCaseError::Invalid("decided_on"));
        }
        let kind = StepKind::Decision(input.decision);
        let details = serde_json::json!({ "decision": input.decision, "on": on });
        store(
            conn,
            env,
            who,
            (&suspect, &inv, &agency),
            kind,
            on,
            CODE,
            details,
        )?;
        let identity = SuspectIdentity::open(env.cfg, id, &suspect.identity)?;
        let what = Happened::Decided(input.decision);
        emit(
            conn,
            env,
            (&suspect, &inv),
            &identity,
            agency.kind,
            what,
            on,
        )?;
        suspect_view(conn, env, who, &suspect, &inv, &access)
    })
}

/// Records a court's judgment on a suspect the prosecution accepted: at first instance
/// after a summons, on appeal after a judgment of the instance below (and not before
/// it).
pub fn record_judgment(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
    input: &JudgmentInput,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.judge";
    run(conn, env, who, |conn| {
        let (suspect, inv, access, agency) = recorders(conn, who, id, CODE)?;
        let on = input.judged_on;
        if on > env.now.date_naive() || on < suspect.registered_on {
            return Err(UseCaseError::Invalid("judged_on"));
        }
        let sentence = check_sentence(input.outcome, &input.sentence)
            .map_err(|_| UseCaseError::Invalid("sentence"))?;
        let earlier = steps::of_suspect(conn, id)?;
        let before = earlier_step(&earlier, input.instance)
            .ok_or(UseCaseError::Conflict(Conflict::NoEarlierStep))?;
        if on < before {
            return Err(UseCaseError::Invalid("judged_on"));
        }
        let kind = StepKind::Judgment {
            instance: input.instance,
            outcome: input.outcome,
            sentence: sentence.clone(),
        };
        let details = serde_json::json!({
            "instance": input.instance,
            "outcome": input.outcome,
            "sentence": sentence,
            "on": on,
        });
        store(
            conn,
            env,
            who,
            (&suspect, &inv, &agency),
            kind,
            on,
            CODE,
            details,
        )?;
        let identity = SuspectIdentity::open(env.cfg, id, &suspect.identity)?;
        let what = Happened::Judged {
            instance: input.instance,
            outcome: input.outcome,
            sentence,
        };
        emit(
            conn,
            env,
            (&suspect, &inv),
            &identity,
            agency.kind,
            what,
            on,
        )?;
        suspect_view(conn, env, who, &suspect, &inv, &access)
    })
}

/// The day of the step a judgment at `instance` follows: the latest summons for the
/// first instance, the latest judgment of the instance below for an appeal; `None`
/// when there is none.
fn earlier_step(steps: &[Step], instance: CourtInstance) -> Option<NaiveDate> {
    steps
        .iter()
        .filter(|s| match (&s.kind, instance) {
            (StepKind::Decision(d), CourtInstance::FirstInstance) => d.prosecutes(),
            (StepKind::Judgment { instance: i, .. }, CourtInstance::Appeal) => {
                *i == CourtInstance::FirstInstance
            }
            (StepKind::Judgment { instance: i, .. }, CourtInstance::Cassation) => {
                *i == CourtInstance::Appeal
            }
            _ => false,
        })
        .map(|s| s.dated_on)
        .max()
}

/// A suspect the actor's prosecution agency accepted and may still record on.
fn recorders(
    conn: &mut DbConn,
    who: &Actor,
    id: SuspectId,
    code: &'static str,
) -> Result<(Suspect, Investigation, SuspectAccess, Agency), UseCaseError> {
    let kind = ActionKind::Create;
    let (suspect, inv, access, agency) =
        visible_suspect(conn, who, id, Action::ReadInvestigation, code, kind)?;
    let object = ("suspect", id.to_string());
    if agency.kind != AgencyKind::Prosecution
        || !who.may(Action::RecordProsecution, access.relationship())
    {
        return Err(refused(code, kind, object));
    }
    if !access.may_record() {
        return Err(UseCaseError::Conflict(Conflict::NotAccepted));
    }
    Ok((suspect, inv, access, agency))
}

/// Stores a step with its audit entry.
#[allow(clippy::too_many_arguments)]
fn store(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    (suspect, _inv, agency): (&Suspect, &Investigation, &Agency),
    kind: StepKind,
    on: NaiveDate,
    code: &'static str,
    details: serde_json::Value,
) -> Result<(), UseCaseError> {
    let step = Step {
        id: ProsecutionStepId::new_random(),
        suspect_id: suspect.id,
        agency_id: agency.id,
        kind,
        dated_on: on,
        recorded_by: who.user_id,
        created_at: env.now,
    };
    steps::insert(conn, &step)?;
    let e = event(
        Some(who),
        code,
        ActionKind::Create,
        ("suspect", suspect.id.to_string()),
    )?
    .with_details(details);
    record(conn, env, e)
}
