//! Property-based API testing with schemathesis, against moat's own `/openapi.json` on every
//! backend, serving the bundled example's endpoints (every kind and every search feature): no
//! 5xx, and every answer conforms to the documented schema, status codes, content types and
//! headers.
//!
//! `scripts/test.sh` installs the pinned schemathesis under `.cache/` and names its command
//! in `MOAT_SCHEMATHESIS`; without it this test only prints a note, unless
//! `MOAT_TEST_REQUIRE_TOOLS=1` makes that a failure.

mod common;

use std::process::Command;

use common::ops::Moat;
use common::{Engine, Setup};

/// The checks not run, each because it contradicts documented behaviour.
///
/// `positive_data_acceptance`: some limits join two parameters, which a JSON schema cannot
/// state: `page × size` may not pass the endpoint's paging depth, and a `cursor` opens only
/// with the other parameters of the query that made it. Valid-looking requests that break
/// them get a documented 422.
const EXCLUDED_CHECKS: &str = "positive_data_acceptance";

/// Test cases per operation and time budget per backend, to keep the suite's length bounded.
/// One worker: with two, the pinned schemathesis on Python 3.11 now and then stops on an
/// internal error while describing its generators (an AST recursion-depth mismatch).
const MAX_EXAMPLES: &str = "100";
const MAX_SECONDS: &str = "60";

#[test]
fn the_api_holds_to_its_openapi_document() {
    let Some(schemathesis) = std::env::var_os("MOAT_SCHEMATHESIS") else {
        let required = std::env::var("MOAT_TEST_REQUIRE_TOOLS").is_ok_and(|value| value == "1");
        assert!(!required, "MOAT_SCHEMATHESIS is not set, and tools are required");
        eprintln!("note: schemathesis not run: MOAT_SCHEMATHESIS is not set");
        return;
    };

    for engine in Engine::all() {
        let setup = Setup::example(&engine);
        let moat = Moat::start(&setup, &["--log", "warn"]);

        let output = Command::new(&schemathesis)
            .arg("run")
            .arg(format!("{}/openapi.json", moat.base))
            .args(["--checks", "all", "--exclude-checks", EXCLUDED_CHECKS])
            .args(["--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS])
            .args(["--workers", "1", "--seed", "20261204", "--no-color"])
            .args(["--request-timeout", "15"])
            .current_dir(setup.dir.path())
            .output()
            .expect("schemathesis runs");

        let report = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = report.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        assert!(
            output.status.success(),
            "schemathesis found problems on {}:\n{}\n{}",
            engine.name(),
            tail.join("\n"),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("{}: {}", engine.name(), tail.last().copied().unwrap_or_default());
    }
}
