//! `moat check` prints every problem of a config with its location.

mod common;

use common::shared_data;

fn check(text: &str) -> (bool, String, String) {
    common::check_config(text, "FILE")
}

/// The problem lines `moat check` prints for `text`, which must fail.
fn problems(text: &str) -> Vec<String> {
    common::config_problems(text, "FILE")
}

/// A valid backend and index, ending at line 5, for tests that add endpoints.
const VISITS: &str = r#"[backend]
kind = "embedded"

[indices.visits]
mappings = '{"properties": {"name": {"type": "text"}, "age": {"type": "integer"}}}'
"#;

#[test]
fn a_valid_config_passes() {
    let mapping = shared_data("vet-visits.mappings.json");
    let (ok, stdout, stderr) = check(&format!(
        "[backend]\nkind = \"embedded\"\n\n[indices.visits]\nmappings_file = \"{}\"\n\n\
         [[endpoints]]\nkind = \"ping\"\npath = \"/ping\"\n",
        mapping.display()
    ));

    assert!(ok, "{stderr}");
    assert!(stdout.contains("ok (1 index, 1 endpoint)"), "{stdout}");
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
        "FILE:5:12: indices.visits.mappings: properties.tag.type: type `geo_shape` is not \
         supported",
        "FILE:10:9: endpoints[0].index: no index named `visit` is declared (declared: none)",
        "FILE:16:8: endpoints[1].path: `search` must start with `/`",
        "FILE:20:30: endpoints[1].size.max: must be 1..=10000",
        "FILE:27:10: endpoints[2].colour: unknown field `colour`",
    ];
    for line in expected {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    assert!(stderr.contains("5 problem(s) found"), "{stderr}");
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
        "FILE:17:8: endpoints[1].path: endpoints[0] already uses `/search`",
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

#[test]
fn field_names_the_index_cannot_hold_are_refused() {
    let (ok, _, stderr) = check(
        r#"[backend]
kind = "embedded"

[indices.visits]
mappings = """{"properties": {
  "_id": {"type": "keyword"},
  "_source": {"type": "keyword"},
  "_seq": {"type": "long"},
  "": {"type": "keyword"},
  "-draft": {"type": "keyword"},
  "a..b": {"type": "keyword"}, ".a": {"type": "keyword"}, "a.": {"type": "keyword"},
  "name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
  "name.raw": {"type": "keyword"},
  "clinic": {"properties": {"city": {"type": "keyword"}}},
  "clinic.city": {"type": "keyword"}
}}"""

[[endpoints]]
kind = "ping"
path = "/ping"
"#,
    );

    assert!(!ok);
    let at = "FILE:5:12: indices.visits.mappings: properties.";
    let reserved = "is reserved for moat's own fields (`_id`, `_source`, `_seq`); rename the \
                    field";
    let expected = [
        format!("{at}_id: `_id` {reserved}"),
        format!("{at}_source: `_source` {reserved}"),
        format!("{at}_seq: `_seq` {reserved}"),
        format!("{at}: a field name must not be empty"),
        format!("{at}-draft: `-draft`: a field name must not start with `-`"),
        format!("{at}a..b: `a..b` has an empty part between dots; write names such as `a.b`"),
        format!("{at}.a: `.a` has an empty part between dots; write names such as `a.b`"),
        format!("{at}a.: `a.` has an empty part between dots; write names such as `a.b`"),
        format!("{at}name.raw: `name.raw` is already mapped at `properties.name.fields.raw`"),
        format!(
            "{at}clinic.city: `clinic.city` is already mapped at \
             `properties.clinic.properties.city`"
        ),
        "10 problem(s) found".to_owned(),
    ];
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected, "{stderr}");
}

#[test]
fn endpoint_paths_the_router_cannot_take_are_refused() {
    let found = problems(
        r#"[backend]
kind = "embedded"

[[endpoints]]
kind = "job-status"
path = "/tasks/:id"

[[endpoints]]
kind = "ping"
path = "/files/*rest"

[[endpoints]]
kind = "ping"
path = "/a/{x"

[[endpoints]]
kind = "ping"
path = "/a//b"

[[endpoints]]
kind = "ping"
path = "/ping/"

[[endpoints]]
kind = "ping"
path = "/docs/ping"

[[endpoints]]
kind = "ping"
path = "/openapi.json"

[[endpoints]]
kind = "ping"
path = "/a/{x}"

[[endpoints]]
kind = "ping"
path = "/a/{y}"

[[endpoints]]
kind = "ping"
path = "/a/{x}"

[[endpoints]]
kind = "job-status"
path = "/jobs/{id}"
"#,
    );

    let served = "is served by moat itself (the API docs under `/docs` and `/openapi.json`); \
                  choose another path";
    let expected = [
        "FILE:6:8: endpoints[0].path: `:id`: write a parameter as `{id}`".to_owned(),
        "FILE:10:8: endpoints[1].path: `*rest`: wildcard segments are not supported; a segment \
         is literal or one `{name}` parameter"
            .to_owned(),
        "FILE:14:8: endpoints[2].path: `{x`: braces must enclose a whole segment, as in \
         `/tasks/{task_id}`"
            .to_owned(),
        "FILE:18:8: endpoints[3].path: `/a//b` has an empty segment (`//`)".to_owned(),
        "FILE:22:8: endpoints[4].path: `/ping/` must not end with `/`".to_owned(),
        format!("FILE:26:8: endpoints[5].path: `/docs/ping` {served}"),
        format!("FILE:30:8: endpoints[6].path: `/openapi.json` {served}"),
        "FILE:38:8: endpoints[8].path: `/a/{y}` answers the same requests as `/a/{x}` of \
         endpoints[7]"
            .to_owned(),
        "FILE:42:8: endpoints[9].path: endpoints[7] already uses `/a/{x}`".to_owned(),
        "FILE:46:8: endpoints[10].path: a job-status path must hold `{task_id}`, as in \
         `/tasks/{task_id}`"
            .to_owned(),
        "10 problem(s) found".to_owned(),
    ];
    assert_eq!(found, expected);
}

#[test]
fn index_names_follow_elasticsearch() {
    let long = "x".repeat(256);
    let found = problems(&format!(
        r#"[backend]
kind = "embedded"

[indices.Visits]
mappings = '{{"properties": {{"name": {{"type": "text"}}}}}}'

[indices."../escape"]
mappings = '{{"properties": {{"name": {{"type": "text"}}}}}}'

[indices._hidden]
mappings = '{{"properties": {{"name": {{"type": "text"}}}}}}'

[indices."a b"]
mappings = '{{"properties": {{"name": {{"type": "text"}}}}}}'

[indices.{long}]
mappings = '{{"properties": {{"name": {{"type": "text"}}}}}}'

[[endpoints]]
kind = "search"
path = "/search"
index = "Visits"
text = {{ field = "name" }}
source = ["name"]
"#
    ));

    let forbidden = "an index name must not hold \\ / * ? \" < > | , # : or spaces";
    let expected = [
        "FILE:4:1: indices.Visits: `Visits`: an index name must be lowercase".to_owned(),
        format!("FILE:7:1: indices.../escape: `../escape` holds `/`; {forbidden}"),
        "FILE:10:1: indices._hidden: `_hidden`: an index name must not start with `-`, `_` \
         or `+`"
            .to_owned(),
        format!("FILE:13:1: indices.a b: `a b` holds a space; {forbidden}"),
        format!(
            "FILE:16:1: indices.{long}: an index name is at most 255 bytes long; this one is 256"
        ),
        "5 problem(s) found".to_owned(),
    ];
    assert_eq!(found, expected);
}

#[test]
fn an_empty_file_names_what_is_missing_without_a_place() {
    let found = problems("");

    let expected = [
        "FILE: missing `[backend]`; for a local index write `[backend]` with \
         `kind = \"embedded\"`",
        "FILE: no endpoint is declared; declare at least one `[[endpoints]]`",
        "2 problem(s) found",
    ];
    assert_eq!(found, expected);
}

#[test]
fn problems_are_printed_in_file_order() {
    let found = problems(
        r#"[[endpoints]]
kind = "ping"
path = "ping"

[backend]
kind = "embedded"

[indices.Visits]
mappings = '{"properties": {"name": {"type": "text"}}}'

[server]
max_body_bytes = 0
"#,
    );
    let expected = [
        "FILE:3:8: endpoints[0].path: `ping` must start with `/`",
        "FILE:8:1: indices.Visits: `Visits`: an index name must be lowercase",
        "FILE:12:18: server.max_body_bytes: must be 1 or more",
        "3 problem(s) found",
    ];
    assert_eq!(found, expected);

    let found = problems("[backend]\nkind = \"embedded\"\n\n[indices.Visits]\nmappings = '{}'\n");
    let expected = [
        "FILE: no endpoint is declared; declare at least one `[[endpoints]]`",
        "FILE:4:1: indices.Visits: `Visits`: an index name must be lowercase",
        "FILE:5:12: indices.Visits.mappings: properties: a mapping needs a `properties` object",
        "3 problem(s) found",
    ];
    assert_eq!(found, expected);
}

#[test]
fn a_host_name_is_not_an_address() {
    let found = problems(&format!(
        "[server]\naddr = \"localhost:8000\"\n\n{VISITS}\n[[endpoints]]\nkind = \"ping\"\n\
         path = \"/ping\"\n"
    ));

    let expected = [
        "FILE:2:8: server.addr: the address must be an IP address and port such as \
         127.0.0.1:8000, not `localhost:8000` (host names are not resolved)",
        "1 problem(s) found",
    ];
    assert_eq!(found, expected);
}

#[test]
fn a_duplicate_key_is_named() {
    let found = problems("[backend]\nkind = \"embedded\"\nkind = \"embedded\"\n");

    assert_eq!(found, ["FILE:3:1: duplicate key `kind`", "1 problem(s) found"]);
}

#[test]
fn endpoint_parameters_and_limits_are_checked() {
    let found = problems(&format!(
        r#"{VISITS}
[[endpoints]]
kind = "search"
path = "/search"
index = "visits"
text = {{ param = "size", field = "age" }}
source = []

[[endpoints]]
kind = "search"
path = "/search-empty"
index = "visits"
text = {{ param = "", field = "name", max_chars = 0 }}
source = ["name"]

[[endpoints]]
kind = "delete-by-query"
path = "/delete"
index = "visits"
term = {{ param = "pet-name", field = "age", max_chars = 0 }}
"#
    ));

    let expected = [
        "FILE:11:18: endpoints[0].text.param: `size` is a parameter of every search; choose \
         another",
        "FILE:11:34: endpoints[0].text.field: `age` is an integer field; text search needs a \
         text field",
        "FILE:12:10: endpoints[0].source: list at least one field for each hit to return",
        "FILE:18:18: endpoints[1].text.param: a parameter name must not be empty",
        "FILE:18:50: endpoints[1].text.max_chars: must be 1 or more",
        "FILE:25:18: endpoints[2].term.param: `pet-name` is not a parameter name; use letters, \
         digits and `_`, not starting with a digit",
        "FILE:25:57: endpoints[2].term.max_chars: must be 1 or more",
        "7 problem(s) found",
    ];
    assert_eq!(found, expected);
}

#[test]
fn an_empty_endpoint_list_is_a_problem() {
    let found = problems("endpoints = []\n\n[backend]\nkind = \"embedded\"\n");

    let expected = [
        "FILE:1:13: endpoints: no endpoint is declared; declare at least one `[[endpoints]]`",
        "1 problem(s) found",
    ];
    assert_eq!(found, expected);
}
