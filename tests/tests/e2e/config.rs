//! Configuration as an operator meets it: layered settings, redacted secrets, and a
//! clear one-line error with a non-zero exit for every kind of mistake.

use schakel_e2e::schakel;
use std::process::Output;

fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    schakel(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn one_line_error(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "one line, got: {err}");
    assert!(err.starts_with("schakel: "), "{err}");
    err
}

#[test]
fn check_config_prints_the_embedded_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check-config"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let parsed: toml::Table = text.parse().unwrap();
    assert_eq!(
        parsed["database"]["url"].as_str(),
        Some("./data/schakel.db")
    );
    assert_eq!(parsed["http"]["bind"].as_str(), Some("127.0.0.1:8080"));
    assert_eq!(parsed["mail"]["transport"].as_str(), Some("file"));
    assert_eq!(parsed["mail"]["dir"].as_str(), Some("./data/mail"));
}

#[test]
fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schakel.toml");
    std::fs::write(
        &file,
        "[http]\nbind = \"127.0.0.1:9000\"\nworkers = 3\n[log]\nformat = \"pretty\"\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["--config", file.to_str().unwrap(), "check-config"],
        &[("SCHAKEL_HTTP__BIND", "127.0.0.1:9100")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    assert_eq!(parsed["http"]["bind"].as_str(), Some("127.0.0.1:9100"));
    assert_eq!(parsed["http"]["workers"].as_integer(), Some(3));
    assert_eq!(parsed["log"]["format"].as_str(), Some("pretty"));
}

#[test]
fn secrets_are_taken_from_the_environment_and_files_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let pw_file = dir.path().join("smtp-password");
    std::fs::write(&pw_file, "file-secret-7731\n").unwrap();
    let file = dir.path().join("schakel.toml");
    std::fs::write(
        &file,
        format!(
            "[mail]\ntransport = \"smtp\"\n[mail.smtp]\nhost = \"smtp.example.test\"\nusername = \"schakel\"\npassword_file = \"{}\"\n",
            pw_file.display()
        ),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["--config", file.to_str().unwrap(), "check-config"],
        &[(
            "SCHAKEL_DATABASE__URL",
            "postgres://schakel:env-secret-9913@db.example.test/schakel",
        )],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("env-secret-9913"), "{text}");
    assert!(!text.contains("file-secret-7731"), "{text}");
    assert!(text.contains("# database.password = [redacted]"), "{text}");
    assert!(text.contains("# mail.smtp.password = [redacted]"), "{text}");
    assert!(
        text.contains("postgres://schakel@db.example.test/schakel"),
        "{text}"
    );

    // libpq also takes the password as a query parameter: it is a secret there too.
    let out = run(
        dir.path(),
        &["check-config"],
        &[(
            "SCHAKEL_DATABASE__URL",
            "postgres://u@db.example.test/s?sslmode=require&password=q-secret-55",
        )],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("q-secret-55"), "{text}");
    assert!(
        text.contains("postgres://u@db.example.test/s?sslmode=require"),
        "{text}"
    );
    assert!(text.contains("# database.password = [redacted]"), "{text}");
}

#[test]
fn the_public_url_follows_the_bind_address_unless_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["check-config"],
        &[("SCHAKEL_HTTP__BIND", "127.0.0.1:9100")],
    );
    let parsed: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    assert_eq!(
        parsed["http"]["public_url"].as_str(),
        Some("http://127.0.0.1:9100")
    );
    let out = run(
        dir.path(),
        &["check-config"],
        &[("SCHAKEL_HTTP__PUBLIC_URL", "https://schakel.example.test")],
    );
    let parsed: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    assert_eq!(
        parsed["http"]["public_url"].as_str(),
        Some("https://schakel.example.test")
    );
}

#[test]
fn every_configuration_mistake_stops_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let unknown_key = write("unknown.toml", "[http]\nbindd = \"127.0.0.1:1\"\n");
    let secret_in_file = write("secret.toml", "[mail.smtp]\npassword = \"x\"\n");
    let url_password = write("urlpw.toml", "[database]\nurl = \"postgres://u:pw@h/db\"\n");
    let unreadable = write(
        "missing-key.toml",
        "[database]\nurl = \"postgres://u@h/db\"\npassword_file = \"/nonexistent/key\"\n",
    );
    let not_toml = write("broken.toml", "[http\n");
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["check-config"],
            vec![("SCHAKEL_LOG__LEVEL", "info,[[")],
            "log.level",
        ),
        (
            vec!["check-config"],
            vec![("SCHAKEL_LOG__LEVEL", "info, coll\u{3ab}\u{3ab}[x")],
            "log.level",
        ),
        (vec!["serve"], vec![("RUST_LOG", "=[")], "RUST_LOG"),
        (
            vec!["serve"],
            vec![("RUST_LOG", "info,\u{3ab}[x")],
            "RUST_LOG",
        ),
        (
            vec!["check-config"],
            vec![
                ("SCHAKEL_DATABASE__URL", "postgres://u:a@h/db"),
                ("SCHAKEL_DATABASE__PASSWORD", "b"),
            ],
            "give it once",
        ),
        (
            vec!["--config", &unknown_key, "check-config"],
            vec![],
            "bindd",
        ),
        (
            vec!["check-config"],
            vec![("SCHAKEL_HTTP__NOPE", "1")],
            "nope",
        ),
        (
            vec!["check-config"],
            vec![("SCHAKEL_DATABASE__URL", "mysql://u@h/db")],
            "database.url",
        ),
        (
            vec!["check-config"],
            vec![("SCHAKEL_HTTP__BIND", "localhost")],
            "http.bind",
        ),
        (
            vec!["check-config"],
            vec![("SCHAKEL_HTTP__PUBLIC_URL", "not a url")],
            "http.public_url",
        ),
        (
            vec!["--config", &secret_in_file, "check-config"],
            vec![],
            "passwords may not be written",
        ),
        (
            vec!["--config", &url_password, "check-config"],
            vec![],
            "contains a password",
        ),
        (
            vec!["check-config"],
            vec![(
                "SCHAKEL_MONITOR__DATABASE_URL",
                "postgres://u:geheim@h/monitor",
            )],
            "monitor.database_url must not contain a password",
        ),
        (
            vec!["check-config"],
            vec![(
                "SCHAKEL_MONITOR__DATABASE_URL",
                "postgres://u@h/monitor?sslmode=require&password=geheim",
            )],
            "monitor.database_url must not contain a password",
        ),
        (
            vec!["--config", &unreadable, "check-config"],
            vec![],
            "database.password_file",
        ),
        (
            vec!["--config", &not_toml, "check-config"],
            vec![],
            "not valid TOML",
        ),
        (
            vec!["--config", "/nonexistent/schakel.toml", "check-config"],
            vec![],
            "cannot read configuration file",
        ),
        (
            vec!["check-config"],
            vec![
                ("SCHAKEL_MAIL__TRANSPORT", "smtp"),
                ("SCHAKEL_MAIL__SMTP__SECURITY", "none"),
                ("SCHAKEL_MAIL__SMTP__HOST", "mail.example.test"),
            ],
            "loopback",
        ),
    ];
    for (args, env, needle) in cases {
        let out = run(dir.path(), &args, &env);
        assert_eq!(out.status.code(), Some(2), "{needle}: {:?}", out);
        let err = one_line_error(&out);
        assert!(err.contains(needle), "expected '{needle}' in: {err}");
        assert!(
            !err.contains("geheim"),
            "the error shows no password: {err}"
        );
    }
}

#[test]
fn a_port_in_use_stops_the_start_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // Held for the whole test: the port is in use when schakel starts.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = run(
        dir.path(),
        &["serve"],
        &[("SCHAKEL_HTTP__BIND", &format!("127.0.0.1:{port}"))],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = one_line_error(&out);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
}

#[test]
fn the_example_production_configuration_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/schakel.postgres.toml");
    let keys = dir.path().join("token-keys");
    schakel_e2e::write_private(&keys, &format!("k1 {}\n", "ab".repeat(32)));
    let data_keys = dir.path().join("data-keys");
    schakel_e2e::write_private(&data_keys, &format!("k1 {}\n", "cd".repeat(32)));
    let entry_key = dir.path().join("audit-entry.key");
    schakel_e2e::write_private(&entry_key, &format!("{}\n", "ef".repeat(32)));
    let law_keys = dir.path().join("law-enforcement-keys");
    schakel_e2e::write_private(&law_keys, &format!("k1 {}\n", "12".repeat(32)));
    let text = std::fs::read_to_string(&example)
        .unwrap()
        .replace("/etc/schakel/token-keys", keys.to_str().unwrap())
        .replace("/etc/schakel/data-keys", data_keys.to_str().unwrap())
        .replace(
            "/etc/schakel/law-enforcement-keys",
            law_keys.to_str().unwrap(),
        )
        .replace("/etc/schakel/audit-entry.key", entry_key.to_str().unwrap());
    let example = dir.path().join("schakel.toml");
    std::fs::write(&example, text).unwrap();
    let out = run(
        dir.path(),
        &["--config", example.to_str().unwrap(), "check-config"],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    assert_eq!(parsed["mail"]["transport"].as_str(), Some("smtp"));
    assert_eq!(
        parsed["auth"]["issuer"].as_str(),
        Some("schakel-production")
    );

    // Without its key file the same configuration stops at start.
    let missing = dir.path().join("missing.toml");
    let text = std::fs::read_to_string(&example)
        .unwrap()
        .replace(keys.to_str().unwrap(), "/nonexistent/token-keys");
    std::fs::write(&missing, text).unwrap();
    let out = run(
        dir.path(),
        &["--config", missing.to_str().unwrap(), "check-config"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("auth.token_keys_file"));

    // Nor does it start without the audit entry key.
    let text = std::fs::read_to_string(&example)
        .unwrap()
        .replace(entry_key.to_str().unwrap(), "/nonexistent/audit-entry.key");
    std::fs::write(&missing, text).unwrap();
    let out = run(
        dir.path(),
        &["--config", missing.to_str().unwrap(), "check-config"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("audit.entry_key_file"));
}

#[test]
fn the_law_enforcement_keys_share_no_key_with_the_data_keys() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data-keys");
    let law = dir.path().join("law-enforcement-keys");
    let same = format!("k1 {}\n", "cd".repeat(32));
    schakel_e2e::write_private(&data, &same);
    schakel_e2e::write_private(&law, &format!("k9 {}\n{same}", "77".repeat(32)));
    let env = [
        ("SCHAKEL_DATA__KEYS_FILE", data.to_str().unwrap()),
        (
            "SCHAKEL_DATA__LAW_ENFORCEMENT_KEYS_FILE",
            law.to_str().unwrap(),
        ),
    ];
    for command in ["check-config", "serve"] {
        let out = run(dir.path(), &[command], &env);
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
        let err = one_line_error(&out);
        assert!(err.contains("data.law_enforcement_keys_file"), "{err}");
        assert!(err.contains("must not share"), "{err}");
    }
    schakel_e2e::write_private(&law, &format!("k1 {}\n", "77".repeat(32)));
    let out = run(dir.path(), &["check-config"], &env);
    assert!(out.status.success(), "{out:?}");
    // A linkage key the file does not hold stops the start too.
    let mut env = env.to_vec();
    env.push(("SCHAKEL_DATA__SUSPECT_LINKAGE_KEY", "k7"));
    let out = run(dir.path(), &["check-config"], &env);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(one_line_error(&out).contains("data.suspect_linkage_key"));
}

#[test]
fn a_key_file_open_to_others_is_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("token-keys");
    std::fs::write(&keys, format!("k1 {}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = [("SCHAKEL_AUTH__TOKEN_KEYS_FILE", keys.to_str().unwrap())];
    for command in ["check-config", "serve"] {
        let out = run(dir.path(), &[command], &env);
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
        let err = one_line_error(&out);
        assert!(err.contains("auth.token_keys_file"), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
    }
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(dir.path(), &["check-config"], &env);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn emergency_access_is_configured_by_agency_kind_and_hours_and_a_typo_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check-config"], &[]);
    let parsed: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    assert_eq!(
        parsed["emergency"]["allowed_agency_kinds"].to_string(),
        r#"["police", "care_coordination", "coordination_centre"]"#
    );
    assert_eq!(parsed["emergency"]["hours"].as_integer(), Some(4));
    let file = dir.path().join("schakel.toml");
    std::fs::write(
        &file,
        "[emergency]\nallowed_agency_kinds = [\"police\", \"polce\"]\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["--config", file.to_str().unwrap(), "check-config"],
        &[],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("emergency.allowed_agency_kinds") && err.contains("polce"),
        "{err}"
    );
    let out = run(
        dir.path(),
        &["check-config"],
        &[("SCHAKEL_EMERGENCY__HOURS", "48")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("emergency.hours"));
}
