//! The differential test: the same declared search endpoints over the same seeded corpus find
//! the same hits on the embedded index as on Elasticsearch, and on OpenSearch when one is set
//! up too.
//!
//! The corpus (`common::corpus`) is written as NDJSON and loaded into each backend with the
//! real `moat ingest`. Every phrase of the corpus's lists is then planned with the search
//! endpoint's own [`plan`] function and run on both backends, whose answers must agree:
//!
//! - on `total`;
//! - on the hits, by `visit_id`, when every match fits in the page; when not, hits may differ
//!   only among those tied with the last score of the page that holds them;
//! - on order: two hits one engine scores clearly apart (a relative difference above [`TIE`])
//!   come in the same order on the other. Raw scores are never compared, as their scales
//!   differ: Elasticsearch's BM25 leaves out the `k1 + 1` factor Tantivy and OpenSearch keep.
//!
//! Those are the rules the engines promise. The embedded backend goes further and orders
//! hits of equal score oldest first, as a freshly loaded Elasticsearch index does, so the
//! summary it prints also counts the requests whose pages came out identical.
//!
//! The test needs a server: they read `MOAT_TEST_ES_URL` and `MOAT_TEST_OPENSEARCH_URL` as
//! the other tests do, and without them print a note and pass, unless
//! `MOAT_TEST_REQUIRE_ENGINES=1` makes a missing server a failure.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{Engine, corpus};
use moat::api::endpoints::search::{Declared, plan_request};
use moat::backend::{Backend, SearchResponse};
use moat::config::EndpointKind;
use serde_json::{Value, json};
use tokio::runtime::Runtime;

/// How many documents the corpus holds.
const DOCUMENTS: usize = 2_500;

/// The page size of every request: the most a client may ask for.
const SIZE: usize = 100;

/// Two scores of one engine whose relative difference is at most this are a tie.
const TIE: f32 = 1e-3;

/// The endpoint searching visit details.
const VISITS: &str = "/visits";

/// The endpoint searching owner names.
const OWNERS: &str = "/owners";

/// The fewest requests the comparison must run, as the project requires.
const MIN_REQUESTS: usize = 60;

/// Every phrase of the corpus lists, on both endpoints, finds the same hits on the embedded
/// backend as on each remote engine.
#[test]
fn embedded_and_remote_engines_find_the_same_hits() {
    let remotes = Engine::remotes();
    if remotes.is_empty() {
        return;
    }
    let started = Instant::now();
    let runtime = runtime();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let corpus = write_corpus(dir.path());

    let embedded = Side::load(&Engine::Embedded, dir.path(), &corpus, &runtime);
    let mut failures = Vec::new();

    for remote in &remotes {
        let other = Side::load(remote, dir.path(), &corpus, &runtime);
        let compared = Instant::now();
        let tally = compare(&embedded, &other, &runtime);
        assert!(tally.requests >= MIN_REQUESTS, "only {} requests compared", tally.requests);

        println!(
            "differential embedded vs {}: {DOCUMENTS} documents, {} requests compared ({} with \
             more matches than the page, {} with identical pages), {} ordered pairs checked, {} \
             hits swapped among ties at a page's cut, {} disagreements, {:.1} s",
            other.name,
            tally.requests,
            tally.cut_pages,
            tally.identical,
            tally.ordered_pairs,
            tally.swapped_at_cut,
            tally.disagreements.len(),
            compared.elapsed().as_secs_f32()
        );
        for disagreement in &tally.disagreements {
            println!("  {}: {disagreement}", other.name);
        }
        let lines = tally.disagreements.into_iter().map(|line| format!("{}: {line}", other.name));
        failures.extend(lines);
    }

    println!("differential run took {:.1} s in all", started.elapsed().as_secs_f32());
    assert!(failures.is_empty(), "the backends disagree:\n{}", failures.join("\n"));
}

/// A runtime for the backends' async calls.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime")
}

/// The corpus on disk: documents and mapping.
struct CorpusFiles {
    documents: PathBuf,
    mapping: PathBuf,
}

/// Writes the corpus documents and mapping into `dir`.
fn write_corpus(dir: &Path) -> CorpusFiles {
    let documents = dir.join("visits.ndjson");
    let lines: Vec<String> = corpus::documents(DOCUMENTS).iter().map(Value::to_string).collect();
    std::fs::write(&documents, lines.join("\n") + "\n").expect("the corpus is written");

    let mapping = dir.join("visits.mapping.json");
    std::fs::write(&mapping, corpus::mapping().to_string()).expect("the mapping is written");
    CorpusFiles { documents, mapping }
}

/// One backend, loaded with the corpus and opened in this process.
struct Side {
    /// The engine's short name.
    name: &'static str,
    backend: Backend,
    /// The endpoint searching visit details.
    visits: Declared,
    /// The endpoint searching owner names.
    owners: Declared,
    /// The remote index to delete when done, with its server.
    remote: Option<(String, String)>,
}

impl Side {
    /// Writes a config for `engine`, loads the corpus with `moat ingest`, and opens the
    /// backend from the same config.
    fn load(engine: &Engine, dir: &Path, corpus: &CorpusFiles, runtime: &Runtime) -> Side {
        let config_text = |index: &str| config_text(engine, index, &corpus.mapping);
        let loaded = common::ingest_and_open(
            engine,
            dir,
            "moat-differential",
            config_text,
            &corpus.documents,
            DOCUMENTS,
            runtime,
        );
        let common::Loaded { config, backend, index, .. } = loaded;

        let remote = match engine {
            Engine::Remote { url, .. } => Some((url.clone(), index)),
            Engine::Embedded => None,
        };
        Side {
            name: engine.name(),
            visits: search_endpoint(&config, VISITS),
            owners: search_endpoint(&config, OWNERS),
            backend,
            remote,
        }
    }

    /// Runs `phrase` on the endpoint searching `field`.
    fn search(&self, field: &str, phrase: &str, runtime: &Runtime) -> SearchResponse {
        let endpoint = if field == "owner_name" { &self.owners } else { &self.visits };
        let body = json!({"term": phrase, "size": SIZE}).as_object().cloned().unwrap_or_default();

        let request = plan_request(endpoint, body)
            .unwrap_or_else(|error| panic!("{phrase:?} is not a valid request: {error}"));
        runtime
            .block_on(self.backend.search(&endpoint.endpoint.index, request))
            .unwrap_or_else(|error| panic!("{} failed on {phrase:?}: {error}", self.name))
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        if let Some((url, index)) = &self.remote {
            let _ = reqwest::blocking::Client::new().delete(format!("{url}/{index}")).send();
        }
    }
}

/// A config declaring the corpus index and the two search endpoints over it.
fn config_text(engine: &Engine, index: &str, mapping: &Path) -> String {
    [
        engine.backend_toml(30_000),
        common::index_toml(index, mapping),
        common::search_toml(VISITS, index, "visit_details", &["visit_id", "visit_details"]),
        common::search_toml(OWNERS, index, "owner_name", &["visit_id", "owner_name"]),
    ]
    .concat()
}

/// The search endpoint the config declares at `path`.
fn search_endpoint(config: &moat::config::Config, path: &str) -> Declared {
    config
        .endpoints
        .iter()
        .find_map(|endpoint| match &endpoint.kind {
            EndpointKind::Search(search) if endpoint.path == path => {
                let index = config.index(&search.index)?;
                Some(Declared::new(path, search, &index.mapping))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("the config declares {path}"))
}

/// What a comparison of two backends saw.
#[derive(Default)]
struct Tally {
    /// Requests run on both.
    requests: usize,
    /// Requests matching more documents than a page holds.
    cut_pages: usize,
    /// Pairs of hits one engine scored clearly apart, whose order the other was checked for.
    ordered_pairs: usize,
    /// Hits on one page only; excused when tied with the score where their page was cut.
    swapped_at_cut: usize,
    /// Requests whose pages hold the same hits in the same order, ties included.
    identical: usize,
    /// What disagreed, one sentence each.
    disagreements: Vec<String>,
}

/// Runs every phrase on both sides and compares the answers.
fn compare(embedded: &Side, remote: &Side, runtime: &Runtime) -> Tally {
    let requests = corpus::phrases()
        .into_iter()
        .map(|phrase| ("visit_details", phrase))
        .chain(corpus::owner_phrases().into_iter().map(|phrase| ("owner_name", phrase)));
    let mut tally = Tally::default();

    for (field, phrase) in requests {
        let here = Page::new(&embedded.search(field, &phrase, runtime));
        let there = Page::new(&remote.search(field, &phrase, runtime));

        tally.requests += 1;
        tally.cut_pages += usize::from(here.is_cut() || there.is_cut());
        tally.ordered_pairs += here.ordered_pairs(&there) + there.ordered_pairs(&here);
        tally.swapped_at_cut += here.only_here(&there) + there.only_here(&here);
        tally.identical += usize::from(here.same_ids(&there));
        let problems = here.disagreements(&there, remote.name);
        tally
            .disagreements
            .extend(problems.into_iter().map(|problem| format!("{field} {phrase:?}: {problem}")));
    }

    tally
}

/// One engine's answer: the total and the hits, best first.
struct Page {
    total: u64,
    hits: Vec<Scored>,
}

/// A hit by its `visit_id`, with the engine's score.
struct Scored {
    id: String,
    score: f32,
}

impl std::fmt::Display for Scored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.id, self.score)
    }
}

/// Two hits one engine scores clearly apart, and whether the other engine agrees.
struct Pair<'a> {
    better: &'a Scored,
    worse: &'a Scored,
    same_order: bool,
}

impl Page {
    /// Reads a backend's answer.
    fn new(response: &SearchResponse) -> Page {
        let hits = response
            .hits
            .iter()
            .map(|hit| {
                let id = hit.source.get("visit_id").and_then(Value::as_str);
                let id = id.expect("every hit has its visit_id").to_owned();
                Scored { id, score: hit.score }
            })
            .collect();
        Page { total: response.total, hits }
    }

    /// Whether the page leaves out matching documents.
    fn is_cut(&self) -> bool {
        self.total > self.hits.len() as u64
    }

    /// Whether `score` ties with the last score of a page that was cut: such a hit may be
    /// swapped for another of the same score.
    fn ties_with_cut(&self, score: f32) -> bool {
        self.is_cut() && self.hits.last().is_some_and(|last| ties(score, last.score))
    }

    /// What this (embedded) page and `other` disagree on, each a sentence.
    fn disagreements(&self, other: &Page, name: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if self.total != other.total {
            problems.push(format!("total {} here, {} on {name}", self.total, other.total));
        }

        let only_here = self.missing_from(other);
        let only_there = other.missing_from(self);
        if !only_here.is_empty() || !only_there.is_empty() {
            problems.push(format!(
                "hits only here: {}; only on {name}: {}",
                sample(&only_here),
                sample(&only_there)
            ));
        }

        let swapped = self.inversions(other);
        let swapped_there = other.inversions(self);
        if !swapped.is_empty() || !swapped_there.is_empty() {
            problems.push(format!(
                "order: clearly apart here but swapped on {name}: {}; clearly apart on {name} \
                 but swapped here: {}",
                sample(&swapped),
                sample(&swapped_there)
            ));
        }
        problems
    }

    /// The hits of this page that `other` lacks, but for those tied at this page's cut.
    fn missing_from(&self, other: &Page) -> Vec<String> {
        let theirs: HashSet<&str> = other.hits.iter().map(|hit| hit.id.as_str()).collect();

        self.hits
            .iter()
            .filter(|hit| !theirs.contains(hit.id.as_str()) && !self.ties_with_cut(hit.score))
            .map(Scored::to_string)
            .collect()
    }

    /// Whether `other` holds the same hits in the same order.
    fn same_ids(&self, other: &Page) -> bool {
        self.hits.iter().map(|hit| &hit.id).eq(other.hits.iter().map(|hit| &hit.id))
    }

    /// How many hits of this page `other` lacks.
    fn only_here(&self, other: &Page) -> usize {
        let theirs: HashSet<&str> = other.hits.iter().map(|hit| hit.id.as_str()).collect();
        self.hits.iter().filter(|hit| !theirs.contains(hit.id.as_str())).count()
    }

    /// The pairs of hits this page scores clearly apart and `other` holds too.
    fn clear_pairs(&self, other: &Page) -> Vec<Pair<'_>> {
        let ranks: HashMap<&str, usize> =
            other.hits.iter().enumerate().map(|(rank, hit)| (hit.id.as_str(), rank)).collect();
        let mut pairs = Vec::new();

        for (first, better) in self.hits.iter().enumerate() {
            for worse in &self.hits[first + 1..] {
                let there = (ranks.get(better.id.as_str()), ranks.get(worse.id.as_str()));
                if let (Some(a), Some(b)) = there
                    && !ties(better.score, worse.score)
                {
                    pairs.push(Pair { better, worse, same_order: a < b });
                }
            }
        }
        pairs
    }

    /// How many pairs this page scores clearly apart were checked on `other`.
    fn ordered_pairs(&self, other: &Page) -> usize {
        self.clear_pairs(other).len()
    }

    /// The pairs this page scores clearly apart that `other` orders the other way round.
    fn inversions(&self, other: &Page) -> Vec<String> {
        self.clear_pairs(other)
            .into_iter()
            .filter(|pair| !pair.same_order)
            .map(|pair| format!("{} before {}", pair.better, pair.worse))
            .collect()
    }
}

/// Whether two scores of one engine are equal but for rounding.
fn ties(a: f32, b: f32) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs())
}

/// The first few items of a list, and how many there are in all.
fn sample(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<&str> = items.iter().take(5).map(String::as_str).collect();
    format!("{} of them: {}", items.len(), shown.join(", "))
}
