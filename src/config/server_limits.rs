//! The limits of `[server]` that must not be zero.

use super::model::ServerConfig;

impl ServerConfig {
    /// The keys of the limits set to zero, which would refuse every request.
    pub fn zero_limits(&self) -> Vec<&'static str> {
        let limits = [
            ("max_body_bytes", self.max_body_bytes as u64),
            ("max_in_flight", self.max_in_flight as u64),
            ("deadline_ms", self.deadline_ms),
            ("header_read_timeout_ms", self.header_read_timeout_ms),
            ("max_connections", self.max_connections as u64),
        ];
        limits.into_iter().filter(|(_, limit)| *limit == 0).map(|(key, _)| key).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Origin, load_text};

    const REST: &str =
        "[backend]\nkind = \"embedded\"\n\n[[endpoints]]\nkind = \"ping\"\npath = \"/ping\"\n";

    fn problems(server: &str) -> Vec<String> {
        let text = format!("[server]\n{server}\n{REST}");
        match load_text(&text, Origin::File("moat.toml".into())) {
            Ok(_) => Vec::new(),
            Err(error) => error.problems(),
        }
    }

    #[test]
    fn refuses_zero_limits_by_name() {
        let found = problems("max_in_flight = 0\ndeadline_ms = 0\nmax_connections = 0");
        let keys = ["max_in_flight", "deadline_ms", "max_connections"];
        assert_eq!(found.len(), keys.len(), "{found:?}");
        for key in keys {
            let expected = format!("server.{key}: must be 1 or more");
            assert!(found.iter().any(|problem| problem.contains(&expected)), "{found:?}");
        }
    }

    #[test]
    fn takes_limits_and_turns_metrics_off() {
        let found = problems("max_in_flight = 8\nheader_read_timeout_ms = 500\nmetrics = false");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn moat_s_own_paths_cannot_be_endpoints() {
        for path in crate::ops::PATHS {
            let endpoint = format!("[[endpoints]]\nkind = \"ping\"\npath = \"{path}\"\n");
            let text = format!("[backend]\nkind = \"embedded\"\n\n{endpoint}");
            let found = load_text(&text, Origin::Bundled).unwrap_err().problems();
            assert!(
                found.iter().any(|problem| problem.contains("served by moat itself")),
                "{found:?}"
            );
        }
    }
}
