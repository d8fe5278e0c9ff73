//! Config problems, each with the place it was found.

use std::fmt;

/// One step of a path into the config: a key or an array position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A table key.
    Key(String),
    /// A position in an array.
    Index(usize),
}

/// A path into the config, such as `endpoints[1].text.field`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Step>);

impl KeyPath {
    /// This path, one key deeper.
    pub fn key(&self, key: &str) -> KeyPath {
        let mut steps = self.0.clone();
        steps.push(Step::Key(key.to_owned()));
        KeyPath(steps)
    }

    /// This path, one array position deeper.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut steps = self.0.clone();
        steps.push(Step::Index(index));
        KeyPath(steps)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if position == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Something wrong in a config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The config file's name as the user gave it.
    pub file: String,
    /// 1-based line and column, when the place could be found in the text.
    pub line_column: Option<(usize, usize)>,
    /// The key path, when the problem belongs to a key.
    pub at: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(at) = &self.at {
            write!(f, ": {at}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {file}: {reason}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The file was read and has problems.
    #[error("{}", render(.0))]
    Invalid(Vec<Problem>),
}

impl ConfigError {
    /// Every problem found (one for an unreadable file).
    pub fn problems(&self) -> Vec<String> {
        match self {
            ConfigError::Unreadable { .. } => vec![self.to_string()],
            ConfigError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }
}

fn render(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!("{} problem(s) in the config:\n{}", problems.len(), lines.join("\n"))
}
