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

#[path = "../common/mod.rs"]
mod common;
mod compare;
mod engines;
mod probes;
mod served;

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

use compare::*;
use engines::*;
use probes::*;
use served::*;

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
