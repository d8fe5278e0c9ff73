//! Parameter validation: reads a client's JSON object against an endpoint's declared
//! parameters, collecting a problem for each bad field rather than stopping at the first.

use serde_json::{Map, Value};

use super::error::{ApiError, FieldProblem};
use crate::mapping::{FieldType, FieldValue};

/// The parameters of one request, being checked.
pub struct Params {
    values: Map<String, Value>,
    problems: Vec<FieldProblem>,
}

impl Params {
    /// Starts checking `values`; every key not in `declared` is reported as unknown.
    pub fn new(values: Map<String, Value>, declared: &[&str]) -> Params {
        let mut problems = Vec::new();
        for key in values.keys() {
            if !declared.contains(&key.as_str()) {
                let expected = declared.join(", ");
                let problem = format!("unknown parameter; this endpoint accepts: {expected}");
                problems.push(FieldProblem::new(key, problem));
            }
        }
        Params { values, problems }
    }

    /// A required, non-blank string of at most `max_chars` characters.
    pub fn required_text(&mut self, name: &str, max_chars: usize) -> Option<String> {
        let Some(value) = self.values.get(name) else {
            self.problem(name, "is required");
            return None;
        };
        let Some(text) = value.as_str() else {
            self.problem(name, "must be a string");
            return None;
        };

        if text.trim().is_empty() {
            self.problem(name, "must not be empty");
            return None;
        }
        if text.chars().count() > max_chars {
            self.problem(name, &format!("must be at most {max_chars} characters long"));
            return None;
        }
        Some(text.to_owned())
    }

    /// A required exact value for a field of `field_type`: a string for text and keyword
    /// fields; for numbers, dates and booleans also a JSON number or boolean, checked against
    /// the field's type so a value the engine would refuse is refused here.
    pub fn required_value(
        &mut self,
        name: &str,
        field_type: FieldType,
        max_chars: usize,
    ) -> Option<Value> {
        if matches!(field_type, FieldType::Text | FieldType::Keyword) {
            return self.required_text(name, max_chars).map(Value::String);
        }
        let Some(value) = self.values.get(name).cloned() else {
            self.problem(name, "is required");
            return None;
        };

        let fits = match &value {
            Value::String(text) if text.chars().count() > max_chars => false,
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                FieldValue::read_one(name, field_type, &value).is_ok()
            }
            _ => false,
        };
        if !fits {
            self.problem(name, &format!("must be a valid {} value", field_type.name()));
            return None;
        }
        Some(value)
    }

    /// An optional integer in `min..=max`, `default` when absent.
    pub fn integer_in(&mut self, name: &str, min: u64, max: u64, default: u64) -> Option<u64> {
        let Some(value) = self.values.get(name) else { return Some(default) };
        let range = format!("must be an integer from {min} to {max}");

        match value.as_u64() {
            Some(number) if (min..=max).contains(&number) => Some(number),
            _ => {
                self.problem(name, &range);
                None
            }
        }
    }

    /// The checked values, or every problem found.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.problems.is_empty() { Ok(()) } else { Err(ApiError::Invalid(self.problems)) }
    }

    fn problem(&mut self, name: &str, problem: &str) {
        self.problems.push(FieldProblem::new(name, problem));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params(value: Value) -> Params {
        Params::new(value.as_object().unwrap().clone(), &["term", "size"])
    }

    #[test]
    fn collects_every_problem() {
        let mut params = params(json!({"size": 0, "extra": true}));

        assert_eq!(params.required_text("term", 10), None);
        assert_eq!(params.integer_in("size", 1, 100, 10), None);
        let Err(ApiError::Invalid(problems)) = params.finish() else { panic!("expected 422") };

        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["extra", "term", "size"]);
    }

    #[test]
    fn accepts_good_values_and_defaults() {
        let mut params = params(json!({"term": "dental"}));

        assert_eq!(params.required_text("term", 10).as_deref(), Some("dental"));
        assert_eq!(params.integer_in("size", 1, 100, 10), Some(10));
        assert!(params.finish().is_ok());
    }
}
