//! Secrets: values the config names but never holds, read from the environment at load.
//!
//! A secret is written as the name of an environment variable:
//!
//! ```toml
//! [backend]
//! kind = "elasticsearch"
//! nodes = ["https://127.0.0.1:9200"]
//! auth = { api_key = { env = "MOAT_ES_API_KEY" } }
//! ```
//!
//! The variable is read when the config is loaded; a missing or empty variable is a config
//! problem at the place the secret is written. A [`Secret`] never shows its value: both
//! `Debug` and `Display` print the variable's name and `[redacted]`, so a config or a backend
//! can be logged whole.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A value read from an environment variable, redacted whenever it is printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    env: String,
    value: Result<String, Unresolved>,
}

/// Why a secret has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved {
    /// The variable is not set.
    Missing,
    /// The variable is set to an empty text.
    Empty,
    /// The variable holds bytes that are not UTF-8.
    NotUnicode,
}

impl Secret {
    /// The secret named by the variable `env`, read with `lookup` (the process environment
    /// when the config is loaded; a table in tests).
    pub fn resolve_with(
        env: impl Into<String>,
        lookup: impl FnOnce(&str) -> Result<String, std::env::VarError>,
    ) -> Secret {
        let env = env.into();
        let value = match lookup(&env) {
            Ok(value) if value.is_empty() => Err(Unresolved::Empty),
            Ok(value) => Ok(value),
            Err(std::env::VarError::NotPresent) => Err(Unresolved::Missing),
            Err(std::env::VarError::NotUnicode(_)) => Err(Unresolved::NotUnicode),
        };
        Secret { env, value }
    }

    /// The secret named by the variable `env`, read from the process environment.
    pub fn from_env(env: impl Into<String>) -> Secret {
        Secret::resolve_with(env, |name| std::env::var(name))
    }

    /// The environment variable's name.
    pub fn env(&self) -> &str {
        &self.env
    }

    /// The value, for the one place that sends it; `Err` when the variable gave none.
    pub fn expose(&self) -> Result<&str, Unresolved> {
        self.value.as_deref().map_err(|unresolved| *unresolved)
    }

    /// Why the variable gave no value, in words for a config problem; `None` when it did.
    pub fn problem(&self) -> Option<String> {
        let env = &self.env;
        let problem = match self.value {
            Ok(_) => return None,
            Err(Unresolved::Missing) => format!("the environment variable `{env}` is not set"),
            Err(Unresolved::Empty) => format!("the environment variable `{env}` is empty"),
            Err(Unresolved::NotUnicode) => {
                format!("the environment variable `{env}` does not hold UTF-8 text")
            }
        };
        Some(problem)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret").field("env", &self.env).field("value", &"[redacted]").finish()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[redacted, from ${}]", self.env)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        deserializer.deserialize_any(SecretVisitor)
    }
}

/// Reads `{ env = "NAME" }`, and refuses a secret written in place without echoing it.
struct SecretVisitor;

/// What a secret written in the wrong form is told.
const WRITE_AS: &str = "a secret is written `{ env = \"VARIABLE_NAME\" }` and read from \
                        the environment, never written in the config itself";

impl<'de> Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WRITE_AS)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Secret, A::Error> {
        let mut env: Option<String> = None;

        while let Some(key) = map.next_key::<String>()? {
            if key != "env" || env.is_some() {
                return Err(de::Error::custom(WRITE_AS));
            }
            env = Some(map.next_value()?);
        }

        match env {
            Some(name) if !name.trim().is_empty() => Ok(Secret::from_env(name)),
            _ => Err(de::Error::custom(WRITE_AS)),
        }
    }

    fn visit_str<E: de::Error>(self, _value: &str) -> Result<Secret, E> {
        Err(E::custom(WRITE_AS))
    }

    fn visit_string<E: de::Error>(self, _value: String) -> Result<Secret, E> {
        Err(E::custom(WRITE_AS))
    }
}

#[cfg(test)]
mod tests {
    use std::env::VarError;

    use super::*;

    fn table(name: &str) -> Result<String, VarError> {
        match name {
            "KEY" => Ok("s3cr3t-value".to_owned()),
            "BLANK" => Ok(String::new()),
            _ => Err(VarError::NotPresent),
        }
    }

    #[test]
    fn resolves_from_the_lookup() {
        let secret = Secret::resolve_with("KEY", table);
        assert_eq!(secret.expose(), Ok("s3cr3t-value"));
        assert_eq!(secret.problem(), None);

        let missing = Secret::resolve_with("NOPE", table);
        assert_eq!(missing.expose(), Err(Unresolved::Missing));
        assert_eq!(missing.problem().unwrap(), "the environment variable `NOPE` is not set");

        let blank = Secret::resolve_with("BLANK", table);
        assert_eq!(blank.expose(), Err(Unresolved::Empty));
    }

    #[test]
    fn never_prints_the_value() {
        let secret = Secret::resolve_with("KEY", table);
        let debug = format!("{secret:?}");
        let display = secret.to_string();

        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(!display.contains("s3cr3t"), "{display}");
        assert!(debug.contains("KEY") && debug.contains("[redacted]"));
    }

    #[test]
    fn refuses_a_value_written_in_place_without_echoing_it() {
        let error = toml::from_str::<Holder>("secret = \"hunter2\"").unwrap_err();
        let message = error.message();
        assert!(message.contains("{ env = "), "{message}");
        assert!(!message.contains("hunter2"), "{message}");

        let error = toml::from_str::<Holder>("secret = { env = \"A\", value = \"x\" }");
        assert!(error.is_err());
        let read = toml::from_str::<Holder>("secret = { env = \"MOAT_TEST_UNSET_VARIABLE_7\" }");
        assert_eq!(read.unwrap().secret.expose(), Err(Unresolved::Missing));
    }

    #[derive(Debug, Deserialize)]
    struct Holder {
        secret: Secret,
    }
}
