//! Replays the fuzz target's seeds, and any input it ever found failing, on stable Rust: the
//! same properties as `fuzz/fuzz_targets/search_request.rs`, without libFuzzer.

#[path = "../fuzz/check/search_request.rs"]
mod check;

use std::path::Path;

#[test]
fn the_fuzz_inputs_keep_their_properties() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;

    for folder in ["seeds/search_request", "regressions/search_request"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder)) else { continue };
        for entry in entries {
            let path = entry.expect("a readable folder").path();
            let body = std::fs::read(&path).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| check::check(&body));
            assert!(outcome.is_ok(), "{} breaks a property", path.display());
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "only {replayed} inputs found under {}", fuzz.display());
}
