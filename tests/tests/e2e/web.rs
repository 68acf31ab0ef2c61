//! The web pages through the real binary, behind the same middleware as the API: the
//! login page is HTML with the pages' own Content-Security-Policy (no inline script, forms
//! to this site only), the demo's coordinator can log in with the form and sees the inbox,
//! and the API's errors stay problem+json.

use schakel_e2e::{Server, browser};
use schakel_store::testing::TestDb;

#[test]
fn the_demo_coordinator_logs_in_with_the_form_and_sees_the_inbox() {
    let db = TestDb::unmigrated(schakel_store::Backend::Sqlite);
    let server = Server::start_with(db.url(), &["--demo"], &[]);
    let http = browser::client();
    let page = http.get(server.url("/login")).send().unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("form-action 'self'") && csp.contains("default-src 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let cookie = headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let login_cookie = cookie.split(';').next().unwrap().to_owned();
    let csrf = login_cookie.split('=').nth(1).unwrap().to_owned();
    let body = page.text().unwrap();
    assert!(body.contains(&csrf), "the form carries the CSRF token");

    let res = http
        .post(server.url("/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "coordinator@demo.schakel.invalid"),
            ("password", "oranje fiets lantaarn 42"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap_or_default());
    let session = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let inbox = http
        .get(server.url("/inbox"))
        .header("cookie", &session)
        .send()
        .unwrap();
    assert_eq!(inbox.status(), 200);
    let html = inbox.text().unwrap();
    assert!(
        html.contains("<table>"),
        "the demo referral waits in the inbox: {html}"
    );

    let api = http.get(server.url("/api/v1/nothing-here")).send().unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(
        api.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}
