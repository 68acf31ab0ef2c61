//! A browser's view of the pages through the real binary: a client that does not follow
//! redirects (the tests read where a form sends them) and signing in with the login form
//! as a person does, keeping the session cookie.

use crate::Server;
use std::time::Duration;

/// An HTTP client that reports redirects instead of following them.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// The first `Set-Cookie` of `res` as a `Cookie` header's pair (`name=value`).
pub fn cookie_of(res: &reqwest::blocking::Response) -> String {
    res.headers()["set-cookie"]
        .to_str()
        .expect("an ASCII cookie")
        .split(';')
        .next()
        .expect("a name=value pair")
        .to_owned()
}

/// Signs in as `email` with `password` through the login form (which must send on with
/// `303`): the session cookie as a `Cookie` header's pair.
pub fn sign_in(
    server: &Server,
    http: &reqwest::blocking::Client,
    email: &str,
    password: &str,
) -> String {
    let page = http
        .get(server.url("/login"))
        .send()
        .expect("the login page");
    let login = cookie_of(&page);
    // The login form's CSRF token is the value of its cookie.
    let csrf = login.split('=').nth(1).expect("the token").to_owned();
    let res = http
        .post(server.url("/login"))
        .header("cookie", &login)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .expect("the login form is sent");
    assert_eq!(res.status(), 303, "{email} signs in");
    cookie_of(&res)
}
