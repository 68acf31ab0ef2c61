//! The prosecution's steps on a suspect: its decisions and the courts' judgments
//! (appeals are later steps), in the order of their dates.

use crate::casework::{code, codes_from_json, codes_to_json, opt_code};
use crate::schema::prosecution_steps as ps;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgencyId, CourtInstance, JudgmentOutcome, ProsecutionDecision, ProsecutionStepId, SentenceBand,
    SuspectId, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ps)]
struct Row {
    id: String,
    suspect_id: String,
    agency_id: String,
    decision: Option<String>,
    outcome: Option<String>,
    instance: Option<String>,
    sentence: String,
    dated_on: NaiveDate,
    recorded_by: String,
    created_at: NaiveDateTime,
}

/// What a step is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// The prosecution's decision.
    Decision(ProsecutionDecision),
    /// A court's judgment, with the sentence's bands (none unless it convicts).
    Judgment {
        instance: CourtInstance,
        outcome: JudgmentOutcome,
        sentence: Vec<SentenceBand>,
    },
}

/// A step as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: ProsecutionStepId,
    pub suspect_id: SuspectId,
    /// The prosecution agency that recorded it.
    pub agency_id: AgencyId,
    pub kind: StepKind,
    /// The day of the decision or judgment.
    pub dated_on: NaiveDate,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<Row> for Step {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let decision: Option<ProsecutionDecision> = opt_code(r.decision.as_deref(), "decision")?;
        let outcome: Option<JudgmentOutcome> = opt_code(r.outcome.as_deref(), "judgment")?;
        let instance: Option<CourtInstance> = opt_code(r.instance.as_deref(), "instance")?;
        let kind = match (decision, outcome, instance) {
            (Some(d), None, None) => StepKind::Decision(d),
            (None, Some(outcome), Some(instance)) => StepKind::Judgment {
                instance,
                outcome,
                sentence: codes_from_json(&r.sentence, "sentence")?,
            },
            _ => return Err(StoreError::Corrupt("a prosecution step of no kind".into())),
        };
        Ok(Step {
            id: code(&r.id, "step id")?,
            suspect_id: code(&r.suspect_id, "step suspect")?,
            agency_id: code(&r.agency_id, "step agency")?,
            kind,
            dated_on: r.dated_on,
            recorded_by: code(&r.recorded_by, "step recorded by")?,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// Stores a step.
pub fn insert(conn: &mut DbConn, x: &Step) -> Result<(), StoreError> {
    let (decision, outcome, instance, sentence) = match &x.kind {
        StepKind::Decision(d) => (Some(d.as_str()), None, None, "[]".to_owned()),
        StepKind::Judgment {
            instance,
            outcome,
            sentence,
        } => (
            None,
            Some(outcome.as_str()),
            Some(instance.as_str()),
            codes_to_json(sentence),
        ),
    };
    let row = Row {
        id: x.id.to_string(),
        suspect_id: x.suspect_id.to_string(),
        agency_id: x.agency_id.to_string(),
        decision: decision.map(str::to_owned),
        outcome: outcome.map(str::to_owned),
        instance: instance.map(str::to_owned),
        sentence,
        dated_on: x.dated_on,
        recorded_by: x.recorded_by.to_string(),
        created_at: to_db_time(x.created_at),
    };
    diesel::insert_into(ps::table).values(&row).execute(conn)?;
    Ok(())
}

/// The steps on a suspect, by date and then as recorded.
pub fn of_suspect(conn: &mut DbConn, suspect: SuspectId) -> Result<Vec<Step>, StoreError> {
    ps::table
        .filter(ps::suspect_id.eq(suspect.to_string()))
        .order((ps::dated_on.asc(), ps::created_at.asc(), ps::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Step::try_from)
        .collect()
}
