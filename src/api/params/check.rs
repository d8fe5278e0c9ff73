//! The checks of single values, collecting a problem for each bad field rather than stopping
//! at the first.

use serde_json::{Map, Value};

use crate::api::error::{ApiError, FieldProblem};
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
        let Some(value) = self.values.get(name).cloned() else {
            self.problem(name, "is required");
            return None;
        };
        match check_value(&value, field_type, max_chars) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.problem(name, &problem);
                None
            }
        }
    }

    /// Whether the client sent `name`.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// One of `options`.
    pub fn choice(&mut self, name: &str, options: &[String]) -> Option<String> {
        let value = self.values.get(name).and_then(Value::as_str);
        match value.filter(|value| options.iter().any(|option| option == value)) {
            Some(value) => Some(value.to_owned()),
            None => {
                self.problem(name, &format!("must be one of: {}", options.join(", ")));
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn flag(&mut self, name: &str) -> Option<bool> {
        let value = self.values.get(name).and_then(Value::as_bool);
        if value.is_none() {
            self.problem(name, "must be true or false");
        }
        value
    }

    /// A number, whole when `integer`, within the optional bounds.
    pub fn number(
        &mut self,
        name: &str,
        integer: bool,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Option<Value> {
        let value = self.values.get(name).cloned();
        let number = value.as_ref().and_then(Value::as_f64);
        let whole = value.as_ref().is_some_and(|value| value.is_i64() || value.is_u64());
        let fits = number.is_some_and(|number| {
            (!integer || whole)
                && min.is_none_or(|min| number >= min)
                && max.is_none_or(|max| number <= max)
        });
        if fits {
            return value;
        }

        let kind = if integer { "a whole number" } else { "a number" };
        let bounds = match (min, max) {
            (Some(min), Some(max)) => format!(" from {min} to {max}"),
            (Some(min), None) => format!(" of at least {min}"),
            (None, Some(max)) => format!(" of at most {max}"),
            (None, None) => String::new(),
        };
        self.problem(name, &format!("must be {kind}{bounds}"));
        None
    }

    /// A list of 1 to `max_values` exact values for a field of `field_type`.
    pub fn list(
        &mut self,
        name: &str,
        field_type: FieldType,
        max_values: usize,
        max_chars: usize,
    ) -> Option<Value> {
        let items = match self.values.get(name) {
            Some(Value::Array(items)) => items.clone(),
            _ => {
                self.problem(name, "must be a list of values");
                return None;
            }
        };
        if items.is_empty() || items.len() > max_values {
            self.problem(name, &format!("must hold 1 to {max_values} values"));
            return None;
        }

        let problems_before = self.problems.len();
        let mut checked = Vec::with_capacity(items.len());
        for (position, item) in items.into_iter().enumerate() {
            let item_name = format!("{name}[{position}]");
            match check_value(&item, field_type, max_chars) {
                Ok(value) => checked.push(value),
                Err(problem) => self.problem(&item_name, &problem),
            }
        }
        (self.problems.len() == problems_before).then_some(Value::Array(checked))
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

    /// Records a problem with `name`.
    pub fn problem(&mut self, name: &str, problem: &str) {
        self.problems.push(FieldProblem::new(name, problem));
    }
}

/// One exact value for a field of `field_type`, or what is wrong with it.
fn check_value(value: &Value, field_type: FieldType, max_chars: usize) -> Result<Value, String> {
    let too_long = format!("must be at most {max_chars} characters long");
    if matches!(field_type, FieldType::Text | FieldType::Keyword) {
        return match value {
            Value::String(text) if text.trim().is_empty() => Err("must not be empty".into()),
            Value::String(text) if text.chars().count() > max_chars => Err(too_long),
            Value::String(_) => Ok(value.clone()),
            _ => Err("must be a string".into()),
        };
    }

    let fits = match value {
        Value::String(text) if text.chars().count() > max_chars => return Err(too_long),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            FieldValue::read_one("value", field_type, value).is_ok()
        }
        _ => false,
    };
    if fits {
        Ok(value.clone())
    } else {
        Err(format!("must be a valid {} value", field_type.name()))
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
