//! What the incoming and the sent referral lists share: the choice between the open
//! referrals (sent, accepted, in progress; earliest deadline first, the default) and the
//! ended ones (latest first), for the inbox also "mine" (the open ones the viewer is
//! responsible for), and paging through each with the use case's cursor, so that no
//! referral is ever out of reach however many an agency has.

use crate::WebState;
use crate::forms::{Failure, with_env};
use actix_web::{HttpRequest, web};
use schakel_domain::Actor;
use schakel_referral_workflow::cases::Assignee;
use schakel_referral_workflow::referrals::{ReferralBox, ReferralFilter, StateSet, list_referrals};
use schakel_referral_workflow::views::{Page, ReferralView};
use serde::Deserialize;

/// Referrals per page.
const PAGE_SIZE: i64 = 50;

/// The query of a list page: which part, and where the page starts.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `closed` for the ended referrals, `mine` (the inbox only) for the open ones the
    /// viewer is responsible for; anything else (or nothing) for the open ones.
    #[serde(default)]
    view: String,
    /// The cursor of the page (the previous page's last referral).
    after: Option<String>,
}

impl ListQuery {
    fn closed(&self) -> bool {
        self.view == "closed"
    }

    fn mine(&self, which: ReferralBox) -> bool {
        self.view == "mine" && which == ReferralBox::Incoming
    }
}

/// The links around a list: its two parts and the next page.
pub struct ListNav {
    /// Whether the ended referrals are shown.
    pub closed: bool,
    /// The link to the open referrals.
    pub open_href: String,
    /// The link to the ended referrals.
    pub closed_href: String,
    /// Whether the viewer's own open referrals are shown (the inbox only).
    pub mine: bool,
    /// The link to them (the inbox only).
    pub mine_href: Option<String>,
    /// The link to the next page, if there is one.
    pub next: Option<String>,
    /// Whether this is a later page (not the first).
    pub later_page: bool,
    /// The link to the first page of this part.
    pub first_href: String,
}

/// One page of the agency's referrals in `which` box as `q` asks, with its links.
pub(crate) async fn load(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    which: ReferralBox,
    path: &'static str,
    q: &ListQuery,
) -> Result<(Page<ReferralView>, ListNav), Failure> {
    let closed = q.closed();
    let mine = q.mine(which);
    let filter = ReferralFilter {
        states: if closed {
            StateSet::Closed
        } else {
            StateSet::Open
        },
        assigned_to: mine.then_some(Assignee::Me),
    };
    let after = q.after.clone();
    let page = with_env(req, state, move |conn, env| {
        Ok(list_referrals(
            conn,
            env,
            &actor,
            which,
            filter,
            after.as_deref(),
            Some(PAGE_SIZE),
        )?)
    })
    .await?;
    let part = if closed {
        "closed"
    } else if mine {
        "mine"
    } else {
        "open"
    };
    let nav = ListNav {
        closed,
        open_href: format!("{path}?view=open"),
        closed_href: format!("{path}?view=closed"),
        mine,
        mine_href: (which == ReferralBox::Incoming).then(|| format!("{path}?view=mine")),
        next: page
            .next_cursor
            .as_ref()
            .map(|c| format!("{path}?view={part}&after={c}")),
        later_page: q.after.is_some(),
        first_href: format!("{path}?view={part}"),
    };
    Ok((page, nav))
}
