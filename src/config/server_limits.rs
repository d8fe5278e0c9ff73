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
