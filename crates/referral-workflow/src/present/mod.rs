//! How the rows of case work look to the one who asks: the views of consents and
//! referrals, built from rows already read, shared by the case, consent and referral
//! use cases. Nothing here decides access: callers pass what they have checked.

mod consent;
mod referral;

pub(crate) use consent::consent_view;
pub(crate) use referral::{referral_view, referral_views};
