//! Throughput and latency of the embedded backend: bulk loading, phrase searches, and
//! declared searches with a filter, a sort, facets and highlighting.
//!
//! `cargo bench --bench embedded` prints numbers; it asserts nothing. The corpus is generated
//! from a fixed seed so runs compare. Set `MOAT_BENCH_DOCS` and `MOAT_BENCH_SEARCHES` to scale.

use std::time::{Duration, Instant};

use moat::backend::{Backend, FacetRequest, HighlightRequest, SearchRequest, SortKey};
use moat::config::{Origin, load_text};
use moat::ingest::{self, Progress, Rejection};
use moat::query::{Bool, Match, MatchPhrase, Operator, Query, Terms};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const WORDS: [&str; 24] = [
    "dental",
    "cleaning",
    "annual",
    "check-up",
    "nail",
    "trimming",
    "ear",
    "infection",
    "antibiotics",
    "x-ray",
    "leg",
    "strain",
    "weight",
    "loss",
    "diet",
    "vaccination",
    "update",
    "skin",
    "rash",
    "eye",
    "drops",
    "healthy",
    "active",
    "follow-up",
];

struct Quiet;

impl Progress for Quiet {
    fn advanced(&self, _bytes: u64) {}
    fn rejected(&self, rejection: &Rejection) {
        eprintln!("line {} rejected: {}", rejection.line, rejection.reason);
    }
}

fn main() {
    let documents = env_number("MOAT_BENCH_DOCS", 100_000);
    let searches = env_number("MOAT_BENCH_SEARCHES", 5_000);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(run(documents, searches));
}

async fn run(documents: usize, searches: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = config(dir.path());
    let (backend, _) = Backend::open(&config, dir.path()).expect("the index opens");

    let ndjson = corpus(documents);
    let started = Instant::now();
    let summary = ingest::load(&backend, "visits", ndjson.as_bytes(), 1000, &Quiet)
        .await
        .expect("the corpus loads");
    let load_time = started.elapsed();
    println!(
        "ingest: {} documents in {:.2} s ({:.0} documents/s, {:.1} MiB)",
        summary.indexed,
        load_time.as_secs_f64(),
        summary.indexed as f64 / load_time.as_secs_f64(),
        ndjson.len() as f64 / (1024.0 * 1024.0)
    );

    let phrases = (0..searches).map(|number| {
        let phrase = format!("{} {}", WORDS[number % WORDS.len()], WORDS[(number * 7 + 1) % 24]);
        let query = Query::MatchPhrase(MatchPhrase::new("visit_details", phrase));
        let source = vec!["owner_name".into(), "visit_details".into()];
        SearchRequest::new(query, 10, source)
    });
    let label = format!("search: {searches} phrase searches, size 10, one at a time");
    time_searches(&backend, &label, phrases.collect()).await;

    for (label, sort) in [
        ("newest first", SortKey::Field { field: "visit_date".into(), descending: true }),
        (
            "by owner keyword",
            SortKey::Field { field: "owner_name.keyword".into(), descending: false },
        ),
    ] {
        let requests = (0..searches / 5).map(|number| declared_request(number, sort.clone()));
        let label = format!(
            "declared search ({label}): all of two words, a two-value filter, 2 facets, \
             highlight, size 10"
        );
        time_searches(&backend, &label, requests.collect()).await;
    }
}

/// Runs `requests` one at a time and prints their rate and latencies under `label`.
async fn time_searches(backend: &Backend, label: &str, requests: Vec<SearchRequest>) {
    let count = requests.len();
    let mut latencies = Vec::with_capacity(count);
    let started = Instant::now();
    for request in requests {
        let one = Instant::now();
        backend.search("visits", request).await.expect("the search runs");
        latencies.push(one.elapsed());
    }
    let total = started.elapsed();

    latencies.sort();
    println!(
        "{label}: {:.0} searches/s, p50 {} p99 {} max {}",
        count as f64 / total.as_secs_f64(),
        micros(latencies[count / 2]),
        micros(latencies[count * 99 / 100]),
        micros(latencies[count - 1]),
    );
}

/// A search as a declared endpoint builds it: words, a list filter, a sort, facets and
/// highlighting.
fn declared_request(number: usize, sort: SortKey) -> SearchRequest {
    let words = format!("{} {}", WORDS[number % WORDS.len()], WORDS[(number * 5 + 3) % 24]);
    let text = Match {
        field: "visit_details".into(),
        text: words,
        operator: Operator::And,
        fuzzy: false,
        boost: None,
    };
    let filter = Terms { field: "species".into(), values: vec!["Dog".into(), "Cat".into()] };
    let query = Query::Bool(Box::new(Bool {
        must: vec![Query::Match(text)],
        filter: vec![Query::Terms(filter)],
        ..Bool::default()
    }));

    let mut request = SearchRequest::new(query, 10, vec!["owner_name".into()]);
    request.sort = vec![sort];
    request.facets = ["species", "owner_name.keyword"]
        .map(|field| FacetRequest { field: field.into(), size: 10 })
        .to_vec();
    request.highlight = Some(HighlightRequest {
        fields: vec!["visit_details".into()],
        pre_tag: "<em>".into(),
        post_tag: "</em>".into(),
    });
    request
}

fn config(dir: &std::path::Path) -> moat::config::Config {
    let text = r#"
[backend]
kind = "embedded"

[indices.visits]
mappings = '''{"properties": {
  "owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
  "visit_details": {"type": "text"},
  "species": {"type": "keyword"},
  "visit_date": {"type": "date"}
}}'''

[[endpoints]]
kind = "ping"
path = "/ping"
"#;
    load_text(text, Origin::File(dir.join("bench.toml"))).expect("the bench config is valid")
}

/// `count` documents of six to twenty words, drawn from a seeded generator.
fn corpus(count: usize) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut out = String::new();

    for number in 0..count {
        let length = rng.random_range(6..=20);
        let words: Vec<&str> =
            (0..length).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect();
        let species = ["Dog", "Cat", "Rabbit", "Parrot", "Ferret", "Hamster"][number % 6];
        let day = rng.random_range(1..=28);
        let line = serde_json::json!({
            "owner_name": format!("Owner {number}"),
            "visit_details": words.join(" "),
            "species": species,
            "visit_date": format!("2024-{:02}-{day:02}", number % 12 + 1),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn micros(duration: Duration) -> String {
    format!("{} µs", duration.as_micros())
}
