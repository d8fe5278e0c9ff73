//! `moat check` prints every problem of a config with its location.

mod common;

use common::shared_data;

fn check(text: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("moat.toml");
    std::fs::write(&config, text).unwrap();

    let output = common::moat().arg("check").arg("--config").arg(&config).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&*config.to_string_lossy(), "FILE");
    (output.status.success(), stdout, stderr)
}

#[test]
fn a_valid_config_passes() {
    let mapping = shared_data("vet-visits.mappings.json");
    let (ok, stdout, stderr) = check(&format!(
        "[backend]\nkind = \"embedded\"\n\n[indices.visits]\nmappings_file = \"{}\"\n\n\
         [[endpoints]]\nkind = \"ping\"\npath = \"/ping\"\n",
        mapping.display()
    ));

    assert!(ok, "{stderr}");
    assert!(stdout.contains("ok (1 indices, 1 endpoints)"), "{stdout}");
}

#[test]
fn every_problem_is_printed_with_its_line() {
    let (ok, _, stderr) = check(
        r#"[backend]
kind = "embedded"

[indices.visits]
mappings = '{"properties": {"name": {"type": "text"}, "tag": {"type": "geo_shape"}}}'

[[endpoints]]
kind = "search"
path = "/search"
index = "visit"
text = { field = "name" }
source = ["name"]

[[endpoints]]
kind = "search"
path = "search"
index = "visits"
text = { field = "nmae" }
source = ["name"]
size = { default = 10, max = 100000 }

[[endpoints]]
kind = "delete-by-query"
path = "/delete"
index = "visits"
term = { field = "name" }
colour = "blue"
"#,
    );

    assert!(!ok);
    let expected = [
        "FILE:5:12: indices.visits.mappings: properties.tag.type: type `geo_shape` is not supported",
        "FILE:10:9: endpoints[0].index: no index named `visit` is declared (declared: none)",
        "FILE:16:8: endpoints[1].path: `search` must start with `/`",
        "FILE:27:10: endpoints[2].colour: unknown field `colour`",
    ];
    for line in expected {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    assert!(stderr.contains("4 problem(s) found"), "{stderr}");
}

#[test]
fn field_and_limit_problems_point_into_the_endpoint() {
    let (ok, _, stderr) = check(
        r#"[backend]
kind = "embedded"

[indices.visits]
mappings = '{"properties": {"name": {"type": "text"}, "tag": {"type": "keyword"}}}'

[[endpoints]]
kind = "search"
path = "/search"
index = "visits"
text = { field = "nmae" }
source = ["name", "tags"]
size = { default = 10, max = 100000 }

[[endpoints]]
kind = "delete-by-query"
path = "/search"
index = "visits"
term = { field = "name" }
"#,
    );

    assert!(!ok);
    let expected = [
        "FILE:11:18: endpoints[0].text.field: index `visits` has no field `nmae` in its mapping",
        "FILE:12:19: endpoints[0].source[1]: index `visits` has no field `tags` in its mapping",
        "FILE:13:30: endpoints[0].size.max: must be 1..=10000",
        "FILE:17:8: endpoints[1].path: another endpoint already uses `/search`",
        "FILE:19:18: endpoints[1].term.field: `name` is a text field",
    ];
    for line in expected {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    assert!(stderr.contains("5 problem(s) found"), "{stderr}");
}

#[test]
fn a_toml_syntax_error_points_at_its_line() {
    let (ok, _, stderr) = check("[backend]\nkind = \"embedded\n");

    assert!(!ok);
    assert!(stderr.starts_with("FILE:2:"), "{stderr}");
}

#[test]
fn the_bundled_example_passes() {
    let output = common::moat().arg("check").output().unwrap();
    assert!(output.status.success());
}
