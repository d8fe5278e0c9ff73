//! `moat check` finds the mistakes of declared search and template endpoints, each at its
//! place in the file.

mod common;

/// The problem lines `moat check` prints for `text`, which must fail.
fn problems(text: &str) -> Vec<String> {
    common::config_problems(text, "F")
}

/// A backend and an index with one field of each kind, ending at line 7.
const VISITS: &str = r#"[backend]
kind = "embedded"

[indices.visits]
mappings = '''{"properties": {"notes": {"type": "text"}, "species": {"type": "keyword"},
  "born": {"type": "date"}, "weight": {"type": "float"}}}'''

"#;

#[test]
fn fields_that_do_not_suit_their_use_are_named_where_they_are() {
    let found = problems(&format!(
        r#"{VISITS}[[endpoints]]
kind = "search"
path = "/visits"
index = "visits"
text = {{ param = "q", fields = ["notes^2", "species"], mode = "typo" }}
filters = [
  {{ param = "colour", field = "colour" }}, {{ param = "w", field = "notes", kind = "range" }},
]
sorts = {{ default = "newest", options = {{ relevance = ["_score"], wordy = ["-notes"] }} }}
facets = [{{ field = "weight" }}]
highlight = {{ fields = ["species"] }}
fixed_filters = [{{ field = "born", value = "someday" }}]
source = ["notes"]
rename = {{ notes = "id" }}
id = "id"
"#
    ));

    let expected = [
        "F:12:44: endpoints[0].text.fields[1]: `species` is a keyword field; text search needs a \
         text field",
        "F:14:31: endpoints[0].filters[0].field: index `visits` has no field `colour` in its \
         mapping",
        "F:14:66: endpoints[0].filters[1].field: `notes` is a text field; a range filter needs a \
         number or date field",
        "F:16:21: endpoints[0].sorts.default: `newest` is not one of the options (relevance, \
         wordy)",
        "F:16:76: endpoints[0].sorts.options.wordy[0]: `notes` is a text field; sorting needs a \
         keyword, number, date or boolean field (a text field has a `.keyword` sub-field for that)",
        "F:17:21: endpoints[0].facets[0].field: `weight` is a float field; facets count the values \
         of keyword fields",
        "F:18:25: endpoints[0].highlight.fields[0]: `species` is a keyword field; highlighting \
         marks words of text fields",
        "F:19:18: endpoints[0].fixed_filters[0]: field `born` is a date field, but `someday` is \
         not an ISO 8601 date such as 2024-05-01 or 2024-05-01T10:30:00Z",
        "F:21:10: endpoints[0].rename: two returned values would be named `id`",
        "9 problem(s) found",
    ];
    assert_eq!(found, expected);
}

#[test]
fn template_placeholders_must_match_declared_parameters() {
    let found = problems(&format!(
        r#"{VISITS}[[endpoints]]
kind = "template"
path = "/by-species"
index = "visits"
source = ["notes"]
query = '{{"bool": {{"filter": [{{"term": {{"species": "{{{{kind}}}}"}}}}]}}}}'
params.unused = {{ type = "string" }}

[[endpoints]]
kind = "template"
path = "/scripted"
index = "visits"
source = ["notes"]
query = '{{"script": {{"source": "{{{{s}}}}"}}}}'
params.s = {{ type = "string" }}
"#
    ));

    let expected = [
        "F:13:9: endpoints[0].query: the placeholder `{{kind}}` has no declared parameter; \
         declare `params.kind`",
        "F:14:17: endpoints[0].params.unused: `unused` is used by no placeholder of the query",
        "F:21:9: endpoints[1].query: query.script: `script` is not supported; use match_all, \
         match, match_phrase, match_bool_prefix, term, terms, range, exists or bool",
        "3 problem(s) found",
    ];
    assert_eq!(found, expected);
}
