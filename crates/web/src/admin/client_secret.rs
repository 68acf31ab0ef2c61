//! The page that shows a client account's secret this once, as the answer to the form
//! that made the account or replaced its secret (`clients`): the client id, the secret,
//! that it is not shown again, and how the system exchanges it for an access token
//! (`POST /api/v1/auth/token` with `grant_type=client_credentials`). Never cached
//! (`Cache-Control: no-store`) and never reached through a redirect, so the secret is in
//! no address; it stays a `SecretString`, which no log prints, until the template
//! writes it into the page. Nothing here reads or changes data.

use crate::i18n::Texts;
use crate::pages::{Nav, html};
use crate::session::Viewer;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use askama::Template;
use schakel_auth::admin::clients::IssuedClient;
// The template writes the secret into the page.
use secrecy::{ExposeSecret, SecretString};

/// What was just done: the secret belongs to a new account or replaced the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issued {
    /// A new client account.
    Created,
    /// A new secret for an existing one; the old one stopped working.
    Replaced,
}

#[derive(Template)]
#[template(path = "admin_client_secret.html")]
struct SecretPage {
    t: Texts,
    nav: Option<Nav>,
    created: bool,
    /// The account's id, which is the client id.
    client_id: String,
    name: String,
    role: String,
    secret: SecretString,
    /// The account is deactivated: it works once it is reactivated.
    held: bool,
}

/// The page that shows `issued`'s secret this once, never stored by the browser.
pub(crate) fn shown(v: &Viewer, issued: IssuedClient, how: Issued) -> HttpResponse {
    let t = v.texts();
    let IssuedClient { account, secret } = issued;
    let page = SecretPage {
        t,
        nav: Some(Nav::of(v)),
        created: how == Issued::Created,
        client_id: account.id.to_string(),
        role: t.code("role", account.role.as_str()),
        name: account.display_name,
        held: !account.active,
        secret,
    };
    let mut res = html(StatusCode::OK, &page);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
