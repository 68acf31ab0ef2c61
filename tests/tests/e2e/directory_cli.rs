//! The directory from the command line: `schakel directory export --format hsds` prints
//! the agencies as HSDS 3.0 JSON (an agency created with `schakel admin` among them),
//! writes it to a new file on request and never over an existing one; an unknown format
//! is a usage error.

use schakel_e2e::schakel;
use schakel_store::testing::{TestDb, selected_backends};

fn run(db: &TestDb, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    schakel(dir)
        .args(args)
        .env("SCHAKEL_DATABASE__URL", db.url())
        .output()
        .unwrap()
}

#[test]
fn the_directory_is_exported_as_hsds_from_the_command_line() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let dir = tempfile::tempdir().unwrap();
        let agency = [
            "admin",
            "create-agency",
            "--name",
            "Opvang Noord",
            "--kind",
            "shelter_categorical",
            "--region",
            "noord_nederland",
            "--email",
            "intake@noord.example",
        ];
        let made = run(&db, dir.path(), &agency);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );

        let export = ["directory", "export", "--format", "hsds"];
        let out = run(&db, dir.path(), &export);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["hsds_version"], "3.0", "{backend:?}");
        assert_eq!(json["organizations"][0]["name"], "Opvang Noord");
        assert_eq!(json["locations"][0]["location_type"], "virtual");
        assert!(
            json["organizations"][0].get("email").is_none(),
            "not public"
        );
        assert_eq!(json["taxonomy_terms"].as_array().unwrap().len(), 10);

        let file = dir.path().join("directory.json");
        let path = file.to_str().unwrap();
        let written = run(&db, dir.path(), &[&export[..], &["--out", path]].concat());
        assert!(written.status.success());
        let kept: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(kept["organizations"], json["organizations"]);
        let again = run(&db, dir.path(), &[&export[..], &["--out", path]].concat());
        assert_eq!(again.status.code(), Some(1), "never over an existing file");

        let unknown = run(&db, dir.path(), &["directory", "export", "--format", "csv"]);
        assert_eq!(unknown.status.code(), Some(2));
    }
}
