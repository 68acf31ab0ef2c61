//! The parts of the record around the cases: the title and introduction, the person,
//! the signals about them and the log of who accessed their data.

use crate::layout::{Flow, Style};
use crate::text::{Ctx, date_of, datetime, day};
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::views::{AccessRecord, PersonRecord, SignalRecord};

/// The indent of an entry's fields under its first line.
pub(crate) const ENTRY_INDENT: f32 = 5.0;

/// The title and the introduction.
pub(crate) fn intro(flow: &mut Flow<'_>, record: &PersonRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let agency = &record.agency.name;
    flow.paragraph(Style::Title, 0.0, &l.title(agency));
    flow.gap(3.0);
    flow.paragraph(
        Style::Body,
        0.0,
        &l.intro(agency, &date_of(record.produced_at)),
    );
    flow.gap(1.5);
    flow.paragraph(Style::Body, 0.0, l.times);
}

/// The person: each identity field, or "erased"; then the coarse facts.
pub(crate) fn person(flow: &mut Flow<'_>, record: &PersonRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let person = &record.person;
    flow.heading(Style::Heading, l.about_you);
    if person.erased {
        flow.field(0.0, l.identity, l.erased);
    } else if let Some(identity) = &person.identity {
        identity_fields(flow, identity, ctx);
    } else {
        flow.field(0.0, l.identity, l.not_recorded);
    }
    flow.field(0.0, l.gender, &ctx.word("gender", person.gender.as_str()));
    flow.field(
        0.0,
        l.age_band,
        &ctx.word("age_band", person.age_band.as_str()),
    );
    flow.field(
        0.0,
        l.nationality_group,
        &ctx.word("nationality_group", person.nationality_group.as_str()),
    );
}

fn identity_fields(flow: &mut Flow<'_>, identity: &Identity, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| l.not_recorded.to_owned());
    flow.field(
        0.0,
        l.given_names,
        &or_unknown(identity.given_names.clone()),
    );
    flow.field(
        0.0,
        l.family_name,
        &or_unknown(identity.family_name.clone()),
    );
    flow.field(
        0.0,
        l.date_of_birth,
        &or_unknown(identity.date_of_birth.map(day)),
    );
    if identity.stated_age.is_some() {
        flow.field(
            0.0,
            l.stated_age,
            &or_unknown(identity.stated_age.map(|a| a.to_string())),
        );
        flow.field(
            0.0,
            l.age_stated_on,
            &or_unknown(identity.age_stated_on.map(day)),
        );
    }
    flow.field(
        0.0,
        l.nationalities,
        &ctx.or_none(identity.nationalities.clone()),
    );
    flow.field(0.0, l.stateless, l.yes_no(identity.stateless));
    flow.field(0.0, l.languages, &ctx.or_none(identity.languages.clone()));
    flow.field(0.0, l.contact, &or_unknown(identity.contact.clone()));
}

/// The signals logged about the person, or "none".
pub(crate) fn signals(flow: &mut Flow<'_>, signals: &[SignalRecord], ctx: &Ctx<'_>) {
    let l = ctx.labels;
    flow.heading(Style::Heading, l.signals);
    if signals.is_empty() {
        flow.paragraph(Style::Body, 0.0, l.none);
    }
    for signal in signals {
        flow.gap(1.5);
        flow.item(
            Style::Strong,
            0.0,
            &format!("{} {}", l.signal_of, day(signal.observed_on)),
        );
        let forms = signal.exploitation_forms.iter().map(|f| f.as_str());
        let fields = [
            (l.region, ctx.word("region", signal.region.as_str())),
            (l.forms, ctx.words("exploitation_form", forms)),
            (l.indicators, ctx.or_none(signal.indicators.clone())),
            (
                l.reporting_basis,
                ctx.word("reporting_basis", signal.reporting_basis.as_str()),
            ),
            (
                l.summary,
                signal.summary.clone().unwrap_or_else(|| l.none.to_owned()),
            ),
            (l.logged, datetime(signal.logged_at)),
        ];
        for (label, value) in fields {
            flow.field(ENTRY_INDENT, label, &value);
        }
    }
}

/// The access log: one line per access, oldest first, or "none".
pub(crate) fn accesses(flow: &mut Flow<'_>, accesses: &[AccessRecord], ctx: &Ctx<'_>) {
    let l = ctx.labels;
    flow.heading(Style::Heading, l.accesses);
    if accesses.is_empty() {
        flow.paragraph(Style::Body, 0.0, l.none);
        return;
    }
    flow.paragraph(Style::Body, 0.0, l.accesses_intro);
    flow.gap(1.0);
    for access in accesses {
        let mut parts = vec![
            datetime(access.at),
            access
                .agency
                .clone()
                .unwrap_or_else(|| l.platform.to_owned()),
        ];
        if let Some(role) = access.role {
            parts.push(ctx.word("role", role.as_str()));
        }
        parts.push(ctx.word("action", &access.action));
        if let Some(purpose) = &access.purpose {
            parts.push(purpose.clone());
        }
        flow.item(Style::Body, 0.0, &parts.join(" · "));
    }
}
