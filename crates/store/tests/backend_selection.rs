//! A test run that selects no backend fails instead of passing having run nothing: the
//! probe below is run again as a child test process with such selections.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_store::testing::each_backend;
use std::process::Command;

/// A test like any other: its assertions live inside `each_backend`'s body, so with no
/// backend selected nothing would be checked.
#[test]
fn probe_each_backend_runs_its_body() {
    each_backend(|db| {
        assert_eq!(db.count("SELECT COUNT(*) AS n FROM agencies"), 0);
    });
}

#[test]
fn an_each_backend_test_fails_when_no_backend_is_selected() {
    let me = std::env::current_exe().unwrap();
    for selection in ["", ",", " , "] {
        let out = Command::new(&me)
            .args([
                "probe_each_backend_runs_its_body",
                "--exact",
                "--test-threads=1",
            ])
            .env("TEST_BACKENDS", selection)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("1 passed") || text.contains("1 failed"),
            "the probe ran: {text}"
        );
        assert!(
            !out.status.success(),
            "TEST_BACKENDS={selection:?} passed: {text}"
        );
        assert!(text.contains("selects no backend"), "{text}");
    }
}
