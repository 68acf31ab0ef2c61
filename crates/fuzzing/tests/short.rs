//! The short run of every fuzz target, as the test command runs it: each replays the
//! inputs of crashes once found (`fuzz/regressions/<target>/`), then for `FUZZ_SECONDS`
//! (5 by default) as much of its corpus (`fuzz/corpus/<target>/`) as half the time
//! allows, then random mutations of it. A crash is kept under `target/fuzz-short/<target>/` and fails the
//! test with the seed that repeats the run (`FUZZ_SEED`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The longest input the mutations make.
const MAX_LEN: usize = 64 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of one folder, sorted by name; none when it does not exist.
fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Runs `input`; a panic is kept as a file and fails the test with where it came from.
fn run_one(target: schakel_fuzzing::Target, input: &[u8], origin: &str) {
    if let Err(cause) = catch_unwind(AssertUnwindSafe(|| (target.run)(input))) {
        let message = cause
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| cause.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let dir = root().join("target/fuzz-short").join(target.name);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("crash-{:016x}", fxhash(input)));
        std::fs::write(&file, input).unwrap();
        panic!(
            "{}: a crash on {origin} (kept as {}): {message}",
            target.name,
            file.display()
        );
    }
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn short(name: &str) {
    let target = schakel_fuzzing::target(name).expect("a target of that name");
    let mut corpus = inputs(&root().join("fuzz/corpus").join(name));
    assert!(
        !corpus.is_empty(),
        "{name} has a corpus in fuzz/corpus/{name}/"
    );
    let regressions = inputs(&root().join("fuzz/regressions").join(name));
    (target.prepare)();
    for (file, input) in &regressions {
        run_one(target, input, file);
    }
    let seconds: u64 = std::env::var("FUZZ_SECONDS").map_or(5, |s| s.parse().unwrap());
    let seed: u64 = std::env::var("FUZZ_SEED")
        .map_or_else(|_| rand::thread_rng().r#gen(), |s| s.parse().unwrap());
    let mut rng = StdRng::seed_from_u64(seed);
    // The corpus AFL++ grew is large and some of its inputs are slow (a password
    // hashed): the first half of the time replays as much of it as fits, in an order
    // of the seed's; the second half mutates it.
    corpus.shuffle(&mut rng);
    let started = Instant::now();
    let half = Duration::from_secs(seconds) / 2;
    let mut replayed = 0;
    for (file, input) in &corpus {
        if replayed > 0 && started.elapsed() >= half {
            break;
        }
        run_one(target, input, file);
        replayed += 1;
    }
    let deadline = started + Duration::from_secs(seconds);
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let (_, input) = &corpus[rng.gen_range(0..corpus.len())];
        let (_, other) = &corpus[rng.gen_range(0..corpus.len())];
        let mutated = schakel_fuzzing::mutate::mutate(&mut rng, input, other, MAX_LEN);
        run_one(
            target,
            &mutated,
            &format!("a mutation (FUZZ_SEED={seed}, run {runs})"),
        );
        runs += 1;
    }
    println!(
        "fuzz: {name}: {} regression inputs, {replayed} of {} corpus inputs, then {runs} mutations in {seconds} s (FUZZ_SEED={seed})",
        regressions.len(),
        corpus.len()
    );
    let statuses = schakel_fuzzing::statuses();
    if !statuses.is_empty() {
        println!("fuzz: {name}: {statuses}");
    }
}

macro_rules! short_runs {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                short(stringify!($name));
            }
        )*

        #[test]
        fn every_target_has_a_short_run() {
            let named = [$(stringify!($name)),*];
            let targets: Vec<&str> = schakel_fuzzing::TARGETS.iter().map(|t| t.name).collect();
            assert_eq!(targets, named);
        }
    };
}

short_runs!(
    access_token,
    api_requests,
    audit_rows,
    capture_histories,
    config_file,
    document,
    fhir_bundle,
    fhir_requests,
    session_cookie,
    web_forms,
);
