//! A forgotten password recovered through the pages, end to end against the test SMTP
//! server: an invited caseworker (the invitation approved by a second admin, as four eyes
//! ask) chooses a password; on the "Forgot your password?" page their
//! address and an unknown one get the same answer, and only theirs receives an email;
//! its link's code sets a new password on `/password-reset`, with which the user logs
//! in, while the old one no longer works.

use schakel_e2e::api::token;
use schakel_e2e::mail::{borrowed, mail_env, smtp, tag};
use schakel_e2e::{Server, browser, client};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const FIRST: &str = "kompas tulp regen wolk 9";
const SECOND: &str = "vuurtoren meeuw zoutwater 7";

/// The texts of the emails delivered to `to`.
fn mail_to(maildev: &str, to: &str) -> Vec<String> {
    let all: Vec<Value> = client()
        .get(format!("{maildev}/email"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    all.iter()
        .filter(|m| m["to"][0]["address"].as_str() == Some(to))
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits for the `n`th email to `to` (from 1) and returns the code after `#token=`.
fn link_code(maildev: &str, to: &str, n: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(text) = mail_to(maildev, to).get(n - 1) {
            let at = text.find("#token=").expect("a link with a code") + 7;
            return text[at..].split_whitespace().next().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no email {n} to {to}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A page's form: its CSRF cookie (`name=value`) and the token in the form.
fn form(http: &reqwest::blocking::Client, server: &Server, path: &str) -> (String, String) {
    let res = http.get(server.url(path)).send().unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = res.text().unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[at..].split('"').next().unwrap().to_owned();
    (cookie, csrf)
}

/// A login through the API: its status.
fn api_login(server: &Server, email: &str, password: &str) -> u16 {
    client()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn a_forgotten_password_is_recovered_with_the_link_the_forgot_page_sends() {
    let Some((port, maildev)) = smtp() else {
        return;
    };
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let env = mail_env(&port, true);
        let server = Server::start_with(db.url(), &["--demo"], &borrowed(&env));
        let (tag, http) = (tag(), browser::client());
        let (known, unknown) = (
            format!("joost@{tag}.example"),
            format!("niemand@{tag}.example"),
        );

        // An invited user chooses a first password with the invitation's link.
        let admin = token(&server, "admin@demo.schakel.invalid");
        let me: Value = client()
            .get(server.url("/api/v1/me"))
            .bearer_auth(&admin)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let res = client()
            .post(server.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&json!({
                "agency_id": me["agency"]["id"], "email": known,
                "display_name": "Joost Vergeetachtig", "role": "caseworker",
            }))
            .send()
            .unwrap();
        // An invitation to case work waits for a second admin, who approves it.
        assert_eq!(res.status(), 202, "{backend:?}: {}", res.text().unwrap());
        let request = res.headers()["location"].to_str().unwrap().to_owned();
        let second = token(&server, "admin2@demo.schakel.invalid");
        let res = client()
            .post(server.url(&format!("{request}/approve")))
            .bearer_auth(&second)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{backend:?}: {}", res.text().unwrap());
        let invitation = link_code(&maildev, &known, 1);
        let res = client()
            .post(server.url("/api/v1/auth/invitation"))
            .json(&json!({ "token": invitation, "password": FIRST }))
            .send()
            .unwrap();
        assert_eq!(res.status(), 204, "{backend:?}");

        // The forgot page: the same answer for the known and the unknown address.
        let (cookie, csrf) = form(&http, &server, "/password/forgot");
        let answers: Vec<(u16, String)> = [&known, &unknown]
            .iter()
            .map(|email| {
                let res = http
                    .post(server.url("/password/forgot"))
                    .header("cookie", &cookie)
                    .form(&[("csrf", csrf.as_str()), ("email", email.as_str())])
                    .send()
                    .unwrap();
                (res.status().as_u16(), res.text().unwrap())
            })
            .collect();
        assert_eq!(answers[0].0, 200, "{backend:?}: {}", answers[0].1);
        assert_eq!(answers[0], answers[1], "{backend:?}");

        // Only the known address gets the email; its link sets a new password.
        let code = link_code(&maildev, &known, 2);
        std::thread::sleep(Duration::from_secs(1));
        assert!(mail_to(&maildev, &unknown).is_empty(), "{backend:?}");
        let (cookie, csrf) = form(&http, &server, "/password-reset");
        let res = http
            .post(server.url("/password-reset"))
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .form(&[
                ("csrf", csrf.as_str()),
                ("token", code.as_str()),
                ("new", SECOND),
                ("again", SECOND),
            ])
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert!(res.text().unwrap().contains("Your password is set."));
        assert_eq!(api_login(&server, &known, SECOND), 200, "{backend:?}");
        assert_eq!(api_login(&server, &known, FIRST), 401, "{backend:?}");
    }
}
