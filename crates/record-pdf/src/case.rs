//! The person's cases, each whole: its facts, restriction, consents, referrals with the
//! receiving agencies, the agency's notes and documents, corrections with the values
//! they replaced, and the timeline.

use crate::layout::{Flow, Style};
use crate::person::ENTRY_INDENT;
use crate::text::{Ctx, datetime, day, earlier_lines};
use schakel_referral_workflow::views::{
    CaseRecord, ConsentView, CorrectionRecord, DocumentRecord, NoteRecord, ReferralRecord,
    TimelineRecord,
};

/// Every case, or "none".
pub(crate) fn cases(flow: &mut Flow<'_>, cases: &[CaseRecord], ctx: &Ctx<'_>) {
    let l = ctx.labels;
    flow.heading(Style::Heading, l.cases);
    if cases.is_empty() {
        flow.paragraph(Style::Body, 0.0, l.none);
    }
    for case in cases {
        facts(flow, case, ctx);
        list(flow, l.consents, &case.consents, ctx, consent);
        list(flow, l.referrals, &case.referrals, ctx, referral);
        list(flow, l.notes, &case.notes_written, ctx, note);
        list(flow, l.documents, &case.documents, ctx, document);
        list(flow, l.corrections, &case.corrections, ctx, correction);
        list(flow, l.timeline, &case.timeline, ctx, timeline);
    }
}

/// The case's own facts under its heading.
fn facts(flow: &mut Flow<'_>, case: &CaseRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    flow.heading(Style::Subheading, &format!("{} {}", l.case, case.reference));
    let forms = case.exploitation_forms.iter().map(|f| f.as_str());
    let mut fields = vec![
        (l.reference, case.reference.clone()),
        (l.status, ctx.word("case_status", case.status.as_str())),
        (l.opened, datetime(case.opened_at)),
    ];
    if let Some(closed) = case.closed_at {
        fields.push((l.closed, datetime(closed)));
    }
    if let Some(reason) = case.close_reason {
        fields.push((l.close_reason, ctx.word("close_reason", reason.as_str())));
    }
    if let Some(note) = &case.close_note {
        fields.push((l.close_note, note.clone()));
    }
    fields.extend([
        (l.region, ctx.word("region", case.region.as_str())),
        (l.forms, ctx.words("exploitation_form", forms)),
        (
            l.legal_basis_used,
            l.yes_no(case.legal_basis_used).to_owned(),
        ),
        (
            l.case_notes,
            case.notes.clone().unwrap_or_else(|| l.none.to_owned()),
        ),
    ]);
    let restriction = match &case.restriction {
        Some(r) => format!(
            "{} {}: {}",
            l.restriction_since,
            datetime(r.since),
            ctx.word("restriction_ground", r.ground.as_str())
        ),
        None => l.no.to_owned(),
    };
    fields.push((l.restriction, restriction));
    for (label, value) in fields {
        flow.field(0.0, label, &value);
    }
}

/// A list under its own small heading: each entry drawn by `entry`, or "none".
fn list<T>(
    flow: &mut Flow<'_>,
    title: &str,
    entries: &[T],
    ctx: &Ctx<'_>,
    entry: fn(&mut Flow<'_>, &T, &Ctx<'_>),
) {
    flow.heading(Style::Strong, title);
    if entries.is_empty() {
        flow.paragraph(Style::Body, 0.0, ctx.labels.none);
    }
    for e in entries {
        entry(flow, e, ctx);
    }
}

/// An entry: its first line as a bold item, then its fields indented under it.
fn entry(flow: &mut Flow<'_>, first: &str, fields: Vec<(&str, String)>) {
    flow.gap(1.0);
    flow.item(Style::Strong, 0.0, first);
    for (label, value) in fields {
        flow.field(ENTRY_INDENT, label, &value);
    }
}

fn consent(flow: &mut Flow<'_>, c: &ConsentView, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let first = format!(
        "{} ({})",
        ctx.word("consent_kind", c.kind.as_str()),
        day(c.given_on)
    );
    let mut fields = vec![(l.given_on, day(c.given_on))];
    if let Some(giver) = c.given_by {
        fields.push((l.given_by, ctx.word("consent_giver", giver.as_str())));
    }
    if let Some(basis) = c.legal_basis {
        fields.push((l.legal_basis, ctx.word("legal_basis", basis.as_str())));
    }
    if let Some(reason) = &c.reason {
        fields.push((l.reason, reason.clone()));
    }
    let kinds = c.recipient_kinds.iter().map(|k| k.as_str());
    let purposes = c.purposes.iter().map(|p| p.as_str());
    fields.push((l.recipients, ctx.words("recipient_kind", kinds)));
    fields.push((l.purposes, ctx.words("referral_purpose", purposes)));
    if let Some(at) = c.expires_at {
        fields.push((l.expires, datetime(at)));
    }
    if let Some(at) = c.withdrawn_at {
        fields.push((l.withdrawn, datetime(at)));
    }
    fields.push((l.active, l.yes_no(c.active).to_owned()));
    fields.push((l.recorded, datetime(c.created_at)));
    entry(flow, &first, fields);
}

fn referral(flow: &mut Flow<'_>, r: &ReferralRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let first = format!(
        "{} {} ({})",
        l.referral_to,
        r.to_agency.name,
        ctx.word("agency_kind", r.to_agency.kind.as_str())
    );
    let mut fields = vec![
        (l.purpose, ctx.word("referral_purpose", r.purpose.as_str())),
        (l.urgency, ctx.word("urgency", r.urgency.as_str())),
        (l.state, ctx.word("referral_state", r.state.as_str())),
        (l.sent, datetime(r.sent_at)),
    ];
    if let Some(at) = r.decided_at {
        fields.push((l.answered, datetime(at)));
    }
    if let Some(reason) = r.decline_reason {
        fields.push((
            l.decline_reason,
            ctx.word("decline_reason", reason.as_str()),
        ));
    }
    if let Some(outcome) = r.outcome {
        fields.push((l.outcome, ctx.word("referral_outcome", outcome.as_str())));
    }
    if let Some(at) = r.ended_at {
        fields.push((l.ended, datetime(at)));
    }
    if let Some(message) = &r.message {
        fields.push((l.message, message.clone()));
    }
    entry(flow, &first, fields);
}

fn note(flow: &mut Flow<'_>, n: &NoteRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let first = format!("{} {}", l.note_of, day(n.occurred_on));
    let fields = vec![
        (l.kind, ctx.word("note_kind", n.kind.as_str())),
        (
            l.visibility,
            ctx.word("note_visibility", n.visibility.as_str()),
        ),
        (l.written, datetime(n.written_at)),
        (
            l.text,
            n.text.clone().unwrap_or_else(|| l.erased.to_owned()),
        ),
    ];
    entry(flow, &first, fields);
}

fn document(flow: &mut Flow<'_>, d: &DocumentRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let first = d.title.clone().unwrap_or_else(|| l.removed.to_owned());
    let mut fields = vec![
        (l.file_type, ctx.word("media_type", d.media_type.as_str())),
        (l.size, ctx.size(d.size_bytes)),
        (l.added, datetime(d.added_at)),
        (l.scan, ctx.word("scan_state", d.scan_state.as_str())),
        (l.shared, l.yes_no(d.shared).to_owned()),
    ];
    if let Some(at) = d.removed_at {
        fields.push((l.removed_on, datetime(at)));
    }
    entry(flow, &first, fields);
}

fn correction(flow: &mut Flow<'_>, c: &CorrectionRecord, ctx: &Ctx<'_>) {
    let l = ctx.labels;
    let first = format!("{} {}", l.correction_of, datetime(c.corrected_at));
    let earlier = match &c.earlier {
        Some(values) => earlier_lines(values, l.empty).join("\n"),
        None => l.erased.to_owned(),
    };
    let fields = vec![
        (l.fields_changed, ctx.or_none(c.fields.clone())),
        (l.earlier_values, earlier),
    ];
    entry(flow, &first, fields);
}

fn timeline(flow: &mut Flow<'_>, t: &TimelineRecord, ctx: &Ctx<'_>) {
    let line = format!(
        "{} · {} · {}",
        datetime(t.occurred_at),
        ctx.word("timeline", &t.kind),
        t.agency
    );
    flow.item(Style::Body, 0.0, &line);
}
