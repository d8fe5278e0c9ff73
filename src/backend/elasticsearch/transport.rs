//! Sending requests to the cluster: one pooled keep-alive client, nodes in turn, one retry on
//! another node when that is safe.
//!
//! A request that found its node unreachable was never sent, so it goes to another node
//! whatever it is; the node is set aside. A read whose connection broke after it went out is
//! sent once more on another node; a write is not, since it may have been applied. Timeouts
//! are not retried: the time budget is spent.

use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use super::failure::{self, Trouble};
use super::nodes::Nodes;
use crate::backend::EngineError;
use crate::config::{Credentials, ElasticsearchConfig, Origin};

/// The longest wait for a connection, whatever the request timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The HTTP side of the backend.
pub struct Transport {
    client: Client,
    nodes: Nodes,
    auth: Option<Auth>,
}

/// The credentials sent with every request.
enum Auth {
    /// `Authorization: ApiKey …`, marked sensitive.
    ApiKey(HeaderValue),
    /// Basic authentication.
    Basic { username: String, password: String },
}

/// Whether a request may be sent again after its connection broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// A read, which sending twice cannot harm.
    Read,
    /// A write: sent again only when it never left.
    Write,
}

/// One request, before it is given a node.
pub struct Request<'a> {
    method: Method,
    path: Vec<&'a str>,
    query: Option<&'a str>,
    body: Option<(&'static str, Vec<u8>)>,
    retry: Retry,
}

impl<'a> Request<'a> {
    fn new(method: Method, path: &[&'a str], retry: Retry) -> Request<'a> {
        Request { method, path: path.to_vec(), query: None, body: None, retry }
    }

    /// A `GET` of `path` (its segments, encoded here), a read.
    pub fn get(path: &[&'a str]) -> Request<'a> {
        Request::new(Method::GET, path, Retry::Read)
    }

    /// A `HEAD` of `path`, a read.
    pub fn head(path: &[&'a str]) -> Request<'a> {
        Request::new(Method::HEAD, path, Retry::Read)
    }

    /// A `POST` to `path`, a write unless marked otherwise.
    pub fn post(path: &[&'a str]) -> Request<'a> {
        Request::new(Method::POST, path, Retry::Write)
    }

    /// A `PUT` to `path`, a write.
    pub fn put(path: &[&'a str]) -> Request<'a> {
        Request::new(Method::PUT, path, Retry::Write)
    }

    /// A `DELETE` of `path`, a write.
    pub fn delete(path: &[&'a str]) -> Request<'a> {
        Request::new(Method::DELETE, path, Retry::Write)
    }

    /// Marks the request as a read, safe to send twice.
    pub fn read(mut self) -> Request<'a> {
        self.retry = Retry::Read;
        self
    }

    /// Sets the query string.
    pub fn query(mut self, query: &'a str) -> Request<'a> {
        self.query = Some(query);
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Request<'a> {
        self.body = Some(("application/json", body.to_string().into_bytes()));
        self
    }

    /// Sets an NDJSON body.
    pub fn ndjson(mut self, body: Vec<u8>) -> Request<'a> {
        self.body = Some(("application/x-ndjson", body));
        self
    }
}

/// The engine's answer, whatever its status.
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The answer when its status is a success, else the error it stands for; `index` names
    /// the index the request was about.
    pub fn success(self, index: Option<&str>) -> Result<Answer, EngineError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(failure::from_answer(self.status.as_u16(), &self.body, index))
        }
    }

    /// The body read as `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, EngineError> {
        serde_json::from_slice(&self.body).map_err(|error| {
            EngineError::Internal(format!("unexpected answer from the engine: {error}"))
        })
    }
}

impl Transport {
    /// The client for `config`, read from `origin` (for the CA file's place). Nothing is sent
    /// yet.
    pub fn new(config: &ElasticsearchConfig, origin: &Origin) -> Result<Transport, EngineError> {
        let timeout = Duration::from_millis(config.timeout_ms);
        let mut builder = Client::builder()
            .user_agent(concat!("moat/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();

        if let Some(tls) = &config.tls {
            let path = tls.ca_path(origin);
            let pem = std::fs::read(&path).map_err(|error| {
                EngineError::Internal(format!("cannot read {}: {error}", path.display()))
            })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|error| {
                EngineError::Internal(format!("{} is not PEM: {error}", path.display()))
            })?;
            builder = builder.tls_built_in_root_certs(false);
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder.build().map_err(|error| {
            EngineError::Internal(format!("cannot build the HTTP client: {error}"))
        })?;

        let mut urls = Vec::with_capacity(config.nodes.len());
        for node in &config.nodes {
            let url = crate::config::check_node_url(node).map_err(EngineError::Internal)?;
            urls.push(url);
        }
        if urls.is_empty() {
            return Err(EngineError::Internal("the config names no node".into()));
        }
        let nodes = Nodes::new(urls, Duration::from_millis(config.node_retry_after_ms));

        let auth = config.auth.as_ref().map(Auth::new).transpose()?;
        Ok(Transport { client, nodes, auth })
    }

    /// Sends `request` to the next node, and once more to another node when that is safe.
    pub async fn send(&self, request: &Request<'_>) -> Result<Answer, EngineError> {
        let first = self.pick(None)?;
        let trouble = match self.attempt(first, request).await {
            Ok(answer) => return Ok(answer),
            Err(trouble) => trouble,
        };

        if !self.may_retry(first, &trouble, request.retry) {
            return Err(trouble.into_error());
        }
        let Ok(second) = self.pick(Some(first)) else { return Err(trouble.into_error()) };
        tracing::debug!(node = %self.nodes.url(second), "request sent again to another node");

        match self.attempt(second, request).await {
            Ok(answer) => Ok(answer),
            Err(trouble) => {
                self.may_retry(second, &trouble, request.retry);
                Err(trouble.into_error())
            }
        }
    }

    fn pick(&self, except: Option<usize>) -> Result<usize, EngineError> {
        self.nodes.pick(Instant::now(), except).ok_or_else(|| {
            EngineError::Unavailable(format!(
                "every node is set aside after failing; each is tried again {} ms after it failed",
                self.nodes.retry_after().as_millis()
            ))
        })
    }

    /// Sets an unreachable node aside; answers whether the request may go to another node.
    fn may_retry(&self, node: usize, trouble: &Trouble, retry: Retry) -> bool {
        match trouble {
            Trouble::Unreachable(reason) => {
                self.nodes.set_aside(node, Instant::now());
                tracing::warn!(
                    node = %self.nodes.url(node),
                    %reason,
                    retry_after_ms = self.nodes.retry_after().as_millis(),
                    "node unreachable; set aside"
                );
                true
            }
            Trouble::Broken(_) => retry == Retry::Read,
            Trouble::TimedOut(_) | Trouble::Unreadable(_) => false,
        }
    }

    async fn attempt(&self, node: usize, request: &Request<'_>) -> Result<Answer, Trouble> {
        let mut url: Url = self.nodes.url(node).clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(&request.path);
        }
        url.set_query(request.query);

        let mut builder = self.client.request(request.method.clone(), url);
        if let Some((content_type, body)) = &request.body {
            builder = builder.header(CONTENT_TYPE, *content_type).body(body.clone());
        }
        builder = match &self.auth {
            Some(Auth::ApiKey(header)) => builder.header(AUTHORIZATION, header.clone()),
            Some(Auth::Basic { username, password }) => {
                builder.basic_auth(username, Some(password))
            }
            None => builder,
        };

        let response = builder.send().await.map_err(|error| Trouble::of(&error))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|error| Trouble::of(&error))?;

        self.nodes.restore(node);
        Ok(Answer { status, headers, body: body.to_vec() })
    }
}

impl Auth {
    fn new(config: &crate::config::AuthConfig) -> Result<Auth, EngineError> {
        let unresolved =
            |env: &str| EngineError::Internal(format!("the secret in `${env}` has no value"));

        match config.credentials() {
            Some(Credentials::ApiKey(key)) => {
                let value = key.expose().map_err(|_| unresolved(key.env()))?;
                let mut header =
                    HeaderValue::from_str(&format!("ApiKey {value}")).map_err(|_| {
                        EngineError::Internal(format!(
                            "the API key in `${}` is not a valid header",
                            key.env()
                        ))
                    })?;
                header.set_sensitive(true);
                Ok(Auth::ApiKey(header))
            }
            Some(Credentials::Basic { username, password }) => {
                let password = password.expose().map_err(|_| unresolved(password.env()))?;
                Ok(Auth::Basic { username: username.to_owned(), password: password.to_owned() })
            }
            None => Err(EngineError::Internal(
                "`auth` needs either `api_key`, or `username` with `password`".into(),
            )),
        }
    }
}
