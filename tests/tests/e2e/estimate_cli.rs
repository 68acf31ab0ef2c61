//! Multiple systems estimation from the command line: `schakel monitor estimate --input`
//! on the published tables gives the published figures (the UK's 2013 table: the Home
//! Office's 10,000 to 13,000 by the stepwise model's profile likelihood, and 12,350 by
//! BIC; New Orleans: 1,184 with its bootstrap interval), in text, JSON and CSV; a table
//! that is not one, a model naming an unknown list and a model without an estimate end
//! in a one-line message and exit code 1, with nothing on standard output.

use schakel_e2e::schakel;
use serde_json::Value;

fn table(name: &str) -> String {
    format!("{}/data/mse/{name}.csv", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    schakel(dir.path()).args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn near(v: &Value, published: f64, share: f64) -> bool {
    (v.as_f64().unwrap() - published).abs() <= published * share
}

#[test]
fn the_command_reproduces_the_published_uk_figures() {
    let uk = table("UKdat");
    let e = json(&[
        "monitor",
        "estimate",
        "--input",
        &uk,
        "--bootstrap",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(e["observed"], 2744);
    assert_eq!(e["model"]["terms"].as_array().unwrap().len(), 7);
    assert_eq!(e["model"]["terms"][0], "PF:NCA");
    assert!(near(&e["model"]["profile"]["lower"], 10_000.0, 0.02), "{e}");
    assert!(near(&e["model"]["profile"]["upper"], 13_000.0, 0.02), "{e}");
    assert!(e["bootstrap"].is_null());
    let bic = json(&[
        "monitor",
        "estimate",
        "--input",
        &uk,
        "--method",
        "bic",
        "--bootstrap",
        "0",
        "--format",
        "json",
    ]);
    assert!(near(&bic["model"]["total"], 12_350.0, 0.005), "{bic}");
    let fixed = json(&[
        "monitor",
        "estimate",
        "--input",
        &uk,
        "--method",
        "fixed",
        "--model",
        "PF:NCA+LA:NG",
        "--bootstrap",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(
        fixed["model"]["terms"],
        serde_json::json!(["PF:NCA", "LA:NG"])
    );
    let text = run(&["monitor", "estimate", "--input", &uk, "--bootstrap", "0"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("95% profile-likelihood interval: 9982 to 13182"),
        "{text}"
    );
    let csv = run(&[
        "monitor",
        "estimate",
        "--input",
        &uk,
        "--bootstrap",
        "0",
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.starts_with("model,quantity,value,lower,upper\n"),
        "{csv}"
    );
    assert!(csv.contains("\nchosen,total_profile_likelihood,"), "{csv}");
}

#[test]
fn the_command_gives_the_new_orleans_bootstrap_interval_with_its_seed() {
    let args = [
        "monitor",
        "estimate",
        "--input",
        &table("NewOrl_5"),
        "--format",
        "json",
    ];
    let e = json(&args);
    assert!(near(&e["model"]["total"], 1034.0, 0.005), "{e}");
    let b = &e["bootstrap"];
    assert_eq!(b["replicates"], 1000);
    assert_eq!(b["seed"], 1234);
    // Chan, Silverman & Vincent (2021): BCa (589, 1,703); within the Monte Carlo error
    // of two 1,000-resample bounds (see crates/monitor/tests/published.rs).
    let mc = 3.0 * std::f64::consts::SQRT_2;
    assert!(
        (b["interval"]["lower"].as_f64().unwrap() - 589.0).abs() <= mc * 44.0,
        "{b}"
    );
    assert!(
        (b["interval"]["upper"].as_f64().unwrap() - 1703.0).abs() <= mc * 50.0,
        "{b}"
    );
    // The same seed gives the same interval.
    assert_eq!(json(&args)["bootstrap"], e["bootstrap"]);
}

#[test]
fn what_cannot_be_estimated_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "A,B,count\n1,0,12\n0,2,4\n").unwrap();
    let artificial = dir.path().join("artificial.csv");
    std::fs::write(
        &artificial,
        "A,B,C,n\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n",
    )
    .unwrap();
    let (bad, artificial) = (bad.to_str().unwrap(), artificial.to_str().unwrap());
    for (args, says) in [
        (vec!["--input", bad], "line 3"),
        (
            vec!["--input", artificial, "--method", "fixed", "--model", "A:D"],
            "`D` is not one of the lists",
        ),
        (
            vec!["--input", artificial, "--method", "fixed", "--model", "A:B"],
            "does not exist",
        ),
        (
            vec![
                "--input",
                artificial,
                "--method",
                "fixed",
                "--model",
                "A:B+A:C+B:C",
            ],
            "not identifiable",
        ),
        (vec!["--input", "/nonexistent.csv"], "cannot read"),
    ] {
        let mut all = vec!["monitor", "estimate", "--bootstrap", "0"];
        all.extend(args.iter());
        let out = run(&all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(out.stdout.is_empty(), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{all:?}: {err}"
        );
    }
}
