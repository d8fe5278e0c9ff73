//! A stand-in engine on loopback for tests of the delete paths: enough of `_delete_by_query`,
//! `_tasks`, scroll, `_bulk` and `_refresh` to drive moat's side of them, and a log of the
//! requests it got.
//!
//! ```ignore
//! let fake = Fake::start(FakeSetup { route: false, docs: 2500, tasks: vec![] }).await;
//! let cluster = fake.cluster();
//! // … run a deletion on `cluster`, then read `fake.requests()`.
//! ```

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use serde_json::{Value, json};

use super::Elasticsearch;
use crate::config::{ElasticsearchConfig, Origin};

/// What the fake engine holds and can do.
pub struct FakeSetup {
    /// Whether it has the `_delete_by_query` route.
    pub route: bool,
    /// How many matching documents it holds (ids `d0`, `d1`, …).
    pub docs: usize,
    /// Tasks it knows, each with the count it reports as deleted once completed.
    pub tasks: Vec<(&'static str, u64)>,
}

/// The fake engine, serving until dropped.
pub struct Fake {
    state: Arc<Mutex<Engine>>,
    url: String,
    server: tokio::task::JoinHandle<()>,
}

struct Engine {
    route: bool,
    docs: Vec<String>,
    tasks: Vec<(String, u64)>,
    scroll: Vec<String>,
    requests: Vec<String>,
}

type Shared = State<Arc<Mutex<Engine>>>;

impl Fake {
    /// Starts the fake engine on a free loopback port.
    pub async fn start(setup: FakeSetup) -> Fake {
        let engine = Engine {
            route: setup.route,
            docs: (0..setup.docs).map(|n| format!("d{n}")).collect(),
            tasks: setup.tasks.into_iter().map(|(id, deleted)| (id.to_owned(), deleted)).collect(),
            scroll: Vec::new(),
            requests: Vec::new(),
        };
        let state = Arc::new(Mutex::new(engine));

        let app = Router::new()
            .route("/{index}/_delete_by_query", post(delete_by_query))
            .route("/_tasks/{task}", get(task))
            .route("/{index}/_search", post(open_scroll))
            .route("/_search/scroll", any(scroll))
            .route("/_bulk", post(bulk))
            .route("/{index}/_refresh", post(refresh))
            .layer(axum::middleware::from_fn_with_state(Arc::clone(&state), note))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        Fake { state, url, server }
    }

    /// A backend that talks to the fake engine.
    pub fn cluster(&self) -> Elasticsearch {
        let config = ElasticsearchConfig {
            nodes: vec![self.url.clone()],
            auth: None,
            tls: None,
            timeout_ms: 5000,
            node_retry_after_ms: 1000,
        };
        Elasticsearch::open(&config, &Origin::Bundled).unwrap()
    }

    /// The requests so far, as `METHOD /path`.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many documents are left.
    pub fn docs(&self) -> usize {
        self.state.lock().unwrap().docs.len()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn note(
    State(state): Shared,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let line = format!("{} {}", request.method(), request.uri().path());
    state.lock().unwrap().requests.push(line);
    next.run(request).await
}

async fn delete_by_query(State(state): Shared, uri: Uri) -> impl IntoResponse {
    let mut engine = state.lock().unwrap();
    if !engine.route {
        let error = format!("no handler found for uri [{uri}] and method [POST]");
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": error})));
    }

    let deleted = engine.docs.len() as u64;
    engine.docs.clear();
    engine.tasks.push(("n:2".to_owned(), deleted));
    (StatusCode::OK, axum::Json(json!({"task": "n:2"})))
}

async fn task(State(state): Shared, Path(task): Path<String>) -> impl IntoResponse {
    let engine = state.lock().unwrap();
    let Some((_, deleted)) = engine.tasks.iter().find(|(id, _)| *id == task) else {
        let error = json!({"type": "resource_not_found_exception", "reason": "no such task"});
        return (StatusCode::NOT_FOUND, axum::Json(json!({"error": error, "status": 404})));
    };

    let counts = json!({"total": deleted, "deleted": deleted});
    let reply = json!({
        "completed": true,
        "task": {"status": counts},
        "response": {"total": deleted, "deleted": deleted, "failures": []}
    });
    (StatusCode::OK, axum::Json(reply))
}

async fn open_scroll(State(state): Shared, body: Bytes) -> impl IntoResponse {
    let body: Value = serde_json::from_slice(&body).unwrap();
    let size = usize::try_from(body["size"].as_u64().unwrap()).unwrap();

    let mut engine = state.lock().unwrap();
    engine.scroll = engine.docs.clone();
    let total = engine.scroll.len();
    axum::Json(page(&mut engine, size, total))
}

async fn scroll(State(state): Shared, method: Method) -> impl IntoResponse {
    let mut engine = state.lock().unwrap();
    if method == Method::DELETE {
        engine.scroll.clear();
        return axum::Json(json!({"succeeded": true, "num_freed": 1}));
    }
    let total = engine.docs.len();
    axum::Json(page(&mut engine, 1000, total))
}

fn page(engine: &mut Engine, size: usize, total: usize) -> Value {
    let taken: Vec<String> = engine.scroll.drain(..size.min(engine.scroll.len())).collect();
    let hits: Vec<Value> = taken
        .iter()
        .map(|id| json!({"_index": "v", "_id": id, "_seq_no": 1, "_primary_term": 1}))
        .collect();

    json!({
        "_scroll_id": "s1",
        "_shards": {"total": 1, "successful": 1, "failed": 0},
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}
    })
}

async fn bulk(State(state): Shared, body: Bytes) -> impl IntoResponse {
    let mut engine = state.lock().unwrap();
    let mut items = Vec::new();

    for line in body.split(|byte| *byte == b'\n').filter(|line| !line.is_empty()) {
        let action: Value = serde_json::from_slice(line).unwrap();
        let id = action["delete"]["_id"].as_str().unwrap().to_owned();
        let before = engine.docs.len();
        engine.docs.retain(|doc| *doc != id);
        let result = if engine.docs.len() < before { "deleted" } else { "not_found" };
        items.push(json!({"delete": {"_id": id, "result": result, "status": 200}}));
    }

    axum::Json(json!({"errors": false, "items": items}))
}

async fn refresh() -> impl IntoResponse {
    axum::Json(json!({"_shards": {"total": 1, "successful": 1, "failed": 0}}))
}
