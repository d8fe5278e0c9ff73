//! Parameter specs and the check of a whole request against them.

use serde_json::{Map, Value};

use super::check::Params;
use crate::api::error::ApiError;
use crate::mapping::FieldType;

/// One parameter an endpoint accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// The name clients send.
    pub name: String,
    /// Its type and limits.
    pub kind: ParamKind,
    /// Whether the client must send it.
    pub required: bool,
    /// A sentence for the API docs.
    pub description: String,
}

/// The type and limits of a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// A non-blank string of at most `max_chars` characters.
    Text {
        /// The longest accepted.
        max_chars: usize,
    },
    /// A whole number in `min..=max`.
    Integer {
        /// The smallest accepted.
        min: u64,
        /// The largest accepted.
        max: u64,
        /// The value when absent.
        default: Option<u64>,
    },
    /// One of the named options.
    Choice {
        /// The options.
        options: Vec<String>,
        /// The value when absent.
        default: String,
    },
    /// An exact value of a field of this type.
    Exact {
        /// The field's type.
        field_type: FieldType,
        /// The longest string accepted.
        max_chars: usize,
    },
    /// A list of exact values of a field of this type.
    List {
        /// The field's type.
        field_type: FieldType,
        /// The most values accepted.
        max_values: usize,
        /// The longest string accepted.
        max_chars: usize,
    },
    /// `true` or `false`.
    Flag,
    /// A number in the optional bounds.
    Number {
        /// Whether only whole numbers are accepted.
        integer: bool,
        /// The smallest accepted.
        min: Option<f64>,
        /// The largest accepted.
        max: Option<f64>,
    },
    /// An opaque cursor from a previous answer.
    Cursor,
}

/// The checked values of a request, by parameter name; absent optional parameters are left
/// out, defaults are filled in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked(pub Map<String, Value>);

impl Checked {
    /// A checked string.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A checked whole number.
    pub fn integer(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    /// A checked value.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// Checks `values` against `specs`: unknown names, missing required parameters, values of the
/// wrong type or beyond their limits, each reported.
pub fn check(specs: &[ParamSpec], values: Map<String, Value>) -> Result<Checked, ApiError> {
    let names: Vec<&str> = specs.iter().map(|spec| spec.name.as_str()).collect();
    let mut params = Params::new(values, &names);
    let mut checked = Map::new();

    for spec in specs {
        let name = spec.name.as_str();
        if !params.has(name) {
            if spec.required {
                params.problem(name, "is required");
            } else if let Some(default) = default_of(&spec.kind) {
                checked.insert(spec.name.clone(), default);
            }
            continue;
        }
        let value = match &spec.kind {
            ParamKind::Cursor => params.required_text(name, MAX_CURSOR_CHARS).map(Value::String),
            ParamKind::Text { max_chars } => {
                params.required_text(name, *max_chars).map(Value::String)
            }
            ParamKind::Integer { min, max, default } => {
                params.integer_in(name, *min, *max, default.unwrap_or(*min)).map(Value::from)
            }
            ParamKind::Choice { options, .. } => params.choice(name, options).map(Value::String),
            ParamKind::Exact { field_type, max_chars } => {
                params.required_value(name, *field_type, *max_chars)
            }
            ParamKind::List { field_type, max_values, max_chars } => {
                params.list(name, *field_type, *max_values, *max_chars)
            }
            ParamKind::Flag => params.flag(name).map(Value::Bool),
            ParamKind::Number { integer, min, max } => params.number(name, *integer, *min, *max),
        };
        if let Some(value) = value {
            checked.insert(spec.name.clone(), value);
        }
    }

    params.finish()?;
    Ok(Checked(checked))
}

fn default_of(kind: &ParamKind) -> Option<Value> {
    match kind {
        ParamKind::Integer { default, .. } => default.map(Value::from),
        ParamKind::Choice { default, .. } => Some(Value::String(default.clone())),
        _ => None,
    }
}

/// The longest cursor accepted, in characters.
pub const MAX_CURSOR_CHARS: usize = 4096;
