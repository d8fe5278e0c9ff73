//! The feature differential test: every declarative search feature answers the same on the
//! embedded backend as on Elasticsearch, and on OpenSearch when one is set up too.
//!
//! One corpus (`common::corpus::rich_documents`: the phrase corpus plus a date, a float, an
//! integer, a keyword list and a flag, each missing from some documents) is loaded with the
//! real `moat ingest` into every engine. Requests built from a fixed seed then run through the
//! endpoints' own `plan_request` and `Backend::search`, and the answers must agree:
//!
//! - text modes `all`, `any`, `prefix`, `typo` (and `phrase`, for its highlights) over two
//!   fields, one boosted: the same totals; the same hits when every match fits the page, but
//!   for hits tied with the score where a page was cut; and the same order for hits one engine
//!   scores clearly apart, as in `differential.rs`. Typo scores differ by design (Lucene
//!   rewrites a fuzzy word into its top terms, blending their frequencies; the embedded index
//!   gives each a constant score), so typo searches are ordered only under a field sort;
//! - filters (exact, list, range on a date, a float and an integer, exists), fixed filters,
//!   named sorts (a keyword list: its smallest value ascending, its largest descending; a
//!   date, a float, an integer, a flag; missing values last) and pages 1 to n: the same hits in
//!   the same order. Ties come in load order on every engine, so sorts with ties are compared
//!   hit by hit too. The values engines round are probed on purpose: a day as an exact date,
//!   bounds finer than a float holds, fractions on an integer field;
//! - facets: the same values and counts in the same order;
//! - highlights: the same text once the tags are taken out, and the same marked spans once
//!   marks separated only by spaces or punctuation are merged (Elasticsearch marks a matched
//!   phrase as one span, OpenSearch each of its words).
//!
//! Each engine then serves the same config with `moat serve`, and over HTTP:
//!
//! - cursor walks of seven hits a page, over sorts full of ties, return every matching
//!   document exactly once, in the same order on every engine, and end with a null
//!   `next_cursor`;
//! - an endpoint with `total_cap` answers the cap and `total_capped` when more match.
//!
//! A summary line per remote engine counts the requests compared and the disagreements; the
//! test fails listing the first disagreements. Like the other differential test it needs a
//! server: without `MOAT_TEST_ES_URL` or `MOAT_TEST_OPENSEARCH_URL` it prints a note and
//! passes, unless `MOAT_TEST_REQUIRE_ENGINES=1`.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{Engine, Server, corpus};
use moat::api::endpoints::search::{Declared, plan_request};
use moat::backend::{Backend, SearchResponse};
use moat::config::EndpointKind;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};
use tokio::runtime::Runtime;

/// How many documents the corpus holds.
const DOCUMENTS: usize = 2_500;

/// The page size of the compared requests.
const SIZE: u64 = 100;

/// The page size of the cursor walks.
const WALK_SIZE: u64 = 7;

/// Two scores of one engine whose relative difference is at most this are a tie.
const TIE: f32 = 1e-3;

/// The fewest requests compared per engine.
const MIN_REQUESTS: usize = 150;

/// How many disagreements a failure lists.
const SHOWN: usize = 25;

/// The highlight tags, as [`SHARED`] declares them.
const PRE: &str = "<mark>";
const POST: &str = "</mark>";

/// The text modes, each served by the endpoint of the same name.
const MODES: [&str; 5] = ["all", "any", "prefix", "typo", "phrase"];

/// The sorts of `/browse` compared page by page: the first [`UNTIED`] end with the unique
/// `visit_id`; the others leave ties, which every engine breaks by load order.
#[rustfmt::skip]
const SORTS: [&str; 13] = [
    "visit", "tags", "tags_desc", "oldest", "newest", "lightest", "heaviest", "youngest",
    "eldest", "insured", "pet", "species", "tag_ties",
];

/// How many of [`SORTS`] order every hit.
const UNTIED: usize = 11;

/// Every feature of the search endpoints, on every engine of the run.
#[test]
fn every_search_feature_answers_the_same_on_every_engine() {
    let remotes = Engine::remotes();
    if remotes.is_empty() {
        return;
    }
    let started = Instant::now();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let documents = corpus::rich_documents(DOCUMENTS);
    let facts = Facts::new(&documents);
    let files = write_corpus(dir.path(), &documents);
    let probes = probes(&facts);

    let mut embedded = Side::load(&Engine::Embedded, dir.path(), &files, &facts, &runtime);
    let mut others: Vec<Side> = remotes
        .iter()
        .map(|remote| Side::load(remote, dir.path(), &files, &facts, &runtime))
        .collect();
    let mut tallies: Vec<Tally> = others.iter().map(|_| Tally::default()).collect();
    let loaded = started.elapsed();

    compare_plans(&embedded, &others, &probes, &mut tallies, &runtime);
    let planned = started.elapsed();
    compare_served(&mut embedded, &mut others, &facts, &mut tallies);

    let mut failures = Vec::new();
    for (other, tally) in others.iter().zip(&tallies) {
        println!("{}", tally.summary(other.name));
        let name = other.name;
        failures.extend(tally.disagreements.iter().map(|problem| format!("{name}: {problem}")));
        assert!(tally.requests >= MIN_REQUESTS, "only {} requests compared", tally.requests);
    }
    println!(
        "differential features: {} probes and {} cursor walks; loaded in {:.1} s, plans \
         compared in {:.1} s, served answers in {:.1} s",
        probes.len(),
        walks().len(),
        loaded.as_secs_f32(),
        (planned - loaded).as_secs_f32(),
        (started.elapsed() - planned).as_secs_f32()
    );
    let shown: Vec<&str> = failures.iter().take(SHOWN).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} disagreements; the first:\n{}",
        failures.len(),
        shown.join("\n")
    );
}

/// Runs every probe once on the embedded backend and on each remote engine, and compares.
fn compare_plans(
    embedded: &Side,
    others: &[Side],
    probes: &[Probe],
    tallies: &mut [Tally],
    runtime: &Runtime,
) {
    for probe in probes {
        let here = embedded.run(probe, runtime);
        for (other, tally) in others.iter().zip(tallies.iter_mut()) {
            let there = other.run(probe, runtime);
            tally.compare(probe, &here, &there, other.name);
        }
    }
}

/// Serves each side with `moat serve` in turn, walks the cursors and asks the capped
/// endpoint, and compares each remote engine's answers with the embedded ones.
fn compare_served(embedded: &mut Side, others: &mut [Side], facts: &Facts, tallies: &mut [Tally]) {
    let server = embedded.serve();
    let walks_here: Vec<Result<Walked, String>> =
        walks().iter().map(|body| walk(&server, body)).collect();
    let capped_here: Vec<Value> = caps().iter().map(|body| capped(&server, body)).collect();
    drop(server);

    for (other, tally) in others.iter_mut().zip(tallies.iter_mut()) {
        let server = other.serve();
        for (body, here) in walks().iter().zip(&walks_here) {
            let there = walk(&server, body);
            tally.compare_walks(body, here, &there, other.name);
        }
        for (body, here) in caps().iter().zip(&capped_here) {
            let there = capped(&server, body);
            tally.compare_capped(body, here, &there, facts, other.name);
        }
    }
}

// ----- The corpus and what the requests are built from -----

/// The corpus on disk.
struct CorpusFiles {
    documents: PathBuf,
    mapping: PathBuf,
}

fn write_corpus(dir: &Path, documents: &[Value]) -> CorpusFiles {
    let path = dir.join("visits.ndjson");
    let lines: Vec<String> = documents.iter().map(Value::to_string).collect();
    std::fs::write(&path, lines.join("\n") + "\n").expect("the corpus is written");

    let mapping = dir.join("visits.mapping.json");
    std::fs::write(&mapping, corpus::rich_mapping().to_string()).expect("the mapping is written");
    CorpusFiles { documents: path, mapping }
}

/// The values the corpus holds, which requests pick from so they find something.
struct Facts {
    species: Vec<String>,
    breeds: Vec<String>,
    tags: Vec<String>,
    vaccines: Vec<String>,
    /// The visit dates as written.
    dates: Vec<String>,
    /// The days on which some visit has a time.
    timed_days: Vec<String>,
    weights: Vec<f64>,
    /// How many visits are of dogs: the cap of `/capped`.
    dogs: u64,
}

impl Facts {
    fn new(documents: &[Value]) -> Facts {
        let strings = |field: &str| -> Vec<String> {
            let mut values: BTreeSet<String> = BTreeSet::new();
            for document in documents {
                match &document[field] {
                    Value::String(text) => {
                        values.insert(text.clone());
                    }
                    Value::Array(items) => {
                        values.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    _ => {}
                }
            }
            values.into_iter().collect()
        };
        let dates = strings("visit_date");
        let timed_days: BTreeSet<String> =
            dates.iter().filter(|date| date.len() > 10).map(|date| date[..10].to_owned()).collect();
        let mut weights: Vec<f64> = documents
            .iter()
            .filter_map(|document| match &document["weight_kg"] {
                Value::Number(number) => number.as_f64(),
                Value::String(text) => text.parse().ok(),
                _ => None,
            })
            .collect();
        weights.sort_by(f64::total_cmp);
        weights.dedup();
        let dogs = documents.iter().filter(|document| document["species"] == "Dog").count();

        Facts {
            species: strings("species"),
            breeds: strings("breed"),
            tags: strings("tags"),
            vaccines: strings("vaccination_history"),
            dates,
            timed_days: timed_days.into_iter().collect(),
            weights,
            dogs: dogs as u64,
        }
    }
}

// ----- The engines -----

/// One backend loaded with the corpus, its config, and its endpoints resolved.
struct Side {
    name: &'static str,
    config: PathBuf,
    data_dir: PathBuf,
    /// The backend opened in this process; closed before `moat serve` takes the data.
    backend: Option<Backend>,
    endpoints: HashMap<String, Declared>,
    /// The remote index to delete when done, with its server.
    remote: Option<(String, String)>,
}

impl Side {
    /// Writes the config, loads the corpus with `moat ingest` and opens the backend.
    fn load(
        engine: &Engine,
        dir: &Path,
        files: &CorpusFiles,
        facts: &Facts,
        runtime: &Runtime,
    ) -> Side {
        let index = format!("moat-features-{}", common::unique());
        let data_dir = dir.join(format!("data-{index}"));
        let config_path = dir.join(format!("{index}.toml"));
        let text = config_text(engine, &index, &files.mapping, facts.dogs);
        std::fs::write(&config_path, text).expect("the config is written");

        let output = common::moat()
            .arg("ingest")
            .arg(&files.documents)
            .args(["--index", &index, "--config"])
            .arg(&config_path)
            .arg("--data-dir")
            .arg(&data_dir)
            .output()
            .expect("moat ingest runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success()
                && stdout.contains(&format!("{DOCUMENTS} documents indexed, 0 rejected")),
            "ingest failed on {}: {stdout}{}",
            engine.name(),
            String::from_utf8_lossy(&output.stderr)
        );

        let config = moat::config::load(&config_path).expect("the config loads");
        let (backend, _) = Backend::open(&config, &data_dir).expect("the backend opens");
        let count = runtime.block_on(backend.count(&index)).expect("the index counts");
        assert_eq!(count, DOCUMENTS as u64, "documents in {}", engine.name());

        let endpoints = config
            .endpoints
            .iter()
            .filter_map(|endpoint| match &endpoint.kind {
                EndpointKind::Search(search) => {
                    let mapping = &config.index(&search.index)?.mapping;
                    let declared = Declared::new(&endpoint.path, search, mapping);
                    Some((endpoint.path.clone(), declared))
                }
                _ => None,
            })
            .collect();
        let remote = match engine {
            Engine::Remote { url, .. } => Some((url.clone(), index)),
            Engine::Embedded => None,
        };
        Side {
            name: engine.name(),
            config: config_path,
            data_dir,
            backend: Some(backend),
            endpoints,
            remote,
        }
    }

    /// Runs `probe` through its endpoint's plan on the backend.
    fn run(&self, probe: &Probe, runtime: &Runtime) -> Result<SearchResponse, String> {
        let declared = &self.endpoints[probe.path];
        let body = probe.body.as_object().cloned().unwrap_or_default();
        let request = plan_request(declared, body).map_err(|error| format!("{error:?}"))?;
        let backend = self.backend.as_ref().expect("the backend is open");
        runtime
            .block_on(backend.search(&declared.endpoint.index, request))
            .map_err(|error| format!("the search failed: {error}"))
    }

    /// Closes the backend and starts `moat serve` on the same config and data.
    fn serve(&mut self) -> Server {
        self.backend = None;
        Server::start_logging(&self.config, &self.data_dir, "warn")
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        if let Some((url, index)) = &self.remote {
            let _ = reqwest::blocking::Client::new().delete(format!("{url}/{index}")).send();
        }
    }
}

/// The config: the corpus index and the endpoints compared.
fn config_text(engine: &Engine, index: &str, mapping: &Path, cap: u64) -> String {
    let mut text = engine.backend_toml(30_000) + &common::index_toml(index, mapping);
    for mode in MODES {
        text += &TEXT_ENDPOINT.replace("MODE", mode);
    }
    text += ENDPOINTS;
    text.replace("INDEX", index).replace("CAP", &cap.to_string()).replace("SHARED", SHARED)
}

/// What the endpoints but `/capped` share: the returned field, facets cut among ties, and
/// highlights.
const SHARED: &str = r#"source = ["visit_id"]
size = { default = 10, max = 100 }
facets = [
    { field = "species" },
    { field = "tags" },
    { field = "vaccination_history", size = 3 },
    { field = "breed", size = 4 },
    { field = "owner_name.keyword", size = 5 },
    { field = "pet_name.keyword", size = 6 },
]
highlight = { fields = ["visit_details", "owner_name"], pre_tag = "<mark>", post_tag = "</mark>" }
"#;

/// The endpoint of one text mode, over two fields, one boosted.
const TEXT_ENDPOINT: &str = r#"
[[endpoints]]
kind = "search"
path = "/MODE"
index = "INDEX"
text = { param = "q", fields = ["visit_details^2", "owner_name"], mode = "MODE" }
SHARED
[endpoints.sorts]
default = "relevance"
options = { relevance = ["_score"], newest = ["-visit_date", "visit_id"] }
"#;

/// The endpoints of filters, sorts, cursors, fixed filters and the total cap.
const ENDPOINTS: &str = r#"
[[endpoints]]
kind = "search"
path = "/browse"
index = "INDEX"
text = { param = "q", fields = ["visit_details^2", "owner_name"], mode = "all", required = false }
SHARED
filters = [
    { param = "species", field = "species" },
    { param = "breed", field = "breed", kind = "list" },
    { param = "tags", field = "tags", kind = "list" },
    { param = "vaccine", field = "vaccination_history", kind = "list" },
    { param = "date", field = "visit_date", kind = "range" },
    { param = "day", field = "visit_date" },
    { param = "weight", field = "weight_kg", kind = "range" },
    { param = "kg", field = "weight_kg" },
    { param = "age", field = "age_years", kind = "range" },
    { param = "years", field = "age_years" },
    { param = "insured", field = "insured" },
    { param = "dated", field = "visit_date", kind = "exists" },
    { param = "weighed", field = "weight_kg", kind = "exists" },
    { param = "tagged", field = "tags", kind = "exists" },
    { param = "aged", field = "age_years", kind = "exists" },
]
paging = { max_depth = 10000, cursor = true }

[endpoints.sorts]
default = "visit"

[endpoints.sorts.options]
visit = ["visit_id"]
tags = ["tags", "visit_id"]
tags_desc = ["-tags", "visit_id"]
oldest = ["visit_date", "visit_id"]
newest = ["-visit_date", "visit_id"]
lightest = ["weight_kg", "visit_id"]
heaviest = ["-weight_kg", "visit_id"]
youngest = ["age_years", "visit_id"]
eldest = ["-age_years", "visit_id"]
insured = ["-insured", "visit_id"]
pet = ["pet_name.keyword", "-visit_date", "visit_id"]
relevance = ["_score"]
species = ["species"]
tag_ties = ["tags"]
tag_ties_desc = ["-tags"]
date_ties = ["-visit_date"]
weight_ties = ["weight_kg"]

[[endpoints]]
kind = "search"
path = "/dogs"
index = "INDEX"
text = { param = "q", field = "visit_details", mode = "any", required = false }
SHARED
fixed_filters = [
    { field = "species", value = "Dog" },
    { field = "tags", values = ["senior", "chronic", "follow-up"] },
]
sorts = { default = "visit", options = { visit = ["visit_id"], relevance = ["_score"] } }

[[endpoints]]
kind = "search"
path = "/fixed"
index = "INDEX"
SHARED
fixed_filters = [
    { field = "insured", value = true },
    { field = "age_years", values = [1, 2, 3, 4, 5] },
]
filters = [{ param = "weight", field = "weight_kg", kind = "range" }]
sorts = { default = "visit", options = { visit = ["visit_id"], heaviest = ["-weight_kg"] } }

[[endpoints]]
kind = "search"
path = "/chip"
index = "INDEX"
text = { param = "q", field = "chip", mode = "typo" }
source = ["visit_id"]
size = { default = 10, max = 100 }
sorts = { default = "visit", options = { visit = ["visit_id"] } }

[[endpoints]]
kind = "search"
path = "/capped"
index = "INDEX"
source = ["visit_id"]
total_cap = CAP
filters = [{ param = "species", field = "species" }]
sorts = { default = "visit", options = { visit = ["visit_id"] } }
"#;

// ----- The requests -----

/// One request compared: the endpoint, the client's parameters, and what must agree.
struct Probe {
    feature: &'static str,
    path: &'static str,
    body: Value,
    order: Order,
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {} {}", self.feature, self.path, self.body)
    }
}

/// What a probe's hits must agree on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// The same hits in the same order.
    Exact,
    /// Ranked by score: hits tied where a page was cut may differ, hits scored clearly apart
    /// come in the same order.
    Scored,
    /// The same hits when every match fits the page, in any order.
    Unordered,
}

fn probe(feature: &'static str, path: &'static str, body: Value, order: Order) -> Probe {
    Probe { feature, path, body, order }
}

/// Every probe, built from the corpus seed.
fn probes(facts: &Facts) -> Vec<Probe> {
    let mut rng = ChaCha8Rng::seed_from_u64(corpus::RICH_SEED + 1);
    let mut probes = text_probes(&mut rng);
    probes.extend(filter_probes(&mut rng, facts));
    probes.extend(sort_probes(&mut rng, facts));
    probes.extend(fixed_probes());
    probes.extend(page_probes());
    probes.extend(edge_probes(facts));
    probes.extend(text_edge_probes());
    probes
}

/// Ten texts per mode, each by relevance and by date.
fn text_probes(rng: &mut ChaCha8Rng) -> Vec<Probe> {
    let details = corpus::detail_words();
    let names = corpus::name_words();
    let typo_pool: Vec<String> =
        details.iter().chain(&names).filter(|word| word.chars().count() >= 3).cloned().collect();
    let mut probes = Vec::new();

    for (mode, path) in MODES.into_iter().zip(["/all", "/any", "/prefix", "/typo", "/phrase"]) {
        for _ in 0..10 {
            let text = match mode {
                "all" => run_of_words(rng, 1..3),
                "any" => any_words(rng, &details, &names),
                "prefix" => typed_so_far(rng),
                "typo" => {
                    let words: Vec<String> =
                        (0..rng.random_range(1..=2)).map(|_| misspell(rng, &typo_pool)).collect();
                    words.join(" ")
                }
                _ => run_of_words(rng, 2..4),
            };
            let order = if mode == "typo" { Order::Unordered } else { Order::Scored };
            probes.push(probe("text", path, json!({"q": text, "size": SIZE}), order));
            let sorted = json!({"q": text, "size": SIZE, "sort": "newest"});
            probes.push(probe("text sorted", path, sorted, Order::Exact));
        }
    }
    probes
}

/// A few words in a row of one fragment or one owner name, as written.
fn run_of_words(rng: &mut ChaCha8Rng, count: Range<usize>) -> String {
    let source = if rng.random_bool(0.75) {
        pick(rng, corpus::fragments()).to_owned()
    } else {
        let names = corpus::name_words();
        format!("{} {}", pick(rng, &names), pick(rng, &names))
    };
    let words: Vec<&str> = source.split_whitespace().collect();
    let count = rng.random_range(count).min(words.len());
    let start = rng.random_range(0..=words.len() - count);
    words[start..start + count].join(" ")
}

/// Two or three words of the visit details or the owner names.
fn any_words(rng: &mut ChaCha8Rng, details: &[String], names: &[String]) -> String {
    let words: Vec<String> = (0..rng.random_range(2..=3))
        .map(|_| if rng.random_bool(0.7) { pick(rng, details) } else { pick(rng, names) })
        .collect();
    words.join(" ")
}

/// A few words in a row, the last cut after one to five characters, as a client types them.
fn typed_so_far(rng: &mut ChaCha8Rng) -> String {
    let words = run_of_words(rng, 1..3);
    let mut words: Vec<&str> = words.split_whitespace().collect();
    let last = words.pop().unwrap_or("a");
    let keep = rng.random_range(1..=last.chars().count().min(5));
    let end = last.char_indices().nth(keep).map_or(last.len(), |(at, _)| at);
    words.push(&last[..end]);
    words.join(" ")
}

/// One of `words` with as many typos as `typo` mode forgives, sometimes one more.
fn misspell(rng: &mut ChaCha8Rng, words: &[String]) -> String {
    let mut chars: Vec<char> = pick(rng, words).chars().collect();
    let allowed = if chars.len() <= 5 { 1 } else { 2 };
    let edits = if rng.random_bool(0.2) { allowed + 1 } else { rng.random_range(1..=allowed) };

    for _ in 0..edits {
        let at = rng.random_range(0..chars.len());
        let letter = *b"abcdefghijklmnopqrstuvwxyz".choose(rng).unwrap_or(&b'e') as char;
        match rng.random_range(0..4) {
            0 => chars[at] = letter,
            1 if chars.len() > 3 => {
                chars.remove(at);
            }
            2 if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => chars.insert(at, letter),
        }
    }
    chars.into_iter().collect()
}

/// Forty mixes of one to three client filters, sometimes with a text, in an exact order.
fn filter_probes(rng: &mut ChaCha8Rng, facts: &Facts) -> Vec<Probe> {
    let mut probes = Vec::new();
    for _ in 0..40 {
        let mut body = Map::new();
        for _ in 0..rng.random_range(1..=3) {
            add_filter(rng, facts, &mut body);
        }
        if rng.random_bool(0.25) {
            body.insert("q".into(), json!(pick(rng, &corpus::detail_words())));
        }
        body.insert("sort".into(), json!(pick(rng, &SORTS[..UNTIED])));
        body.insert("size".into(), json!(SIZE));
        probes.push(probe("filters", "/browse", Value::Object(body), Order::Exact));
    }
    probes
}

/// Adds one filter the corpus has values for.
fn add_filter(rng: &mut ChaCha8Rng, facts: &Facts, body: &mut Map<String, Value>) {
    let (name, value) = match rng.random_range(0..10) {
        0 => ("species", json!(pick(rng, &facts.species))),
        1 => ("breed", some(rng, &facts.breeds, 3)),
        2 => ("tags", some(rng, &facts.tags, 2)),
        3 => ("vaccine", some(rng, &facts.vaccines, 2)),
        4 => {
            let day = pick(rng, &facts.dates)[..10].to_owned();
            let end = date_plus(&day, rng.random_range(0..90));
            match rng.random_range(0..3) {
                0 => ("date_from", json!(day)),
                1 => ("date_to", json!(end)),
                _ => {
                    body.insert("date_from".into(), json!(day));
                    ("date_to", json!(end))
                }
            }
        }
        5 => {
            let low = *facts.weights.choose(rng).unwrap_or(&1.0);
            let high = *facts.weights.choose(rng).unwrap_or(&1.0);
            let (low, high) = (low.min(high), low.max(high));
            match rng.random_range(0..3) {
                0 => ("weight_from", json!(low)),
                1 => ("weight_to", json!(high)),
                _ => {
                    body.insert("weight_from".into(), json!(low));
                    ("weight_to", json!(high))
                }
            }
        }
        6 => {
            let low = rng.random_range(0..=18);
            body.insert("age_from".into(), json!(low));
            ("age_to", json!(rng.random_range(low..=18)))
        }
        7 => ("years", json!(rng.random_range(0..=18))),
        8 => ("insured", json!(rng.random_bool(0.5))),
        _ => {
            let name = *["dated", "weighed", "tagged", "aged"].choose(rng).unwrap_or(&"dated");
            (name, json!(rng.random_bool(0.5)))
        }
    };
    body.insert(name.into(), value);
}

/// One to `most` of `values`.
fn some(rng: &mut ChaCha8Rng, values: &[String], most: usize) -> Value {
    let count = rng.random_range(1..=most);
    json!(values.choose_multiple(rng, count).collect::<Vec<_>>())
}

/// Each sort: its first page, its last page (where missing values come), and a filtered page.
fn sort_probes(rng: &mut ChaCha8Rng, facts: &Facts) -> Vec<Probe> {
    let last_page = DOCUMENTS.div_ceil(SIZE as usize);
    let mut probes = Vec::new();
    for sort in SORTS {
        for page in [1, last_page] {
            let body = json!({"sort": sort, "size": SIZE, "page": page});
            probes.push(probe("sorts", "/browse", body, Order::Exact));
        }
        let mut body = Map::new();
        add_filter(rng, facts, &mut body);
        body.insert("sort".into(), json!(sort));
        body.insert("size".into(), json!(SIZE));
        probes.push(probe("sorts", "/browse", Value::Object(body), Order::Exact));
    }
    probes
}

/// The endpoints with fixed filters, alone and with the client's text and filters.
fn fixed_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    for q in [None, Some("dental"), Some("ear infection"), Some("very good boy")] {
        let mut body = json!({"size": SIZE});
        if let Some(q) = q {
            body["q"] = json!(q);
        }
        probes.push(probe("fixed filters", "/dogs", body, Order::Exact));
    }
    for body in [
        json!({"size": SIZE}),
        json!({"size": SIZE, "sort": "heaviest"}),
        json!({"size": SIZE, "weight_from": 10, "weight_to": 30.5}),
    ] {
        probes.push(probe("fixed filters", "/fixed", body, Order::Exact));
    }
    probes
}

/// Pages 1 to n of sorted searches, ties included.
fn page_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    let walks = [
        ("/browse", json!({"sort": "oldest", "species": "Cat"}), 8),
        ("/browse", json!({"sort": "species"}), 6),
        ("/browse", json!({"sort": "tag_ties", "insured": false}), 6),
        ("/any", json!({"sort": "newest", "q": "ear skin"}), 5),
    ];
    for (path, body, pages) in walks {
        for page in 1..=pages {
            let mut body = body.clone();
            body["page"] = json!(page);
            body["size"] = json!(10);
            probes.push(probe("pages", path, body, Order::Exact));
        }
    }
    probes
}

/// The spellings of values where engines round: dates with and without times, offsets and
/// epoch milliseconds; floats closer than a float's precision; integers with fractions.
fn edge_probes(facts: &Facts) -> Vec<Probe> {
    let day = |n: usize| facts.timed_days[n * 7 % facts.timed_days.len()].clone();
    let weight = |n: usize| facts.weights[n * 37 % facts.weights.len()];
    let millis = |day: &str| {
        let date =
            time::Date::parse(day, time::macros::format_description!("[year]-[month]-[day]"));
        date.map(|date| date.midnight().assume_utc().unix_timestamp() * 1000).unwrap_or(0)
    };
    let bodies = [
        json!({"date_from": day(1), "date_to": day(1)}),
        json!({"date_to": day(2)}),
        json!({
            "date_from": format!("{}T10:00:00Z", day(3)),
            "date_to": format!("{}T18:30", day(3)),
        }),
        json!({"date_from": day(4), "date_to": format!("{}T12:00:00+02:00", day(5))}),
        json!({"date_from": millis(&day(6)), "date_to": millis(&day(7)) + 86_400_000}),
        json!({"day": day(8)}),
        json!({"day": format!("{}T00:00:00Z", day(9))}),
        json!({"kg": weight(1)}),
        json!({"kg": weight(2).to_string()}),
        json!({"weight_from": weight(3), "weight_to": weight(3)}),
        json!({"weight_from": weight(4) + 1e-7, "weight_to": weight(5) - 1e-7}),
        json!({"kg": weight(6) + 1e-7}),
        json!({"age_from": 3.5, "age_to": 7.5}),
        json!({"years": 4.0}),
        json!({"years": 4.5}),
        json!({"tags": ["Chronic"]}),
        json!({"tags": ["chronic", "zz-last"], "tagged": true}),
        json!({"tagged": false}),
        json!({"species": "dog"}),
        json!({"insured": "true"}),
    ];
    bodies
        .into_iter()
        .map(|mut body| {
            body["size"] = json!(SIZE);
            body["sort"] = json!("oldest");
            probe("edge values", "/browse", body, Order::Exact)
        })
        .collect()
}

/// Texts at the edges of the modes: nothing but punctuation, a last word ended by a space or
/// a full stop (which Elasticsearch takes as a whole word, not a prefix), an apostrophe inside
/// the prefix, accents and capitals left out of a misspelt word, and words with up to fifty
/// indexed words within their typos. Beyond fifty the engines keep the fifty nearest spellings
/// and the embedded backend keeps them all (a known difference, stated in
/// src/backend/embedded/compile.rs), so no probe goes there.
fn text_edge_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    for (path, q) in [
        ("/all", "--"),
        ("/any", "-- !!!"),
        ("/prefix", "--"),
        ("/prefix", "dental "),
        ("/prefix", "dent "),
        ("/prefix", "dent."),
        ("/prefix", "o'c"),
        ("/prefix", "very very g"),
        ("/typo", "jose"),
        ("/typo", "MARTINEZ"),
        ("/typo", "dentl cleanig"),
        ("/typo", "nguyen"),
        ("/phrase", "dental cleaning"),
        ("/chip", "chip0"),
        ("/chip", "chpi07"),
    ] {
        let order = if path == "/typo" { Order::Unordered } else { Order::Scored };
        let order = if path == "/chip" { Order::Exact } else { order };
        probes.push(probe("text edges", path, json!({"q": q, "size": SIZE}), order));
    }
    probes
}

/// The day `days` after `day` (both `YYYY-MM-DD`).
fn date_plus(day: &str, days: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, format).expect("a corpus day");
    (date + time::Duration::days(days)).to_string()
}

fn pick<T: Clone>(rng: &mut ChaCha8Rng, choices: &[T]) -> T {
    choices.choose(rng).cloned().expect("a choice")
}

// ----- Comparing library answers -----

/// What the comparison with one remote engine saw.
#[derive(Default)]
struct Tally {
    /// Requests compared, cursor pages and capped requests included.
    requests: usize,
    /// Requests per feature.
    features: BTreeMap<&'static str, usize>,
    /// Facets compared.
    facets: usize,
    /// Highlighted hits compared.
    highlights: usize,
    /// Highlights written differently whose text and merged marks agree.
    merged_marks: usize,
    /// Fields OpenSearch marked although their every-word clause did not match.
    opensearch_extra_marks: usize,
    /// Requests that matched nothing on either engine.
    empty: usize,
    /// Pairs of hits scored clearly apart whose order was checked.
    ordered_pairs: usize,
    /// Cursor walks compared, and their pages on this engine.
    walks: usize,
    walk_pages: usize,
    disagreements: Vec<String>,
}

impl Tally {
    /// Compares the embedded answer to `probe` with the remote one.
    fn compare(
        &mut self,
        probe: &Probe,
        here: &Result<SearchResponse, String>,
        there: &Result<SearchResponse, String>,
        name: &str,
    ) {
        self.requests += 1;
        *self.features.entry(probe.feature).or_default() += 1;
        let (here, there) = match (here, there) {
            (Ok(here), Ok(there)) => (here, there),
            (here, there) => {
                let error = |side: &Result<SearchResponse, String>| match side {
                    Ok(_) => "answered".to_owned(),
                    Err(error) => error.clone(),
                };
                self.disagree(
                    probe,
                    format!("embedded: {}; {name}: {}", error(here), error(there)),
                );
                return;
            }
        };

        let mut problems = Vec::new();
        self.empty += usize::from(here.total == 0 && there.total == 0);
        if (here.total, here.total_is_lower_bound) != (there.total, there.total_is_lower_bound) {
            problems.push(format!("total {} here, {} on {name}", here.total, there.total));
        }
        let (ours, theirs) = (Ranked::new(here), Ranked::new(there));
        problems.extend(match probe.order {
            Order::Exact => ours.order_problems(&theirs, name),
            Order::Scored => {
                self.ordered_pairs +=
                    ours.clear_pairs(&theirs).len() + theirs.clear_pairs(&ours).len();
                ours.scored_problems(&theirs, name)
            }
            Order::Unordered => ours.set_problems(&theirs, name),
        });

        self.facets += here.facets.len();
        if here.facets.len() != there.facets.len() {
            let counts = (here.facets.len(), there.facets.len());
            problems.push(format!("{} facets here, {} on {name}", counts.0, counts.1));
        }
        let differing: Vec<_> =
            here.facets.iter().zip(&there.facets).filter(|(ours, theirs)| ours != theirs).collect();
        if let Some((ours, theirs)) = differing.first() {
            let show = |facet: &moat::backend::Facet| {
                let buckets = facet.buckets.iter().map(|b| format!("{} {}", b.value, b.count));
                buckets.collect::<Vec<_>>().join(", ")
            };
            problems.push(format!(
                "{} facets differ, first {}: [{}] here, [{}] on {name}",
                differing.len(),
                ours.field,
                show(ours),
                show(theirs)
            ));
        }

        let highlights = self.highlight_problems(here, there, name);
        if !highlights.is_empty() {
            let first: Vec<&str> = highlights.iter().take(2).map(String::as_str).collect();
            problems.push(format!("{} highlights differ: {}", highlights.len(), first.join("; ")));
        }
        if !problems.is_empty() {
            self.disagree(probe, problems.join("; "));
        }
    }

    /// The highlights of the hits both engines returned, compared.
    fn highlight_problems(
        &mut self,
        here: &SearchResponse,
        there: &SearchResponse,
        name: &str,
    ) -> Vec<String> {
        let theirs: HashMap<&str, &Map<String, Value>> =
            there.hits.iter().map(|hit| (visit_id(&hit.source), &hit.highlight)).collect();
        let mut problems = Vec::new();

        for hit in &here.hits {
            let Some(marked) = theirs.get(visit_id(&hit.source)) else { continue };
            self.highlights += usize::from(!hit.highlight.is_empty());
            let fields: BTreeSet<&String> = hit.highlight.keys().chain(marked.keys()).collect();
            for field in fields {
                let ours = marks(hit.highlight.get(field));
                let others = marks(marked.get(field));
                self.merged_marks +=
                    usize::from(ours == others && hit.highlight.get(field) != marked.get(field));
                // OpenSearch also marks the words of a field whose every-word clause did not
                // match the document; Elasticsearch, and the embedded backend after it, do not.
                let unmatched_clause = name == "opensearch" && hit.highlight.get(field).is_none();
                self.opensearch_extra_marks += usize::from(unmatched_clause && ours != others);
                if ours != others && !unmatched_clause {
                    problems.push(format!(
                        "highlight of {} in {}: {} here, {} on {name}",
                        field,
                        visit_id(&hit.source),
                        json!(hit.highlight.get(field)),
                        json!(marked.get(field))
                    ));
                }
            }
        }
        problems
    }

    fn disagree(&mut self, probe: &Probe, problem: String) {
        self.disagreements.push(format!("{probe}: {problem}"));
    }

    /// The summary line.
    fn summary(&self, name: &str) -> String {
        let features: Vec<String> =
            self.features.iter().map(|(feature, count)| format!("{feature} {count}")).collect();
        format!(
            "differential features embedded vs {name}: {DOCUMENTS} documents, {} requests \
             compared ({}; {} cursor walks of {} pages; {} matching nothing), {} facets, {} \
             highlighted hits ({} equal once adjacent marks merge, {} marked by OpenSearch alone \
             in fields whose clause did not match), {} ordered pairs checked, {} disagreements",
            self.requests,
            features.join(", "),
            self.walks,
            self.walk_pages,
            self.empty,
            self.facets,
            self.highlights,
            self.merged_marks,
            self.opensearch_extra_marks,
            self.ordered_pairs,
            self.disagreements.len()
        )
    }
}

fn visit_id(source: &Map<String, Value>) -> &str {
    source.get("visit_id").and_then(Value::as_str).unwrap_or("?")
}

/// A highlight read back: each value's text without the tags, and its marked spans, marks
/// separated by no more than spaces and punctuation merged into one.
fn marks(highlight: Option<&Value>) -> Vec<(String, Vec<String>)> {
    let values = highlight.and_then(Value::as_array).cloned().unwrap_or_default();
    values.iter().filter_map(Value::as_str).map(read_marks).collect()
}

fn read_marks(marked: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut rest = marked;
    while let Some(start) = rest.find(PRE) {
        text.push_str(&rest[..start]);
        rest = &rest[start + PRE.len()..];
        let end = rest.find(POST).unwrap_or(rest.len());
        let from = text.len();
        text.push_str(&rest[..end]);
        rest = rest.get(end + POST.len()..).unwrap_or("");

        match spans.last_mut() {
            Some(last) if !text[last.end..from].chars().any(char::is_alphanumeric) => {
                last.end = text.len();
            }
            _ => spans.push(from..text.len()),
        }
    }
    text.push_str(rest);
    let spans = spans.into_iter().map(|span| text[span].to_owned()).collect();
    (text, spans)
}

/// The highlight reading the comparison relies on: tags out, neighbouring marks merged.
#[test]
fn marks_read_the_same_however_a_phrase_is_marked() {
    let whole = "<mark>Dental cleaning</mark>, <mark>dental</mark>-check &amp; <mark>x</mark>";
    let words = "<mark>Dental</mark> <mark>cleaning</mark>, <mark>dental</mark>-check &amp; \
                 <mark>x</mark>";
    let text = "Dental cleaning, dental-check &amp; x".to_owned();
    let expected = (text, vec!["Dental cleaning, dental".to_owned(), "x".to_owned()]);

    assert_eq!(read_marks(whole), expected);
    assert_eq!(read_marks(words), expected);
    assert_ne!(read_marks("<mark>Dental</mark> cleaning"), read_marks(whole));
}

/// An answer's hits: `visit_id` and score, in order.
struct Ranked {
    total: u64,
    hits: Vec<(String, f32)>,
}

impl Ranked {
    fn new(found: &SearchResponse) -> Ranked {
        let hits = found.hits.iter().map(|hit| (visit_id(&hit.source).to_owned(), hit.score));
        Ranked { total: found.total, hits: hits.collect() }
    }

    fn is_cut(&self) -> bool {
        self.total > self.hits.len() as u64
    }

    fn ids(&self) -> Vec<&str> {
        self.hits.iter().map(|(id, _)| id.as_str()).collect()
    }

    /// The same hits in the same order.
    fn order_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        let (ours, theirs) = (self.ids(), other.ids());
        if ours == theirs {
            return Vec::new();
        }
        let at = ours.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
        let around = |ids: &[&str]| sample(ids.iter().skip(at).copied());
        vec![format!(
            "hits differ from position {at} ({} hits here, {} on {name}): {} here, {} on {name}",
            ours.len(),
            theirs.len(),
            around(&ours),
            around(&theirs)
        )]
    }

    /// The same hits when every match fits the page.
    fn set_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        if self.is_cut() || other.is_cut() {
            return Vec::new();
        }
        let ours: BTreeSet<&str> = self.ids().into_iter().collect();
        let theirs: BTreeSet<&str> = other.ids().into_iter().collect();
        if ours == theirs {
            return Vec::new();
        }
        let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| sample(a.difference(b).copied());
        vec![format!(
            "hits only here: {}; only on {name}: {}",
            only(&ours, &theirs),
            only(&theirs, &ours)
        )]
    }

    /// The rules of relevance: the same hits but for ties at a page's cut, and hits one
    /// engine scores clearly apart in the same order on the other.
    fn scored_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let (only_here, only_there) = (self.missing_from(other), other.missing_from(self));
        if !only_here.is_empty() || !only_there.is_empty() {
            problems.push(format!(
                "hits only here: {}; only on {name}: {}",
                sample(only_here.into_iter()),
                sample(only_there.into_iter())
            ));
        }

        let swapped: Vec<String> = self
            .clear_pairs(other)
            .into_iter()
            .chain(other.clear_pairs(self))
            .filter(|(_, _, same)| !same)
            .map(|(better, worse, _)| format!("{better} before {worse}"))
            .collect();
        if !swapped.is_empty() {
            problems.push(format!(
                "order: clearly apart on one engine, swapped on the other: {}",
                sample(swapped.iter().map(String::as_str))
            ));
        }
        problems
    }

    /// The hits of this page `other` lacks, but for those tied with this page's cut.
    fn missing_from<'a>(&'a self, other: &Ranked) -> Vec<&'a str> {
        let theirs: HashSet<&str> = other.ids().into_iter().collect();
        let cut = self.hits.last().map(|(_, score)| *score).filter(|_| self.is_cut());
        self.hits
            .iter()
            .filter(|(id, score)| {
                !theirs.contains(id.as_str()) && !cut.is_some_and(|cut| ties(*score, cut))
            })
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The pairs this page scores clearly apart that `other` holds too, and whether `other`
    /// orders them the same way.
    fn clear_pairs<'a>(&'a self, other: &Ranked) -> Vec<(&'a str, &'a str, bool)> {
        let ranks: HashMap<&str, usize> =
            other.ids().into_iter().enumerate().map(|(rank, id)| (id, rank)).collect();
        let mut pairs = Vec::new();
        for (first, (better, high)) in self.hits.iter().enumerate() {
            for (worse, low) in &self.hits[first + 1..] {
                if let (Some(a), Some(b)) = (ranks.get(better.as_str()), ranks.get(worse.as_str()))
                    && !ties(*high, *low)
                {
                    pairs.push((better.as_str(), worse.as_str(), a < b));
                }
            }
        }
        pairs
    }
}

/// Whether two scores of one engine are equal but for rounding.
fn ties(a: f32, b: f32) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs())
}

/// The first few items, and how many there are.
fn sample<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<&str> = items.iter().take(5).copied().collect();
    format!("{} of them: {}", items.len(), shown.join(", "))
}

// ----- Over HTTP: cursor walks and the total cap -----

/// The cursor walks: sorts full of ties, over filters and texts.
fn walks() -> Vec<Value> {
    vec![
        json!({"sort": "species", "species": "Dog"}),
        json!({"sort": "species", "breed": ["Mixed", "Siamese", "Holland Lop"]}),
        json!({"sort": "tag_ties", "age_from": 4, "age_to": 9}),
        json!({"sort": "tag_ties_desc", "insured": true}),
        json!({"sort": "date_ties", "species": "Cat"}),
        json!({"sort": "weight_ties", "breed": ["Border Collie", "Maine Coon"]}),
        json!({"sort": "relevance", "q": "very"}),
        json!({"sort": "relevance", "q": "infection", "tagged": true}),
    ]
}

/// One walk: the `visit_id`s in the order the pages gave them.
struct Walked {
    total: u64,
    ids: Vec<String>,
    pages: usize,
}

/// Follows `next_cursor` from the first page of `body` on `/browse` to the last.
fn walk(server: &Server, body: &Value) -> Result<Walked, String> {
    let mut walked = Walked { total: 0, ids: Vec::new(), pages: 0 };
    let mut cursor: Option<String> = None;
    loop {
        let mut request = body.clone();
        request["size"] = json!(WALK_SIZE);
        if let Some(cursor) = &cursor {
            request["cursor"] = json!(cursor);
        }
        let answer = server.post("/browse", &request);
        if answer.status != 200 {
            return Err(format!(
                "page {} answered {}: {}",
                walked.pages + 1,
                answer.status,
                answer.body
            ));
        }
        walked.pages += 1;
        if walked.pages == 1 {
            walked.total = answer.json["total"].as_u64().unwrap_or_default();
        }
        let hits = answer.json["hits"].as_array().cloned().unwrap_or_default();
        walked
            .ids
            .extend(hits.iter().filter_map(|hit| hit["visit_id"].as_str()).map(str::to_owned));

        match answer.json.get("next_cursor") {
            Some(Value::String(next)) => cursor = Some(next.clone()),
            Some(Value::Null) => return Ok(walked),
            _ => return Err(format!("page {} has no next_cursor: {}", walked.pages, answer.body)),
        }
        if walked.pages as u64 > walked.total / WALK_SIZE + 2 {
            return Err(format!(
                "the walk goes on past {} pages for {} hits",
                walked.pages, walked.total
            ));
        }
    }
}

impl Tally {
    /// Compares two walks of `body`, and each with what a walk must be.
    fn compare_walks(
        &mut self,
        body: &Value,
        here: &Result<Walked, String>,
        there: &Result<Walked, String>,
        name: &str,
    ) {
        let probe = probe("cursor walk", "/browse", body.clone(), Order::Exact);
        self.walks += 1;
        *self.features.entry(probe.feature).or_default() += 1;
        let (here, there) = match (here, there) {
            (Ok(here), Ok(there)) => (here, there),
            (here, there) => {
                let error = |side: &Result<Walked, String>| match side {
                    Ok(_) => "walked".to_owned(),
                    Err(error) => error.clone(),
                };
                self.disagree(
                    &probe,
                    format!("embedded: {}; {name}: {}", error(here), error(there)),
                );
                return;
            }
        };
        self.requests += there.pages;
        self.walk_pages += there.pages;

        for (side, walked) in [("embedded", here), (name, there)] {
            let unique: HashSet<&String> = walked.ids.iter().collect();
            if unique.len() != walked.ids.len() || walked.ids.len() as u64 != walked.total {
                let problem = format!(
                    "on {side}: {} hits over {} pages, {} of them distinct, for a total of {}",
                    walked.ids.len(),
                    walked.pages,
                    unique.len(),
                    walked.total
                );
                self.disagree(&probe, problem);
            }
        }
        let ours = Ranked {
            total: here.total,
            hits: here.ids.iter().map(|id| (id.clone(), 0.0)).collect(),
        };
        let theirs = Ranked {
            total: there.total,
            hits: there.ids.iter().map(|id| (id.clone(), 0.0)).collect(),
        };
        for problem in ours.order_problems(&theirs, name) {
            self.disagree(&probe, problem);
        }
    }
}

/// The requests to the capped endpoint.
fn caps() -> Vec<Value> {
    vec![json!({}), json!({"species": "Dog"}), json!({"species": "Ferret"})]
}

/// The answer of `/capped` to `body`.
fn capped(server: &Server, body: &Value) -> Value {
    let answer = server.post("/capped", body);
    if answer.status == 200 {
        answer.json
    } else {
        json!({"status": answer.status, "body": answer.body})
    }
}

impl Tally {
    /// Compares the capped answers, and checks the embedded one against the corpus.
    fn compare_capped(
        &mut self,
        body: &Value,
        here: &Value,
        there: &Value,
        facts: &Facts,
        name: &str,
    ) {
        let probe = probe("total cap", "/capped", body.clone(), Order::Exact);
        self.requests += 1;
        *self.features.entry(probe.feature).or_default() += 1;

        let ids = |answer: &Value| -> Vec<String> {
            let hits = answer["hits"].as_array().cloned().unwrap_or_default();
            hits.iter().filter_map(|hit| hit["visit_id"].as_str()).map(str::to_owned).collect()
        };
        let shown = |answer: &Value| {
            format!("total {} total_capped {}", answer["total"], answer["total_capped"])
        };
        if here["total"] != there["total"]
            || here["total_capped"] != there["total_capped"]
            || ids(here) != ids(there)
        {
            self.disagree(&probe, format!("{} here, {} on {name}", shown(here), shown(there)));
        }

        let expected = match body["species"].as_str() {
            None => Some(json!({"total": facts.dogs, "total_capped": true})),
            Some("Dog") => Some(json!({"total": facts.dogs, "total_capped": false})),
            _ => None,
        };
        if let Some(expected) = expected
            && (here["total"] != expected["total"]
                || here["total_capped"] != expected["total_capped"])
        {
            self.disagree(
                &probe,
                format!("{} on every engine, expected {}", shown(here), shown(&expected)),
            );
        }
    }
}
