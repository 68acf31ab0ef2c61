//! The signed-in user's preferences: the language of the interface and of the emails
//! (English or Dutch), and whether notifications arrive at once or in a daily digest.
//! Saved through the same use case as `PATCH /api/v1/me`, audited there; the page then
//! shows itself again in the language chosen.

use crate::WebState;
use crate::forms::{Failure, Problems};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::{Viewer, context};
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// The languages offered, each named in its own language.
const LANGUAGES: [(&str, &str); 2] = [("en", "English"), ("nl", "Nederlands")];
/// How notifications may arrive, with the key of their words.
const DELIVERIES: [(&str, &str); 2] = [
    ("immediate", "preferences.notify.immediate"),
    ("digest", "preferences.notify.digest"),
];

/// One option of a choice on the page.
struct Choice {
    code: &'static str,
    words: String,
    on: bool,
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    e: Problems,
    saved: bool,
    languages: Vec<Choice>,
    deliveries: Vec<Choice>,
}

fn page(v: &Viewer, e: Problems, saved: bool, locale: &str, notify: &str) -> HttpResponse {
    let t = v.texts();
    let languages = LANGUAGES
        .iter()
        .map(|(code, words)| Choice {
            code,
            words: (*words).to_owned(),
            on: *code == locale,
        })
        .collect();
    let deliveries = DELIVERIES
        .iter()
        .map(|(code, key)| Choice {
            code,
            words: t.get(key).to_owned(),
            on: *code == notify,
        })
        .collect();
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html(
        status,
        &PreferencesPage {
            t,
            nav: Some(Nav::of(v)),
            csrf: v.csrf.clone(),
            e,
            saved,
            languages,
            deliveries,
        },
    )
}

/// `GET /account/preferences` (`?saved=1` after saving).
pub async fn form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let saved = req.query_string() == "saved=1";
    let (locale, notify) = (v.user.locale.clone(), v.user.notify.clone());
    page(&v, Problems::default(), saved, &locale, &notify)
}

/// `POST /account/preferences`.
pub async fn save(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let locale = LANGUAGES
        .iter()
        .map(|l| l.0)
        .find(|c| *c == f.one("locale"));
    let notify = DELIVERIES
        .iter()
        .map(|d| d.0)
        .find(|c| *c == f.one("notify"));
    let mut e = Problems::default();
    if locale.is_none() {
        e.add("locale", "preferences.locale_unknown");
    }
    if notify.is_none() {
        e.add("notify", "preferences.notify_unknown");
    }
    let (Some(locale), Some(notify)) = (locale, notify) else {
        // Keep what was chosen where it was valid.
        let shown_locale = locale.unwrap_or(v.user.locale.as_str()).to_owned();
        let shown_notify = notify.unwrap_or(v.user.notify.as_str()).to_owned();
        return page(&v, e, false, &shown_locale, &shown_notify);
    };
    let (st, ctx, actor) = (state.clone(), context(&req), v.actor);
    let done = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        schakel_auth::account::set_preferences(
            &mut conn,
            &actor,
            Some(locale),
            Some(notify),
            &ctx,
            now,
        )
        .map(|_| ())
        .map_err(Failure::from)
    })
    .await
    .map_err(Failure::from)
    .and_then(|done| done);
    match done {
        Ok(()) => {
            // The login page speaks the chosen language too.
            let mut res = see_other("/account/preferences?saved=1");
            let lang = crate::session::lang_cookie(&state, crate::i18n::Lang::of_locale(locale));
            match res.add_cookie(&lang) {
                Ok(()) => res,
                Err(e) => crate::pages::internal(&e.to_string()),
            }
        }
        Err(failure) => failure.page(&v),
    }
}
