//! The embedded analyzer against the engines' `standard` analyzer, on every Unicode code
//! point, so the analyzer's tables stay tied to the reference. It needs a server, found as the
//! other tests find theirs (`MOAT_TEST_ES_URL`, `MOAT_TEST_OPENSEARCH_URL`).

mod common;

use common::Engine;
use moat::backend::embedded::analyzer::analyze;
use serde_json::{Value, json};

/// Each code point alone (one per line) gives the same tokens in the embedded analyzer as in
/// each remote engine's `standard` analyzer.
#[test]
fn every_code_point_is_analysed_as_the_engines_do() {
    let client = reqwest::blocking::Client::new();
    let points: Vec<char> =
        (0x21..=0x10_FFFF).filter_map(char::from_u32).filter(|c| !is_private_use(*c)).collect();

    for engine in Engine::remotes() {
        let Engine::Remote { name, url } = &engine else { continue };
        let mut checked = 0;

        for chunk in points.chunks(4_000) {
            let text = one_per_line(chunk);
            let expected = engine_tokens(&client, url, &text);
            let found = analyze(&text);

            if let Some(index) = (0..expected.len().max(found.len()))
                .find(|index| expected.get(*index) != found.get(*index))
            {
                panic!(
                    "{name} and the embedded analyzer split U+{:04X}..U+{:04X} differently: \
                     token {index} is {:?} there and {:?} here (after {:?}); re-derive the \
                     table in src/backend/embedded/analyzer/classes.rs",
                    u32::from(chunk[0]),
                    u32::from(chunk[chunk.len() - 1]),
                    expected.get(index),
                    found.get(index),
                    index.checked_sub(1).and_then(|before| found.get(before)),
                );
            }
            checked += chunk.len();
        }
        println!("analysis on {name}: {checked} code points give the same tokens");
    }
}

/// The tokens the engine at `url` finds in `text` with the `standard` analyzer.
fn engine_tokens(client: &reqwest::blocking::Client, url: &str, text: &str) -> Vec<String> {
    let body = json!({"analyzer": "standard", "text": text});
    let answer: Value = client
        .post(format!("{url}/_analyze"))
        .json(&body)
        .send()
        .and_then(reqwest::blocking::Response::error_for_status)
        .and_then(reqwest::blocking::Response::json)
        .expect("the engine analyses the text");

    let tokens = answer["tokens"].as_array().expect("a list of tokens");
    tokens.iter().map(|token| token["token"].as_str().unwrap_or_default().to_owned()).collect()
}

/// The characters one per line, so that none joins its neighbours.
fn one_per_line(chars: &[char]) -> String {
    let mut text = String::with_capacity(chars.len() * 5);
    for c in chars {
        text.push(*c);
        text.push('\n');
    }
    text
}

/// Private use characters, which no engine is expected to treat alike.
fn is_private_use(c: char) -> bool {
    matches!(u32::from(c), 0xE000..=0xF8FF | 0xF_0000..)
}
