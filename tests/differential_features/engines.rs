//! The corpus and what the requests are built from.

use super::*;

/// The corpus on disk.
pub(crate) struct CorpusFiles {
    pub(crate) documents: PathBuf,
    pub(crate) mapping: PathBuf,
}

pub(crate) fn write_corpus(dir: &Path, documents: &[Value]) -> CorpusFiles {
    let path = dir.join("visits.ndjson");
    let lines: Vec<String> = documents.iter().map(Value::to_string).collect();
    std::fs::write(&path, lines.join("\n") + "\n").expect("the corpus is written");

    let mapping = dir.join("visits.mapping.json");
    std::fs::write(&mapping, corpus::rich_mapping().to_string()).expect("the mapping is written");
    CorpusFiles { documents: path, mapping }
}

/// The values the corpus holds, which requests pick from so they find something.
pub(crate) struct Facts {
    pub(crate) species: Vec<String>,
    pub(crate) breeds: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) vaccines: Vec<String>,
    /// The visit dates as written.
    pub(crate) dates: Vec<String>,
    /// The days on which some visit has a time.
    pub(crate) timed_days: Vec<String>,
    pub(crate) weights: Vec<f64>,
    /// How many visits are of dogs: the cap of `/capped`.
    pub(crate) dogs: u64,
}

impl Facts {
    pub(crate) fn new(documents: &[Value]) -> Facts {
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
pub(crate) struct Side {
    pub(crate) name: &'static str,
    pub(crate) config: PathBuf,
    pub(crate) data_dir: PathBuf,
    /// The backend opened in this process; closed before `moat serve` takes the data.
    pub(crate) backend: Option<Backend>,
    pub(crate) endpoints: HashMap<String, Declared>,
    /// The remote index to delete when done, with its server.
    pub(crate) remote: Option<(String, String)>,
}

impl Side {
    /// Writes the config, loads the corpus with `moat ingest` and opens the backend.
    pub(crate) fn load(
        engine: &Engine,
        dir: &Path,
        files: &CorpusFiles,
        facts: &Facts,
        runtime: &Runtime,
    ) -> Side {
        let config_text = |index: &str| config_text(engine, index, &files.mapping, facts.dogs);
        let loaded = common::ingest_and_open(
            engine,
            dir,
            "moat-features",
            config_text,
            &files.documents,
            DOCUMENTS,
            runtime,
        );
        let common::Loaded { config, config_path, data_dir, backend, index } = loaded;

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
    pub(crate) fn run(&self, probe: &Probe, runtime: &Runtime) -> Result<SearchResponse, String> {
        let declared = &self.endpoints[probe.path];
        let body = probe.body.as_object().cloned().unwrap_or_default();
        let request = plan_request(declared, body).map_err(|error| format!("{error:?}"))?;
        let backend = self.backend.as_ref().expect("the backend is open");
        runtime
            .block_on(backend.search(&declared.endpoint.index, request))
            .map_err(|error| format!("the search failed: {error}"))
    }

    /// Closes the backend and starts `moat serve` on the same config and data.
    pub(crate) fn serve(&mut self) -> Server {
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
pub(crate) fn config_text(engine: &Engine, index: &str, mapping: &Path, cap: u64) -> String {
    let mut text = engine.backend_toml(30_000) + &common::index_toml(index, mapping);
    for mode in MODES {
        text += &TEXT_ENDPOINT.replace("MODE", mode);
    }
    text += ENDPOINTS;
    text.replace("INDEX", index).replace("CAP", &cap.to_string()).replace("SHARED", SHARED)
}

/// What the endpoints but `/capped` share: the returned field, facets cut among ties, and
/// highlights.
pub(crate) const SHARED: &str = r#"source = ["visit_id"]
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
pub(crate) const TEXT_ENDPOINT: &str = r#"
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
pub(crate) const ENDPOINTS: &str = r#"
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
