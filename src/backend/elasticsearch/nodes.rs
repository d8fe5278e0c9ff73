//! The cluster's nodes: requests take them in turn, and a node that cannot be reached is set
//! aside for a while.
//!
//! ```text
//! pick → a, pick → b, pick → c, pick → a …
//! b unreachable → set aside for node_retry_after_ms → pick → a, c, a, c …
//! ```
//!
//! The pool is given the current instant by its callers, so its tests need no clock.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::Url;

/// The nodes of one cluster, shared by every request.
pub struct Nodes {
    nodes: Vec<Node>,
    next: AtomicUsize,
    retry_after: Duration,
}

struct Node {
    url: Url,
    aside_until: Mutex<Option<Instant>>,
}

impl Nodes {
    /// A pool over `urls` (at least one) that sets failing nodes aside for `retry_after`.
    pub fn new(urls: Vec<Url>, retry_after: Duration) -> Nodes {
        let nodes = urls.into_iter().map(|url| Node { url, aside_until: Mutex::new(None) });
        Nodes { nodes: nodes.collect(), next: AtomicUsize::new(0), retry_after }
    }

    /// The base URL of node `node`.
    pub fn url(&self, node: usize) -> &Url {
        &self.nodes[node].url
    }

    /// How long a failing node is set aside.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The next node in turn that is not set aside at `now`, other than `except`; `None` when
    /// every node is set aside.
    pub fn pick(&self, now: Instant, except: Option<usize>) -> Option<usize> {
        let count = self.nodes.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);

        (0..count)
            .map(|step| start.wrapping_add(step) % count)
            .filter(|&node| Some(node) != except)
            .find(|&node| !self.is_aside(node, now))
    }

    /// Leaves `node` out of [`Nodes::pick`] until `retry_after` past `now`.
    pub fn set_aside(&self, node: usize, now: Instant) {
        let until = now.checked_add(self.retry_after).unwrap_or(now);
        *self.lock(node) = Some(until);
    }

    /// Marks `node` as answering again.
    pub fn restore(&self, node: usize) {
        let mut aside = self.lock(node);
        if aside.is_some() {
            *aside = None;
        }
    }

    fn is_aside(&self, node: usize, now: Instant) -> bool {
        self.lock(node).is_some_and(|until| until > now)
    }

    fn lock(&self, node: usize) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.nodes[node].aside_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(count: usize) -> Nodes {
        let urls = (0..count).map(|port| Url::parse(&format!("http://127.0.0.1:{port}")));
        Nodes::new(urls.map(Result::unwrap).collect(), Duration::from_secs(30))
    }

    #[test]
    fn takes_nodes_in_turn() {
        let nodes = pool(3);
        let now = Instant::now();

        let picked: Vec<_> = (0..6).map(|_| nodes.pick(now, None).unwrap()).collect();
        assert_eq!(picked, [0, 1, 2, 0, 1, 2]);
    }

    #[test]
    fn skips_a_node_set_aside_until_its_time_is_up() {
        let nodes = pool(3);
        let now = Instant::now();
        nodes.set_aside(1, now);

        let picked: Vec<_> = (0..4).map(|_| nodes.pick(now, None).unwrap()).collect();
        assert_eq!(picked, [0, 2, 2, 0]);

        let later = now + Duration::from_secs(31);
        let picked: Vec<_> = (0..3).map(|_| nodes.pick(later, None).unwrap()).collect();
        assert_eq!(picked, [1, 2, 0]);
    }

    #[test]
    fn a_retry_goes_to_another_node() {
        let nodes = pool(2);
        let now = Instant::now();

        let first = nodes.pick(now, None).unwrap();
        let second = nodes.pick(now, Some(first)).unwrap();
        assert_ne!(first, second);

        let single = pool(1);
        assert_eq!(single.pick(now, Some(0)), None);
    }

    #[test]
    fn answers_none_when_every_node_is_aside_and_recovers_on_restore() {
        let nodes = pool(2);
        let now = Instant::now();
        nodes.set_aside(0, now);
        nodes.set_aside(1, now);
        assert_eq!(nodes.pick(now, None), None);

        nodes.restore(1);
        assert_eq!(nodes.pick(now, None), Some(1));
    }
}
