//! The AFL++ entry of one fuzz target, named by the first argument (`schakel-fuzz
//! api_requests`; the names are `schakel_fuzzing::TARGETS`'). Run by scripts/fuzz.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = schakel_fuzzing::target(&name) else {
        let names: Vec<&str> = schakel_fuzzing::TARGETS.iter().map(|t| t.name).collect();
        eprintln!("schakel-fuzz: name a target: {}", names.join(", "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| (target.run)(data));
}
