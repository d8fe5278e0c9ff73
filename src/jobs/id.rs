//! Job ids: 32 lowercase hex digits, made by moat (never the engine's task id).

use std::fmt;
use std::str::FromStr;

/// A job id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobId(String);

impl JobId {
    /// A new random id.
    pub fn new() -> JobId {
        JobId(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JobId {
    fn default() -> JobId {
        JobId::new()
    }
}

impl FromStr for JobId {
    type Err = ();

    fn from_str(text: &str) -> Result<JobId, ()> {
        let well_formed = text.len() == 32
            && text.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        if well_formed { Ok(JobId(text.to_owned())) } else { Err(()) }
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
