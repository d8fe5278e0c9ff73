//! Reading a `GET` query string into the same JSON object a `POST` body would carry.
//!
//! Each value arrives as text; the parameter's spec says what JSON it stands for: numbers for
//! number parameters, `true`/`false` for flags, a list for list parameters (`a=1&a=2`).
//! Values that do not convert stay text, so the check then names what is wrong with them.

use percent_encoding::percent_decode;
use serde_json::{Map, Number, Value};

use super::spec::{ParamKind, ParamSpec};
use crate::api::error::{ApiError, FieldProblem};
use crate::mapping::FieldType;

/// The most `name=value` pairs read from one query string.
const MAX_PAIRS: usize = 256;

/// The parameters of `query` as a JSON object, for the check against `specs`.
pub fn read_query_string(specs: &[ParamSpec], query: &str) -> Result<Map<String, Value>, ApiError> {
    let mut values = Map::new();
    let mut problems = Vec::new();

    let pairs: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty()).collect();
    if pairs.len() > MAX_PAIRS {
        let problem = format!("at most {MAX_PAIRS} parameters are read");
        return Err(ApiError::Invalid(vec![FieldProblem::new("query", problem)]));
    }

    for pair in pairs {
        let (name, text) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(text)) = (decode(name), decode(text)) else {
            let problem = "is not valid percent-encoded UTF-8";
            problems.push(FieldProblem::new("query", problem));
            continue;
        };
        let kind = specs.iter().find(|spec| spec.name == name).map(|spec| &spec.kind);

        if let Some(ParamKind::List { field_type, .. }) = kind {
            let item = convert(&text, *field_type);
            let entry = values.entry(name).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(item);
            }
            continue;
        }
        if values.contains_key(&name) {
            problems.push(FieldProblem::new(&name, "is given more than once"));
            continue;
        }
        let value = match kind {
            Some(ParamKind::Integer { .. } | ParamKind::Number { .. }) => number(&text),
            Some(ParamKind::Flag) => flag(&text),
            Some(ParamKind::Exact { field_type, .. }) => convert(&text, *field_type),
            _ => Value::String(text),
        };
        values.insert(name, value);
    }

    if problems.is_empty() { Ok(values) } else { Err(ApiError::Invalid(problems)) }
}

fn decode(text: &str) -> Option<String> {
    let spaced = text.replace('+', " ");
    percent_decode(spaced.as_bytes()).decode_utf8().ok().map(|text| text.into_owned())
}

fn number(text: &str) -> Value {
    if let Ok(whole) = text.parse::<i64>() {
        return Value::from(whole);
    }
    if let Ok(whole) = text.parse::<u64>() {
        return Value::from(whole);
    }
    match text.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(number) if !text.is_empty() => Value::Number(number),
        _ => Value::String(text.to_owned()),
    }
}

fn flag(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        other => Value::String(other.to_owned()),
    }
}

/// A value for a field of `field_type`: booleans for boolean fields, text otherwise (the
/// field's own reading accepts numbers and dates written as text).
fn convert(text: &str, field_type: FieldType) -> Value {
    match field_type {
        FieldType::Boolean => flag(text),
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn specs() -> Vec<ParamSpec> {
        let spec = |name: &str, kind| ParamSpec {
            name: name.into(),
            kind,
            required: false,
            description: String::new(),
        };
        vec![
            spec("q", ParamKind::Text { max_chars: 10 }),
            spec("size", ParamKind::Integer { min: 1, max: 10, default: Some(5) }),
            spec(
                "species",
                ParamKind::List { field_type: FieldType::Keyword, max_values: 3, max_chars: 9 },
            ),
            spec("vaccinated", ParamKind::Flag),
        ]
    }

    #[test]
    fn reads_values_as_their_specs_say() {
        let read = read_query_string(
            &specs(),
            "q=dental+cleaning%21&size=3&species=Dog&species=Cat&vaccinated=true&x=1",
        )
        .unwrap();
        assert_eq!(
            Value::Object(read),
            json!({
                "q": "dental cleaning!", "size": 3, "species": ["Dog", "Cat"],
                "vaccinated": true, "x": "1"
            })
        );
    }

    #[test]
    fn refuses_repeats_and_bad_encoding() {
        let Err(ApiError::Invalid(problems)) = read_query_string(&specs(), "q=a&q=b&size=%FF")
        else {
            panic!("expected problems");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["q", "query"]);
    }
}
