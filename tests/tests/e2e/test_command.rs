//! The test command itself (`scripts/test`): where it takes the advisory snapshot from
//! depends only on the repository's place (or, for a clone of a local repository, that
//! repository's place) and `SCHAKEL_ADVISORY_DB_SOURCE`, never on an absolute folder of
//! one machine. Its `advisory_db_source` function is run by bash in
//! a made-up layout.

use std::path::Path;
use std::process::Command;

/// Runs the script's `advisory_db_source` in `cwd` with `source_env` as
/// `SCHAKEL_ADVISORY_DB_SOURCE`; returns what it printed.
fn advisory_db_source(cwd: &Path, source_env: Option<&Path>) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/test");
    let text = std::fs::read_to_string(script).unwrap();
    let start = text
        .find("advisory_db_source() {")
        .expect("scripts/test defines advisory_db_source");
    let end = start + text[start..].find("\n}\n").expect("the function ends") + 3;
    let program = format!(
        "die() {{ echo \"die: $*\" >&2; exit 1; }}\n{}\nadvisory_db_source",
        &text[start..end]
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &program]).current_dir(cwd);
    cmd.env_remove("SCHAKEL_ADVISORY_DB_SOURCE");
    if let Some(src) = source_env {
        cmd.env("SCHAKEL_ADVISORY_DB_SOURCE", src);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn the_advisory_snapshot_is_taken_beside_the_repository_or_from_the_variable_only() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    // No snapshot beside the repository: none, whatever folders this machine has.
    assert_eq!(advisory_db_source(&repo, None), "");

    let shared = root.join("shared/advisory-db");
    std::fs::create_dir_all(&shared).unwrap();
    assert_eq!(advisory_db_source(&repo, None), shared.to_str().unwrap());

    let elsewhere = root.join("elsewhere/advisory-db");
    std::fs::create_dir_all(&elsewhere).unwrap();
    assert_eq!(
        advisory_db_source(&repo, Some(&elsewhere)),
        elsewhere.to_str().unwrap(),
        "the variable wins"
    );
}

#[test]
fn a_clone_of_a_local_repository_takes_the_snapshot_beside_its_origin() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    let origin = root.join("work/main");
    std::fs::create_dir_all(&origin).unwrap();
    let git = |args: &[&str], cwd: &Path| {
        let out = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"], &origin);
    let elsewhere = root.join("tmp");
    std::fs::create_dir_all(&elsewhere).unwrap();
    git(&["clone", "-q", origin.to_str().unwrap(), "x"], &elsewhere);
    let clone = elsewhere.join("x");
    assert_eq!(
        advisory_db_source(&clone, None),
        "",
        "no snapshot anywhere yet"
    );
    let shared = root.join("work/shared/advisory-db");
    std::fs::create_dir_all(&shared).unwrap();
    assert_eq!(advisory_db_source(&clone, None), shared.to_str().unwrap());
}
