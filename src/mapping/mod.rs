//! Index mappings, written as Elasticsearch mapping JSON.
//!
//! Operators describe an index exactly as they would for Elasticsearch:
//!
//! ```json
//! {"properties": {"owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}}}}
//! ```
//!
//! [`Mapping::from_json`] turns that into a flat list of [`MappedField`]s, one per searchable
//! path (`owner_name`, `owner_name.keyword`), which both backends and the config checks read.

mod value;

pub use value::{FieldValue, ValueError};

use serde_json::{Map, Value};

/// The field types moat understands, named as in Elasticsearch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Analysed full text (the standard analyzer).
    Text,
    /// One exact value.
    Keyword,
    /// A 32-bit signed integer.
    Integer,
    /// A 64-bit signed integer.
    Long,
    /// A 32-bit float.
    Float,
    /// A 64-bit float.
    Double,
    /// `true` or `false`.
    Boolean,
    /// A date or date-time, stored as milliseconds since the epoch.
    Date,
}

impl FieldType {
    const SUPPORTED: &'static str = "text, keyword, integer, long, float, double, boolean, date";

    fn parse(name: &str) -> Option<FieldType> {
        let field_type = match name {
            "text" => FieldType::Text,
            "keyword" => FieldType::Keyword,
            "integer" => FieldType::Integer,
            "long" => FieldType::Long,
            "float" => FieldType::Float,
            "double" => FieldType::Double,
            "boolean" => FieldType::Boolean,
            "date" => FieldType::Date,
            _ => return None,
        };
        Some(field_type)
    }

    /// The name Elasticsearch uses for this type.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Keyword => "keyword",
            FieldType::Integer => "integer",
            FieldType::Long => "long",
            FieldType::Float => "float",
            FieldType::Double => "double",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// One searchable path of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedField {
    /// The path queries use, such as `owner_name.keyword`.
    pub path: String,
    /// Where the value comes from in a document: the path itself, or the parent of a
    /// multi-field (`owner_name` for `owner_name.keyword`).
    pub source_path: String,
    /// How the value is indexed.
    pub field_type: FieldType,
}

/// A validated index mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    fields: Vec<MappedField>,
    objects: Vec<String>,
    original: Value,
}

/// Something wrong in a mapping, with the JSON path where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingProblem {
    /// Where in the mapping JSON, such as `properties.owner_name.type`.
    pub at: String,
    /// What is wrong.
    pub problem: String,
}

impl Mapping {
    /// Reads a mapping given as `{"mappings": {"properties": …}}` or `{"properties": …}`.
    pub fn from_json(json: &Value) -> Result<Mapping, Vec<MappingProblem>> {
        let root = json.get("mappings").unwrap_or(json);
        let mut problems = Vec::new();
        let mut mapping = Mapping { fields: Vec::new(), objects: Vec::new(), original: root.clone() };

        match root.get("properties").and_then(Value::as_object) {
            Some(properties) => mapping.read_properties(properties, "", "properties", &mut problems),
            None => problems.push(MappingProblem {
                at: "properties".into(),
                problem: "a mapping needs a `properties` object".into(),
            }),
        }

        if problems.is_empty() { Ok(mapping) } else { Err(problems) }
    }

    fn read_properties(
        &mut self,
        properties: &Map<String, Value>,
        prefix: &str,
        at: &str,
        problems: &mut Vec<MappingProblem>,
    ) {
        for (name, spec) in properties {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            let at = format!("{at}.{name}");
            let Some(spec) = spec.as_object() else {
                problems.push(problem(&at, "a field mapping must be a JSON object"));
                continue;
            };

            if let Some(children) = spec.get("properties").and_then(Value::as_object) {
                self.objects.push(path.clone());
                self.read_properties(children, &path, &format!("{at}.properties"), problems);
                continue;
            }

            let Some(field_type) = read_type(spec, &at, problems) else { continue };
            check_known_keys(spec, &at, problems);
            self.fields.push(MappedField {
                path: path.clone(),
                source_path: path.clone(),
                field_type,
            });

            let Some(sub_fields) = spec.get("fields") else { continue };
            let Some(sub_fields) = sub_fields.as_object() else {
                problems.push(problem(&format!("{at}.fields"), "`fields` must be an object"));
                continue;
            };
            for (sub_name, sub_spec) in sub_fields {
                let sub_at = format!("{at}.fields.{sub_name}");
                let Some(sub_spec) = sub_spec.as_object() else {
                    problems.push(problem(&sub_at, "a field mapping must be a JSON object"));
                    continue;
                };
                let Some(sub_type) = read_type(sub_spec, &sub_at, problems) else { continue };
                check_known_keys(sub_spec, &sub_at, problems);
                self.fields.push(MappedField {
                    path: format!("{path}.{sub_name}"),
                    source_path: path.clone(),
                    field_type: sub_type,
                });
            }
        }
    }

    /// Every searchable path, in mapping order.
    pub fn fields(&self) -> &[MappedField] {
        &self.fields
    }

    /// The searchable path `path`, if the mapping has it.
    pub fn field(&self, path: &str) -> Option<&MappedField> {
        self.fields.iter().find(|field| field.path == path)
    }

    /// Whether `path` is an object with its own properties.
    pub fn is_object(&self, path: &str) -> bool {
        self.objects.iter().any(|object| object == path)
    }

    /// The paths a document's source holds values at (multi-fields excluded).
    pub fn source_fields(&self) -> impl Iterator<Item = &MappedField> {
        self.fields.iter().filter(|field| field.path == field.source_path)
    }

    /// The mapping as Elasticsearch takes it in `PUT /index` under `mappings`.
    pub fn to_elasticsearch(&self) -> &Value {
        &self.original
    }
}

fn read_type(
    spec: &Map<String, Value>,
    at: &str,
    problems: &mut Vec<MappingProblem>,
) -> Option<FieldType> {
    let Some(name) = spec.get("type").and_then(Value::as_str) else {
        problems.push(problem(at, "a field needs a `type` (or `properties` for an object)"));
        return None;
    };
    let field_type = FieldType::parse(name);
    if field_type.is_none() {
        let message = format!("type `{name}` is not supported; use one of {}", FieldType::SUPPORTED);
        problems.push(problem(&format!("{at}.type"), &message));
    }
    field_type
}

fn check_known_keys(spec: &Map<String, Value>, at: &str, problems: &mut Vec<MappingProblem>) {
    for key in spec.keys() {
        if !matches!(key.as_str(), "type" | "fields") {
            let message = format!(
                "mapping parameter `{key}` is not supported; moat indexes with the defaults"
            );
            problems.push(problem(&format!("{at}.{key}"), &message));
        }
    }
}

fn problem(at: &str, message: &str) -> MappingProblem {
    MappingProblem { at: at.to_owned(), problem: message.to_owned() }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_multi_fields_and_objects() {
        let mapping = Mapping::from_json(&json!({"mappings": {"properties": {
            "owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
            "clinic": {"properties": {"city": {"type": "keyword"}}}
        }}}))
        .unwrap();

        let keyword = mapping.field("owner_name.keyword").unwrap();
        assert_eq!(keyword.field_type, FieldType::Keyword);
        assert_eq!(keyword.source_path, "owner_name");
        assert_eq!(mapping.field("clinic.city").unwrap().field_type, FieldType::Keyword);
        assert!(mapping.is_object("clinic"));
        assert_eq!(mapping.source_fields().count(), 2);
    }

    #[test]
    fn names_every_problem() {
        let problems = Mapping::from_json(&json!({"properties": {
            "a": {"type": "geo_point"},
            "b": {"type": "keyword", "ignore_above": 10},
            "c": 3
        }}))
        .unwrap_err();

        let places: Vec<_> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(places, ["properties.a.type", "properties.b.ignore_above", "properties.c"]);
    }
}
