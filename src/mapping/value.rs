//! Typed values read from a document's JSON, following Elasticsearch's coercion rules.
//!
//! Numbers given as strings are accepted for numeric fields, numbers and booleans are accepted
//! for text and keyword fields, and `null` means "no value", as in Elasticsearch.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::FieldType;

/// One value ready to be indexed.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Text or keyword.
    Str(String),
    /// Integer or long.
    I64(i64),
    /// Float or double.
    F64(f64),
    /// Boolean.
    Bool(bool),
    /// Date, as milliseconds since the epoch (UTC).
    DateMillis(i64),
}

/// Why a JSON value does not fit a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{path}` is {article} {type_name} field, but {problem}")]
pub struct ValueError {
    path: String,
    article: &'static str,
    type_name: &'static str,
    problem: String,
}

impl FieldValue {
    /// Reads every value of `json` for a field of `field_type`; arrays give one value per
    /// element and `null` gives none.
    pub fn read_all(
        path: &str,
        field_type: FieldType,
        json: &Value,
    ) -> Result<Vec<FieldValue>, ValueError> {
        let mut values = Vec::new();
        collect(path, field_type, json, &mut values)?;
        Ok(values)
    }

    /// Reads one scalar query value (such as a `term` value) for a field of `field_type`.
    pub fn read_one(
        path: &str,
        field_type: FieldType,
        json: &Value,
    ) -> Result<FieldValue, ValueError> {
        if json.is_array() || json.is_null() {
            return Err(value_error(path, field_type, "got an array or null".into()));
        }
        let mut values = Vec::with_capacity(1);
        collect(path, field_type, json, &mut values)?;
        Ok(values.remove(0))
    }
}

fn collect(
    path: &str,
    field_type: FieldType,
    json: &Value,
    out: &mut Vec<FieldValue>,
) -> Result<(), ValueError> {
    match json {
        Value::Null => Ok(()),
        Value::Array(items) => {
            items.iter().try_for_each(|item| collect(path, field_type, item, out))
        }
        Value::Object(_) => Err(value_error(path, field_type, "got an object".into())),
        scalar => {
            let value = read_scalar(field_type, scalar)
                .map_err(|problem| value_error(path, field_type, problem))?;
            out.push(value);
            Ok(())
        }
    }
}

fn read_scalar(field_type: FieldType, json: &Value) -> Result<FieldValue, String> {
    match field_type {
        FieldType::Text | FieldType::Keyword => match json {
            Value::String(text) => Ok(FieldValue::Str(text.clone())),
            Value::Number(number) => Ok(FieldValue::Str(number.to_string())),
            Value::Bool(flag) => Ok(FieldValue::Str(flag.to_string())),
            _ => Err(format!("got {json}")),
        },
        FieldType::Integer => read_integer(json, i64::from(i32::MIN), i64::from(i32::MAX)),
        FieldType::Long => read_integer(json, i64::MIN, i64::MAX),
        FieldType::Float => read_float(json).and_then(|number| {
            // Elasticsearch keeps a `float` in 32 bits; so does the embedded index, so both
            // match, range and sort the same rounded value.
            #[allow(clippy::cast_possible_truncation)]
            let single = number as f32;
            if single.is_finite() {
                Ok(FieldValue::F64(f64::from(single)))
            } else {
                Err(format!("{json} is out of the range of a float"))
            }
        }),
        FieldType::Double => read_float(json).map(FieldValue::F64),
        FieldType::Boolean => match json {
            Value::Bool(flag) => Ok(FieldValue::Bool(*flag)),
            Value::String(text) if text == "true" => Ok(FieldValue::Bool(true)),
            Value::String(text) if text == "false" || text.is_empty() => {
                Ok(FieldValue::Bool(false))
            }
            _ => Err(format!("got {json}; use true or false")),
        },
        FieldType::Date => read_date(json).map(FieldValue::DateMillis),
    }
}

fn read_integer(json: &Value, min: i64, max: i64) -> Result<FieldValue, String> {
    let number = read_float(json)?;
    let whole = number.trunc();
    #[allow(clippy::cast_precision_loss)]
    let in_range = whole >= min as f64 && whole <= max as f64;
    if !in_range {
        return Err(format!("{json} is out of range [{min}, {max}]"));
    }

    if let Some(exact) = json.as_i64() {
        return Ok(FieldValue::I64(exact));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(FieldValue::I64(whole as i64))
}

fn read_float(json: &Value) -> Result<f64, String> {
    let number = match json {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(number) if number.is_finite() => Ok(number),
        _ => Err(format!("got {json}, which is not a number")),
    }
}

/// Reads a date as Elasticsearch's default `strict_date_optional_time||epoch_millis` does.
pub(crate) fn read_date(json: &Value) -> Result<i64, String> {
    if let Some(millis) = json.as_i64() {
        return Ok(millis);
    }
    let Some(text) = json.as_str() else {
        return Err(format!("got {json}; use an ISO 8601 date or epoch milliseconds"));
    };

    if let Ok(millis) = text.parse::<i64>() {
        return Ok(millis);
    }
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(epoch_millis(moment));
    }
    let date_time = format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
    );
    if let Ok(moment) = PrimitiveDateTime::parse(text, &date_time) {
        return Ok(epoch_millis(moment.assume_utc()));
    }
    let date = format_description!("[year]-[month]-[day]");
    if let Ok(day) = Date::parse(text, &date) {
        return Ok(epoch_millis(day.midnight().assume_utc()));
    }
    Err(format!("`{text}` is not an ISO 8601 date such as 2024-05-01 or 2024-05-01T10:30:00Z"))
}

/// Reads a date used as an inclusive upper bound: the last millisecond of the period the text
/// names, as Elasticsearch rounds up `lte` bounds (`2024-05-01` ends at 23:59:59.999,
/// `2024-05-01T10:30` at 10:30:59.999, `2024-05-01T10:30:00` at 10:30:00.999).
pub(crate) fn read_date_upper(json: &Value) -> Result<i64, String> {
    let start = read_date(json)?;
    let Some(text) = json.as_str().filter(|text| text.parse::<i64>().is_err()) else {
        return Ok(start);
    };

    let (_, time) = text.split_once('T').unwrap_or((text, ""));
    let time = time.trim_end_matches('Z');
    let time = time.split(['+', '-']).next().unwrap_or(time);
    let extra = match time.matches(':').count() {
        _ if time.is_empty() => 86_399_999,
        1 => 59_999,
        _ if !time.contains('.') => 999,
        _ => 0,
    };
    Ok(start.saturating_add(extra))
}

fn epoch_millis(moment: OffsetDateTime) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let millis = (moment.unix_timestamp_nanos() / 1_000_000) as i64;
    millis
}

fn value_error(path: &str, field_type: FieldType, problem: String) -> ValueError {
    let (article, type_name) = (field_type.article(), field_type.name());
    ValueError { path: path.to_owned(), article, type_name, problem }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn coerces_like_elasticsearch() {
        let read = |t, v| FieldValue::read_all("f", t, &v);

        assert_eq!(read(FieldType::Keyword, json!(7)).unwrap(), [FieldValue::Str("7".into())]);
        assert_eq!(read(FieldType::Integer, json!("42")).unwrap(), [FieldValue::I64(42)]);
        assert_eq!(read(FieldType::Integer, json!(1.9)).unwrap(), [FieldValue::I64(1)]);
        assert_eq!(read(FieldType::Keyword, json!(["a", null, ["b"]])).unwrap().len(), 2);
        assert_eq!(
            read(FieldType::Date, json!("1970-01-02")).unwrap(),
            [FieldValue::DateMillis(86_400_000)]
        );
    }

    #[test]
    fn rounds_partial_upper_dates_up() {
        let day = 86_400_000;
        assert_eq!(read_date_upper(&json!("1970-01-02")), Ok(2 * day - 1));
        assert_eq!(read_date_upper(&json!("1970-01-01T00:01")), Ok(119_999));
        assert_eq!(read_date_upper(&json!("1970-01-01T00:00:01Z")), Ok(1_999));
        assert_eq!(read_date_upper(&json!("1970-01-01T00:00:01.5Z")), Ok(1_500));
        assert_eq!(read_date_upper(&json!(1234)), Ok(1234));
    }

    #[test]
    fn explains_what_does_not_fit() {
        let error = FieldValue::read_all("age", FieldType::Integer, &json!("old")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "field `age` is an integer field, but got \"old\", which is not a number"
        );
        assert!(FieldValue::read_all("n", FieldType::Integer, &json!(1e12)).is_err());
        assert!(FieldValue::read_all("k", FieldType::Keyword, &json!({"a": 1})).is_err());
        assert!(FieldValue::read_all("d", FieldType::Date, &json!("yesterday")).is_err());
    }
}
